/** Sends one command to a running sandbox's control endpoint (control-server.ts). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTROL_FILE, type ControlAnswer, type ControlCommand, type ControlFile } from './control-server.ts';

export class SandboxControlError extends Error {
  readonly code = 'SANDBOX_CONTROL_FAILED';
}

export async function sendControl(workDir: string, command: ControlCommand): Promise<ControlAnswer> {
  const controlPath = join(workDir, CONTROL_FILE);
  let control: ControlFile;
  try {
    control = JSON.parse(await readFile(controlPath, 'utf8')) as ControlFile;
  } catch (err) {
    throw new SandboxControlError(`no running sandbox found (${controlPath} is missing): start one with npm start in another terminal`, { cause: err });
  }
  let answer: ControlAnswer | { ok: false; message: string };
  try {
    const response = await fetch(`${control.url}/command`, { method: 'POST', headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' }, body: JSON.stringify(command) });
    answer = (await response.json()) as typeof answer;
  } catch (err) {
    throw new SandboxControlError(`the sandbox at ${control.url} does not answer (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}); is npm start still running?`, { cause: err });
  }
  if (!answer.ok) throw new SandboxControlError(answer.message);
  return answer;
}

/** The command line that does the same, for printing. */
export function controlCommandLine(command: ControlCommand): string {
  switch (command.command) {
    case 'fail':
    case 'recover':
      return `npm run sandbox -- ${command.command} ${command.cluster}`;
    case 'partition':
      return `npm run sandbox -- partition ${command.a} ${command.b}`;
    case 'heal':
    case 'status':
      return `npm run sandbox -- ${command.command}`;
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
