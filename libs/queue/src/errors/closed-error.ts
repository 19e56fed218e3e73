import { QueueError } from './queue-error.ts';

/** The component was closed; create a new one to continue. */
export class ClosedError extends QueueError {
  readonly code = 'CLOSED';
  readonly terminal = true;

  constructor(component: string) {
    super(`${component} is closed`);
  }
}
