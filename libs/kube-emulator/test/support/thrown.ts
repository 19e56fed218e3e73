/** For the unit specs of the pure rules: the ApiError a call throws. */
import { ApiError } from '../../src/pure/status-error.ts';

/**
 * Runs `fn` and returns the ApiError it throws; rethrows any other error, and fails with
 * "expected <expected>" when it throws nothing.
 */
export function thrownApiError(fn: () => unknown, expected = 'an ApiError'): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`expected ${expected}`);
}
