import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as protobuf from 'protobufjs';
import { ApiError } from '../errors';
import { isJsonObject, JsonObject, JsonValue } from '../json';
import { PACKAGE_ROOT } from '../packageRoot';

/**
 * The Kubernetes protobuf wire format (k8s.io/apimachinery/pkg/runtime/serializer/protobuf):
 * the 4-byte magic `k8s\0`, then a `runtime.Unknown` whose `raw` is the typed
 * message of `typeMeta`. Field names in `generated.proto` are the JSON names, so
 * messages map to JSON objects field by field, except for the types below that
 * have a custom JSON form and the embedded (`json:",inline"`) structs.
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Go structs embedded with `json:",inline"`: their fields sit in the parent's JSON. */
const INLINE = new Set([
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  'k8s.io.api.core.v1.Probe.handler',
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
]);
/** Messages that wrap a list and are a plain JSON array. */
const ARRAY_WRAPPERS = new Set([
  'k8s.io.api.authentication.v1.ExtraValue',
  'k8s.io.api.authorization.v1.ExtraValue',
]);

/**
 * Non-pointer Go fields with `omitempty`: go-to-protobuf writes their zero value,
 * Go's JSON drops it. (Pointer fields such as `replicas` keep an explicit 0, and
 * empty strings and `false` are dropped everywhere: the wire cannot tell them apart.)
 */
const ZERO_OMITTED = new Set([
  `${META}.ObjectMeta.generation`,
  'k8s.io.api.apps.v1.DeploymentSpec.minReadySeconds',
  'k8s.io.api.apps.v1.ReplicaSetSpec.minReadySeconds',
  'k8s.io.api.apps.v1.StatefulSetSpec.minReadySeconds',
  'k8s.io.api.apps.v1.DaemonSetSpec.minReadySeconds',
  'k8s.io.api.core.v1.ServicePort.nodePort',
  'k8s.io.api.core.v1.ContainerPort.hostPort',
]);

let root: protobuf.Root | undefined;

function protoDir() {
  return join(PACKAGE_ROOT, 'proto');
}

function protoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return protoFiles(path);
    }
    return name.endsWith('.proto') ? [path] : [];
  });
}

function loadRoot(): protobuf.Root {
  if (!root) {
    const dir = protoDir();
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) =>
      target.startsWith(dir) ? target : join(dir, target);
    r.loadSync(
      protoFiles(dir).map(f => relative(dir, f)),
      { keepCase: true },
    );
    r.resolveAll();
    root = r;
  }
  return root;
}

/** The protobuf package of a Kubernetes API group/version (`rbac.authorization.k8s.io/v1` → `k8s.io.api.rbac.v1`). */
function packageOf(apiVersion: string) {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['', apiVersion];
  if (group === 'meta.k8s.io') {
    return META;
  }
  return `k8s.io.api.${group ? group.split('.')[0] : 'core'}.${version}`;
}

/** The message type of apiVersion/kind, or undefined when the simulator has no definition for it. */
export function messageType(
  apiVersion: string,
  kind: string,
): protobuf.Type | undefined {
  const r = loadRoot();
  for (const pkg of [packageOf(apiVersion), META]) {
    const found = r.lookup(`${pkg}.${kind}`);
    if (found instanceof protobuf.Type) {
      return found;
    }
  }
  return undefined;
}

export function hasProtobuf(apiVersion: string, kind: string) {
  return messageType(apiVersion, kind) !== undefined;
}

function unsupported(apiVersion: string, kind: string) {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (no protobuf definition for ${apiVersion}, Kind=${kind})`,
  );
}

/** Go's time.Duration String(), e.g. `1h0m0s`, `1.5s`. */
function goDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  let rest = Math.abs(nanos);
  if (rest < 1e9) {
    if (rest < 1e3) return `${sign}${rest}ns`;
    if (rest < 1e6) return `${sign}${rest / 1e3}µs`;
    return `${sign}${rest / 1e6}ms`;
  }
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const s = `${rest / 1e9}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

function parseGoDuration(text: string): number {
  const units: Record<string, number> = {
    ns: 1,
    us: 1e3,
    µs: 1e3,
    ms: 1e6,
    s: 1e9,
    m: 6e10,
    h: 3.6e12,
  };
  let total = 0;
  for (const m of text.matchAll(/([\d.]+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]];
  }
  return Math.round(text.startsWith('-') ? -total : total);
}

function timeToJson(value: JsonObject, micro: boolean): JsonValue {
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (seconds === 0 && nanos === 0) {
    return null;
  }
  const iso = new Date(seconds * 1000).toISOString();
  return micro
    ? `${iso.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(
        6,
        '0',
      )}Z`
    : `${iso.slice(0, 19)}Z`;
}

function timeFromJson(value: JsonValue): JsonObject | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const frac = /\.(\d+)Z?$/.exec(value)?.[1] ?? '';
  return {
    seconds: Math.floor(ms / 1000),
    nanos: Number(frac.padEnd(9, '0').slice(0, 9)),
  };
}

function decodeEmbedded(raw: string): JsonValue {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length === 0) return null;
  if (bytes.subarray(0, 4).equals(MAGIC)) {
    return decodeProtobuf(bytes);
  }
  return JSON.parse(bytes.toString('utf8')) as JsonValue;
}

/** A decoded message (from `toObject`) → its Kubernetes JSON form. */
function messageToJson(type: protobuf.Type, value: JsonObject): JsonValue {
  switch (type.fullName.slice(1)) {
    case `${META}.Time`:
      return timeToJson(value, false);
    case `${META}.MicroTime`:
      return timeToJson(value, true);
    case `${META}.Duration`:
      return goDuration(Number(value.duration ?? 0));
    case `${META}.FieldsV1`:
      return typeof value.Raw === 'string' ? decodeEmbedded(value.Raw) : {};
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
      return typeof value.raw === 'string' ? decodeEmbedded(value.raw) : null;
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return Number(value.type ?? 0) === 1
        ? String(value.strVal ?? '')
        : Number(value.intVal ?? 0);
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return String(value.string ?? '0');
    default:
      break;
  }
  if (ARRAY_WRAPPERS.has(type.fullName.slice(1))) {
    return Array.isArray(value.items) ? value.items : [];
  }
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    if (
      v === 0 &&
      ZERO_OMITTED.has(`${type.fullName.slice(1)}.${field.name}`)
    ) {
      continue;
    }
    const converted = fieldToJson(field, v);
    if (converted === undefined) continue;
    if (INLINE.has(`${type.fullName.slice(1)}.${field.name}`)) {
      Object.assign(out, converted);
    } else {
      out[field.name] = converted;
    }
  }
  return out;
}

function scalarToJson(
  field: protobuf.Field,
  v: JsonValue,
): JsonValue | undefined {
  const target = field.resolvedType;
  if (target instanceof protobuf.Type) {
    return isJsonObject(v) ? messageToJson(target, v) : undefined;
  }
  // go-to-protobuf writes every non-pointer scalar; Go's JSON omits the empty ones.
  if (v === '' || v === false) return undefined;
  return v;
}

function fieldToJson(
  field: protobuf.Field,
  v: JsonValue,
): JsonValue | undefined {
  if (field instanceof protobuf.MapField) {
    if (!isJsonObject(v)) return undefined;
    const out: JsonObject = {};
    for (const [k, item] of Object.entries(v)) {
      const target = field.resolvedType;
      out[k] =
        target instanceof protobuf.Type && isJsonObject(item)
          ? messageToJson(target, item)
          : item;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (field.repeated) {
    if (!Array.isArray(v) || v.length === 0) return undefined;
    return v.map(item => {
      const target = field.resolvedType;
      return target instanceof protobuf.Type && isJsonObject(item)
        ? messageToJson(target, item)
        : item;
    });
  }
  return scalarToJson(field, v);
}

/** Decodes a `k8s\0`-enveloped protobuf body into the object's JSON form, or throws 415. */
export function decodeProtobuf(bytes: Buffer): JsonObject {
  if (!bytes.subarray(0, 4).equals(MAGIC)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - the protobuf envelope is missing its "k8s\\x00" prefix',
    );
  }
  const unknownType = loadRoot().lookupType(
    'k8s.io.apimachinery.pkg.runtime.Unknown',
  );
  const unknown = unknownType.toObject(unknownType.decode(bytes.subarray(4)), {
    longs: Number,
    bytes: Buffer,
  }) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Buffer;
  };
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  const type = messageType(apiVersion, kind);
  if (!type) {
    throw unsupported(apiVersion, kind);
  }
  const message = type.toObject(type.decode(unknown.raw ?? Buffer.alloc(0)), {
    longs: Number,
    bytes: String,
  }) as JsonObject;
  const json = messageToJson(type, message) as JsonObject;
  return { apiVersion, kind, ...json };
}

/** A JSON value → the plain object `Type.fromObject` takes. */
function messageFromJson(
  type: protobuf.Type,
  value: JsonValue,
): JsonObject | undefined {
  switch (type.fullName.slice(1)) {
    case `${META}.Time`:
    case `${META}.MicroTime`:
      return timeFromJson(value);
    case `${META}.Duration`:
      return typeof value === 'string'
        ? { duration: parseGoDuration(value) }
        : undefined;
    case `${META}.FieldsV1`:
      return { Raw: Buffer.from(JSON.stringify(value)).toString('base64') };
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
      return value === null
        ? undefined
        : { raw: Buffer.from(JSON.stringify(value)).toString('base64') };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return typeof value === 'number'
        ? { type: 0, intVal: value }
        : { type: 1, strVal: String(value) };
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { string: String(value) };
    default:
      break;
  }
  if (ARRAY_WRAPPERS.has(type.fullName.slice(1))) {
    return { items: Array.isArray(value) ? value : [] };
  }
  if (!isJsonObject(value)) return undefined;
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    const inline = INLINE.has(`${type.fullName.slice(1)}.${field.name}`);
    const v = inline ? value : value[field.name];
    if (v === undefined || v === null) continue;
    const target = field.resolvedType;
    const convert = (item: JsonValue) =>
      target instanceof protobuf.Type ? messageFromJson(target, item) : item;
    if (field instanceof protobuf.MapField) {
      if (isJsonObject(v)) {
        out[field.name] = Object.fromEntries(
          Object.entries(v).map(([k, item]) => [k, convert(item) ?? null]),
        );
      }
    } else if (field.repeated) {
      if (Array.isArray(v)) {
        out[field.name] = v
          .map(convert)
          .filter((x): x is JsonValue => x !== undefined);
      }
    } else {
      const converted = convert(v);
      if (converted !== undefined) out[field.name] = converted;
    }
  }
  return out;
}

/** Encodes an object (with apiVersion and kind) in the `k8s\0` protobuf envelope. */
export function encodeProtobuf(obj: JsonObject): Buffer {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const type = messageType(apiVersion, kind);
  if (!type) {
    throw new ApiError(
      406,
      'NotAcceptable',
      `only the following media types are accepted: application/json, application/yaml (no protobuf definition for ${apiVersion}, Kind=${kind})`,
    );
  }
  const raw = type
    .encode(type.fromObject(messageFromJson(type, obj) ?? {}))
    .finish();
  const unknownType = loadRoot().lookupType(
    'k8s.io.apimachinery.pkg.runtime.Unknown',
  );
  const envelope = unknownType
    .encode(
      unknownType.fromObject({
        typeMeta: { apiVersion, kind },
        raw,
        contentEncoding: '',
        contentType: '',
      }),
    )
    .finish();
  return Buffer.concat([MAGIC, envelope]);
}

/**
 * One frame of a protobuf watch stream (`;stream=watch`): the 4-byte big-endian
 * length, then a `metav1.WatchEvent` without envelope whose object is enveloped.
 */
export function encodeWatchFrame(
  eventType: string,
  object: JsonObject,
): Buffer {
  const eventMessage = loadRoot().lookupType(`${META}.WatchEvent`);
  const bytes = eventMessage
    .encode(
      eventMessage.fromObject({
        type: eventType,
        object: { raw: encodeProtobuf(object) },
      }),
    )
    .finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
