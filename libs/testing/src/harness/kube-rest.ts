/**
 * A minimal Kubernetes REST client for emulated clusters (HTTPS with the cluster's CA and admin
 * token, keep-alive), for seeding and inspecting objects from the harness and the sandbox without
 * depending on the apps' adapters.
 */
import { Agent, request } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import type { EmulatedCluster } from '@amko-fed/kube-emulator';

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface KubeRest {
  readonly cluster: string;
  /** Any request; `body` is sent as JSON (or merge-patch JSON for PATCH). */
  request(method: string, path: string, body?: unknown): Promise<KubeResponse>;
  /** GET; undefined on 404; throws on other failures. */
  get(path: string): Promise<Record<string, unknown> | undefined>;
  /** POST to a collection; throws unless 201. */
  create(collectionPath: string, object: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** JSON merge patch; throws unless 200. */
  mergePatch(path: string, patch: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** DELETE; true when it existed. */
  delete(path: string): Promise<boolean>;
  close(): void;
}

/** `/apis/amko.vmware.com/<version>/namespaces/<ns>/<plural>[/<name>]`. */
export function amkoPath(version: string, plural: string, namespace: string, name?: string): string {
  return `/apis/amko.vmware.com/${version}/namespaces/${namespace}/${plural}${name === undefined ? '' : `/${name}`}`;
}

export class KubeRequestError extends Error {
  readonly code = 'KUBE_REQUEST_FAILED';
  readonly status: number;

  constructor(method: string, path: string, status: number, body: unknown) {
    const message = (body as { message?: unknown } | undefined)?.message;
    super(`${method} ${path} answered ${status}${typeof message === 'string' ? `: ${message}` : ''}`);
    this.status = status;
  }
}

export function createKubeRest(cluster: Pick<EmulatedCluster, 'name' | 'url' | 'token' | 'caPem'>): KubeRest {
  const url = new URL(cluster.url);
  const secure = url.protocol === 'https:';
  const agent = secure ? new Agent({ keepAlive: true, ca: cluster.caPem }) : new HttpAgent({ keepAlive: true });

  function send(method: string, path: string, body?: unknown): Promise<KubeResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { authorization: `Bearer ${cluster.token}`, accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const make = secure ? request : httpRequest;
    return new Promise((resolve, reject) => {
      const req = make({ hostname: url.hostname, port: url.port, path, method, headers, agent, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function expectStatus(method: string, path: string, body: unknown, ok: readonly number[]): Promise<Record<string, unknown>> {
    const response = await send(method, path, body);
    if (!ok.includes(response.status)) throw new KubeRequestError(method, path, response.status, response.body);
    return response.body as Record<string, unknown>;
  }

  return {
    cluster: cluster.name,
    request: send,
    async get(path) {
      const response = await send('GET', path);
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw new KubeRequestError('GET', path, response.status, response.body);
      return response.body as Record<string, unknown>;
    },
    create: (collectionPath, object) => expectStatus('POST', collectionPath, object, [201]),
    mergePatch: (path, patch) => expectStatus('PATCH', path, patch, [200]),
    async delete(path) {
      const response = await send('DELETE', path);
      if (response.status === 404) return false;
      if (response.status !== 200 && response.status !== 202) throw new KubeRequestError('DELETE', path, response.status, response.body);
      return true;
    },
    close: () => agent.destroy(),
  };
}
