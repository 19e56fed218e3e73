/**
 * Serves OpenAPI: `/openapi/v3` (index), `/openapi/v3/{api/v1|apis/g/v}` (one document per group
 * version, generated from the registry, so CRD schemas appear as soon as a CRD is established)
 * and `/openapi/v2` as an empty protobuf document (a valid, empty spec for older code paths).
 * Documents are rebuilt only when the registry changes.
 */
import { buildOpenApiIndex, buildOpenApiV3Document, contentHash, openApiPathOf } from './pure/index.ts';
import type { Registry } from './registry.ts';

export interface ServedDocument {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag?: string;
}

const protobufV2 = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export class OpenApiDocuments {
  readonly #registry: Registry;
  #generation = -1;
  #index: ServedDocument | undefined;
  readonly #documents = new Map<string, ServedDocument>();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** The document for a `/openapi/...` path, or undefined (404). */
  serve(path: string, _query: URLSearchParams): ServedDocument | undefined {
    if (path === '/openapi/v2' || path === '/openapi/v2/') return { body: Buffer.alloc(0), contentType: protobufV2 };
    this.#refresh();
    if (path === '/openapi/v3' || path === '/openapi/v3/') return this.#index;
    if (path.startsWith('/openapi/v3/')) return this.#documents.get(path.slice('/openapi/v3/'.length).replace(/\/+$/, ''));
    return undefined;
  }

  #refresh(): void {
    if (this.#generation === this.#registry.generation) return;
    this.#documents.clear();
    const entries: { path: string; hash: string }[] = [];
    for (const group of this.#registry.groups()) {
      for (const version of this.#registry.versionsOf(group)) {
        const doc = buildOpenApiV3Document({ group, version }, this.#registry.resourcesOf(group, version));
        const hash = contentHash(doc);
        const path = openApiPathOf({ group, version });
        entries.push({ path, hash });
        this.#documents.set(path, { body: Buffer.from(JSON.stringify(doc)), contentType: 'application/json', etag: `"${hash}"` });
      }
    }
    this.#index = { body: Buffer.from(JSON.stringify(buildOpenApiIndex(entries))), contentType: 'application/json' };
    this.#generation = this.#registry.generation;
  }
}
