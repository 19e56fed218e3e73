/**
 * Decoding of the Kubernetes protobuf request bodies that kubectl's typed clients send for
 * built-in kinds (`kubectl create secret|configmap|namespace` use
 * `application/vnd.kubernetes.protobuf`): the `k8s\0` envelope (runtime.Unknown) and the
 * messages of Secret, ConfigMap, Namespace, Lease and DeleteOptions, to the JSON the rest of the
 * server works on. Responses stay JSON (those clients accept it).
 */
import { unsupportedMediaType, badRequest } from './pure/index.ts';
import type { JsonObject } from './object.ts';

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'microtime';

interface Field {
  readonly name: string;
  readonly type: Scalar | MessageSchema | { readonly map: 'string' | 'bytes' };
  readonly repeated?: boolean;
}

type MessageSchema = Readonly<Record<number, Field>>;

const ownerReference: MessageSchema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const objectMeta: MessageSchema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: ownerReference, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const kinds: Readonly<Record<string, MessageSchema>> = {
  'v1/Secret': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ConfigMap': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Namespace': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  'coordination.k8s.io/v1/Lease': {
    1: { name: 'metadata', type: objectMeta },
    2: {
      name: 'spec',
      type: {
        1: { name: 'holderIdentity', type: 'string' },
        2: { name: 'leaseDurationSeconds', type: 'int' },
        3: { name: 'acquireTime', type: 'microtime' },
        4: { name: 'renewTime', type: 'microtime' },
        5: { name: 'leaseTransitions', type: 'int' },
        6: { name: 'strategy', type: 'string' },
        7: { name: 'preferredHolder', type: 'string' },
      },
    },
  },
  'v1/DeleteOptions': {
    1: { name: 'gracePeriodSeconds', type: 'int' },
    2: { name: 'preconditions', type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } } },
    3: { name: 'orphanDependents', type: 'bool' },
    4: { name: 'propagationPolicy', type: 'string' },
    5: { name: 'dryRun', type: 'string', repeated: true },
  },
};

class Reader {
  pos = 0;
  readonly buf: Buffer;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest('protobuf: truncated varint');
      const byte = this.buf[this.pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw badRequest('protobuf: varint too long');
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw badRequest('protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw badRequest(`protobuf: unsupported wire type ${wireType}`);
    }
  }
}

function toInt64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeTime(buf: Buffer, micro: boolean): string {
  const r = new Reader(buf);
  let seconds = 0;
  let nanos = 0;
  while (!r.done) {
    const key = Number(r.varint());
    const field = key >> 3;
    if (field === 1 && (key & 7) === 0) seconds = toInt64(r.varint());
    else if (field === 2 && (key & 7) === 0) nanos = toInt64(r.varint());
    else r.skip(key & 7);
  }
  const date = new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  if (!micro) return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const micros = String(Math.floor(nanos / 1000)).padStart(6, '0');
  return date.toISOString().replace(/\.\d{3}Z$/, `.${micros}Z`);
}

/** Calls `visit` for each length-delimited field of a message, in order; other fields are skipped. */
function forEachLengthDelimitedField(buf: Buffer, visit: (field: number, bytes: Buffer) => void): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = Number(r.varint());
    if ((tag & 7) === 2) visit(tag >> 3, r.bytes());
    else r.skip(tag & 7);
  }
}

function decodeMapEntry(buf: Buffer, valueType: 'string' | 'bytes'): [string, string] {
  let key = '';
  let value = '';
  forEachLengthDelimitedField(buf, (field, bytes) => {
    if (field === 1) key = bytes.toString('utf8');
    else if (field === 2) value = valueType === 'bytes' ? bytes.toString('base64') : bytes.toString('utf8');
  });
  return [key, value];
}

function decodeMessage(buf: Buffer, schema: MessageSchema): JsonObject {
  const out: JsonObject = {};
  const r = new Reader(buf);
  while (!r.done) {
    const tag = Number(r.varint());
    const wireType = tag & 7;
    const field = schema[tag >> 3];
    if (!field) {
      r.skip(wireType);
      continue;
    }
    let value: unknown;
    const type = field.type;
    if (typeof type === 'string') {
      switch (type) {
        case 'string':
          value = r.bytes().toString('utf8');
          break;
        case 'bytes':
          value = r.bytes().toString('base64');
          break;
        case 'int':
          value = toInt64(r.varint());
          break;
        case 'bool':
          value = r.varint() !== 0n;
          break;
        case 'time':
        case 'microtime':
          value = decodeTime(r.bytes(), type === 'microtime');
          break;
        default: {
          const _exhaustive: never = type;
          throw badRequest(`protobuf: unknown field type ${String(_exhaustive)}`);
        }
      }
    } else if ('map' in type) {
      const [k, v] = decodeMapEntry(r.bytes(), type.map as 'string' | 'bytes');
      const map = (out[field.name] as Record<string, string> | undefined) ?? {};
      map[k] = v;
      out[field.name] = map;
      continue;
    } else {
      value = decodeMessage(r.bytes(), type as MessageSchema);
    }
    if (field.repeated) out[field.name] = [...((out[field.name] as unknown[] | undefined) ?? []), value];
    else if (value !== '') out[field.name] = value; // Go's omitempty: "" is absent in JSON
  }
  return out;
}

/** Decodes a `k8s\0`-enveloped protobuf object of a supported built-in kind to JSON. */
export function decodeProtobufObject(raw: Buffer): JsonObject {
  if (raw.length < 4 || raw.readUInt32BE(0) !== 0x6b387300) throw badRequest('protobuf: missing the k8s envelope');
  let apiVersion = '';
  let kind = '';
  let payload: Buffer = Buffer.alloc(0);
  forEachLengthDelimitedField(raw.subarray(4), (field, bytes) => {
    if (field === 1) {
      const typeMeta = decodeMessage(bytes, { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } });
      apiVersion = String(typeMeta['apiVersion'] ?? '');
      kind = String(typeMeta['kind'] ?? '');
    } else if (field === 2) payload = bytes;
  });
  const schema = kinds[`${apiVersion}/${kind}`];
  if (!schema) throw unsupportedMediaType(`the emulator cannot decode ${apiVersion} ${kind} from protobuf; send JSON`);
  return { apiVersion, kind, ...decodeMessage(payload, schema) };
}
