import { ServerResponse } from 'node:http';
import { errors } from '../errors';
import { isJsonObject, JsonObject, JsonValue } from '../json';
import { PatchType } from '../patch';
import { ResourceType } from '../registry';
import { definitions, resolveSchema, schemaOf } from './schemas';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The `fieldValidation` directive; the API server's default is Warn. */
export function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const value = q.get('fieldValidation') ?? 'Warn';
  if (value !== 'Strict' && value !== 'Warn' && value !== 'Ignore') {
    throw errors.badRequest(
      `fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Warn", "Strict"`,
    );
  }
  return value;
}

function walk(
  value: JsonValue,
  schemaRef: JsonValue | undefined,
  path: string,
  out: string[],
  patch: boolean,
) {
  const schema = resolveSchema(schemaRef);
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) =>
      walk(item, schema.items, `${path}[${i}]`, out, patch),
    );
    return;
  }
  if (!isJsonObject(value)) return;
  const properties = isJsonObject(schema.properties)
    ? schema.properties
    : undefined;
  for (const [key, child] of Object.entries(value)) {
    // Strategic merge patch directives ($patch, $retainKeys, $setElementOrder/…) are not fields.
    if (patch && key.startsWith('$')) continue;
    const childPath = path ? `${path}.${key}` : key;
    if (properties) {
      if (properties[key] === undefined) {
        out.push(childPath);
      } else {
        walk(child, properties[key], childPath, out, patch);
      }
    } else if (isJsonObject(schema.additionalProperties)) {
      walk(child, schema.additionalProperties, childPath, out, patch);
    }
  }
}

/** The fields of a JSON body that the type's schema does not declare (`spec.foo`, `…containers[0].bar`). */
export function unknownFields(
  type: ResourceType,
  version: string,
  body: JsonValue,
  patch: boolean,
): string[] {
  const name = schemaOf(type, version);
  if (!name || !type.builtin) return [];
  const out: string[] = [];
  walk(body, definitions()[name], '', out, patch);
  return out;
}

/**
 * Field validation of a create, update or patch body, as the API server does it:
 * Strict answers 400 naming the fields, Warn adds a `Warning` header per field.
 */
export function validateFields(
  res: ServerResponse,
  q: URLSearchParams,
  type: ResourceType,
  version: string,
  body: JsonValue | undefined,
  patchType: PatchType | undefined,
) {
  const mode = fieldValidationOf(q);
  if (mode === 'Ignore' || body === undefined || patchType === 'json') return;
  const unknown = unknownFields(type, version, body, patchType !== undefined);
  if (unknown.length === 0) return;
  if (mode === 'Warn') {
    res.setHeader(
      'Warning',
      unknown.map(f => `299 - "unknown field \\"${f}\\""`),
    );
    return;
  }
  const obj = isJsonObject(body) ? (body as JsonObject) : {};
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : {};
  if (patchType === 'apply') {
    throw errors.badRequest(
      `failed to create typed patch object (${[
        metadata.namespace,
        metadata.name,
      ]
        .filter(Boolean)
        .join('/')}; ${type.group ? `${type.group}/` : ''}${version}, Kind=${
        type.kind
      }): ${unknown
        .map(f => `.${f}: field not declared in schema`)
        .join(', ')}`,
    );
  }
  throw errors.badRequest(
    `${type.kind} in version "${version}" cannot be handled as a ${
      type.kind
    }: strict decoding error: ${unknown
      .map(f => `unknown field "${f}"`)
      .join(', ')}`,
  );
}
