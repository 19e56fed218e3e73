import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

export interface SchemaRejectedErrorOptions extends AmkoFedErrorOptions {
  /** The HTTP status (400 or 422). @defaultValue 422 */
  readonly status?: number;
}

/** The API server refused the object (400 Bad Request, 422 Invalid). Terminal. */
export class SchemaRejectedError extends AmkoFedError {
  readonly code = ErrorCode.SchemaRejected;
  readonly retryable = false;
  readonly status: number;

  constructor(message: string, options: SchemaRejectedErrorOptions = {}) {
    super(message, options);
    this.status = options.status ?? 422;
  }
}
