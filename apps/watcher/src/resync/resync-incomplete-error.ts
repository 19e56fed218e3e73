/** A resync could not record every object in the federation log (Redis unavailable); it is retried. */
export class ResyncIncompleteError extends Error {
  readonly code = 'RESYNC_INCOMPLETE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResyncIncompleteError';
  }
}
