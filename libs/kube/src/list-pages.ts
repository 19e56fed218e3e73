/**
 * A list read page by page (`limit` / `continue`, as client-go's pager does): what the client's
 * `listPages` and the informers' lists share, so that neither holds a whole listing (10,000 copies
 * are ~45 MB as one response). Every page of one list is read from the same snapshot; its
 * `resourceVersion` is the list's, where a watch of it starts.
 */
import type { KubeObject } from '@amko-fed/domain';
import type { KubeRequest } from './kube-transport.ts';

/** Objects per page (client-go's pager uses 500 too). */
export const LIST_PAGE_SIZE = 500;

export interface ListPage {
  readonly items: readonly KubeObject[];
  /** The list's resourceVersion ('' when the server sent none). */
  readonly resourceVersion: string;
}

interface ListBody {
  readonly items?: KubeObject[];
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
}

/** GETs `request.path` page by page with `send`; `request.path` carries no query. */
export async function* pagesOf(send: (request: KubeRequest) => Promise<unknown>, request: KubeRequest, pageSize: number = LIST_PAGE_SIZE): AsyncGenerator<ListPage> {
  let token: string | undefined;
  do {
    const query = `?limit=${pageSize}${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`;
    const body = (await send({ ...request, method: 'GET', path: request.path + query })) as ListBody | undefined;
    yield { items: body?.items ?? [], resourceVersion: body?.metadata?.resourceVersion ?? '' };
    const next = body?.metadata?.continue;
    token = next === undefined || next === '' ? undefined : next;
  } while (token !== undefined);
}
