import type { z } from 'zod';

/**
 * `path: message` for each issue; values are never echoed (they may hold object content). The
 * issue list of `InvalidJobPayloadError` and of the Redis adapter's `InvalidRecordError`.
 */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}
