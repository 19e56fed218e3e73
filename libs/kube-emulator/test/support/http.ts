/** Raw HTTP(S) requests to a cluster from its kubeconfig (server, CA or insecure, bearer token). */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { ProvidedCluster } from './provider.ts';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Bearer token to send; the kubeconfig user's token by default, `null` for none. */
  readonly token?: string | null;
  readonly timeoutMs?: number;
}

export function rawClient(cluster: Pick<ProvidedCluster, 'kubeconfig' | 'contextName'>): (path: string, req?: RawRequest) => Promise<RawResponse> {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  kc.setCurrentContext(cluster.contextName);
  const server = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!server) throw new Error(`no cluster for context ${cluster.contextName}`);
  const base = new URL(server.server);
  const ca = server.caData ? Buffer.from(server.caData, 'base64') : undefined;
  return (path, req = {}) =>
    new Promise((resolve, reject) => {
      const token = req.token === undefined ? user?.token : req.token;
      const headers: Record<string, string> = { Accept: 'application/json', ...(req.headers ?? {}) };
      if (token) headers['Authorization'] = `Bearer ${token}`;
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      const options = {
        host: base.hostname,
        port: base.port,
        path,
        method: req.method ?? 'GET',
        headers,
        agent: false,
        ...(base.protocol === 'https:' ? { ca, rejectUnauthorized: !server.skipTLSVerify } : {}),
        ...(req.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(req.timeoutMs) }),
      };
      const r = (base.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(req.body);
    });
}
