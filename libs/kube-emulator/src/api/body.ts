/** Decoding and checking write bodies before any kind-specific logic runs. */
import { parse as parseYaml } from 'yaml';
import { badRequest } from '../pure/index.ts';
import { isJsonObject, type KubeObject } from '../object.ts';
import { decodeProtobufObject, protobufContentType } from '../protobuf.ts';
import type { ResourceType } from '../resource-type.ts';

/**
 * Parses a request body by its Content-Type: JSON; YAML for `*yaml` types (apply patches accept
 * both); Kubernetes protobuf for the built-in kinds kubectl's typed clients send.
 */
export function decodeBody(raw: Buffer, contentType?: string): unknown {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === protobufContentType) return decodeProtobufObject(raw);
  const yaml = mediaType.endsWith('yaml');
  const text = raw.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (jsonError) {
    if (!yaml) throw badRequest(`the body of the request could not be decoded: ${(jsonError as Error).message}`);
    try {
      return parseYaml(text) as unknown;
    } catch (yamlError) {
      throw badRequest(`error decoding YAML: ${(yamlError as Error).message}`);
    }
  }
}

function checkStringMap(value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (!isJsonObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw badRequest(`json: cannot unmarshal ${field} into Go struct field ObjectMeta.${field} of type map[string]string`);
  }
}

/**
 * A write body as an object of this resource: for custom resources `apiVersion` and `kind` are
 * required and must match; built-in kinds get them filled in. The body is taken over (callers pass
 * freshly decoded or freshly built objects) and may be modified.
 */
export function objectFromBody(rt: ResourceType, body: unknown): KubeObject {
  if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON object');
  const obj = body as KubeObject;
  const kind = obj.kind;
  const apiVersion = obj.apiVersion;
  if (rt.builtin) {
    if (kind === undefined || kind === '') obj.kind = rt.kind;
    if (apiVersion === undefined || apiVersion === '') obj.apiVersion = rt.apiVersion;
  } else {
    if (typeof kind !== 'string' || kind === '') throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    if (typeof apiVersion !== 'string' || apiVersion === '') throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(body)}'`);
  }
  if (obj.kind !== rt.kind || obj.apiVersion !== rt.apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${rt.apiVersion}) or kind ${String(obj.kind)} is not ${rt.kind}`);
  }
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isJsonObject(obj.metadata)) throw badRequest('metadata must be an object');
  checkStringMap(obj.metadata.labels, 'metadata.labels');
  checkStringMap(obj.metadata.annotations, 'metadata.annotations');
  const finalizers = obj.metadata.finalizers;
  if (finalizers !== undefined && finalizers !== null && (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string'))) {
    throw badRequest('json: cannot unmarshal metadata.finalizers into Go struct field ObjectMeta.metadata.finalizers of type []string');
  }
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'] as const) {
    if (obj.metadata[key] === null) delete obj.metadata[key];
  }
  return obj;
}

/** Puts the URL namespace on the object (400 when the body names another one). */
export function setNamespace(rt: ResourceType, obj: KubeObject, urlNamespace: string | undefined): void {
  if (!rt.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const own = obj.metadata.namespace;
  if (own !== undefined && own !== '' && own !== urlNamespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (urlNamespace === undefined) throw badRequest('a namespace is required for a namespaced resource');
  obj.metadata.namespace = urlNamespace;
}
