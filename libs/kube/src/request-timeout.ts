import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node';
import { clientNode } from './client-node.ts';

/**
 * Per-call options that abort a request after `ms`. client-node has no timeout by default; a
 * middleware that sets an AbortSignal is the supported hook (reference/kube-api-notes.md §1.3).
 * `append` keeps the library's own middleware (User-Agent, auth).
 */
export function timeoutOptions(ms: number, extraHeaders: Record<string, string> = {}): ConfigurationOptions<ObservableMiddleware> {
  const { Observable } = clientNode();
  return {
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          for (const [key, value] of Object.entries(extraHeaders)) ctx.setHeaderParam(key, value);
          return new Observable(Promise.resolve(ctx));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
  };
}
