/** A failure the CLI reports as one clear line on stderr, with a non-zero exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Exit codes: 1 = the operation failed, 2 = the input is wrong (kubectl/getopt convention). */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
