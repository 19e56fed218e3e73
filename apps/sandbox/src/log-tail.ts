/**
 * Follows a growing log file and hands over each complete line (for showing the child processes'
 * logs in the sandbox's terminal while they are also kept in files).
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface LogTail {
  stop(): Promise<void>;
}

export function tailFile(file: string, onLine: (line: string) => void, intervalMs = 200): LogTail {
  let handle: FileHandle | undefined;
  let offset = 0;
  let partial = '';
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const buffer = Buffer.alloc(64 * 1024);

  async function poll(): Promise<void> {
    if (stopped) return;
    handle ??= await open(file, 'r').catch(() => undefined);
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const text = partial + buffer.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line);
    }
  }

  const timer = setInterval(() => {
    running = running.then(poll).catch(() => undefined);
  }, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      stopped = false;
      await poll().catch(() => undefined); // the last lines
      stopped = true;
      if (partial.trim() !== '') onLine(partial);
      await handle?.close();
    },
  };
}
