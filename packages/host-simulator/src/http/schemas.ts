import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isJsonObject, JsonObject, JsonValue } from '../json';
import { PACKAGE_ROOT } from '../packageRoot';
import { ResourceType } from '../registry';

/**
 * The OpenAPI schemas of the built-in types, from the published Kubernetes spec
 * (see `scripts/extractOpenApi.ts`): what `kubectl explain` shows, what field
 * validation checks, and where strategic merge patch and server-side apply find
 * list merge keys.
 */
interface Definitions {
  source: string;
  definitions: Record<string, JsonObject>;
}

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

let loaded: Definitions | undefined;
let byGvk: Map<string, string> | undefined;

function definitionsFile() {
  return join(PACKAGE_ROOT, 'openapi', 'definitions.json.gz');
}

export function definitions(): Record<string, JsonObject> {
  if (!loaded) {
    loaded = JSON.parse(
      gunzipSync(readFileSync(definitionsFile())).toString('utf8'),
    ) as Definitions;
  }
  return loaded.definitions;
}

/** The definition name of a group/version/kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
export function definitionName(
  group: string,
  version: string,
  kind: string,
): string | undefined {
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, schema] of Object.entries(definitions())) {
      const gvks = schema['x-kubernetes-group-version-kind'];
      for (const g of Array.isArray(gvks) ? gvks : []) {
        const { group: gr, version: v, kind: k } = g as unknown as Gvk;
        byGvk.set(`${gr}/${v}/${k}`, name);
      }
    }
  }
  return byGvk.get(`${group}/${version}/${kind}`);
}

/** The schema of a served type (an older served version falls back to the storage version's). */
export function schemaOf(type: ResourceType, version: string) {
  return (
    definitionName(type.group, version, type.kind) ??
    definitionName(type.group, type.versions[0], type.kind)
  );
}

/** Follows `$ref` (and a lone `allOf` wrapper) to the schema it names. */
export function resolveSchema(schema: JsonValue | undefined): JsonObject {
  let current = isJsonObject(schema) ? schema : {};
  for (let i = 0; i < 10; i++) {
    const wrapped =
      Array.isArray(current.allOf) &&
      current.allOf.length === 1 &&
      isJsonObject(current.allOf[0])
        ? current.allOf[0].$ref
        : undefined;
    const ref = current.$ref ?? wrapped;
    if (typeof ref !== 'string') return current;
    current =
      definitions()[
        ref.replace(/^#\/(definitions|components\/schemas)\//, '')
      ] ?? {};
  }
  return current;
}

/** The schema of `key` inside an object schema, if declared. */
export function propertySchema(
  schema: JsonObject,
  key: string,
): JsonObject | undefined {
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const found = properties[key];
  if (found !== undefined) return resolveSchema(found);
  if (isJsonObject(schema.additionalProperties)) {
    return resolveSchema(schema.additionalProperties);
  }
  return undefined;
}

/** A v2 schema in OpenAPI v3 form: refs under components, a ref with siblings wrapped in allOf. */
export function toV3(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(toV3);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === '$ref' && typeof v === 'string'
        ? v.replace('#/definitions/', '#/components/schemas/')
        : toV3(v);
  }
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { ...rest, allOf: [{ $ref }] };
  }
  return out;
}

/** The named definitions and everything they reference. */
export function closure(names: string[]): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const schema = definitions()[name];
    if (!schema || out.has(name)) continue;
    out.set(name, schema);
    JSON.stringify(schema, (key, v) => {
      if (key === '$ref' && typeof v === 'string') {
        queue.push(v.replace('#/definitions/', ''));
      }
      return v;
    });
  }
  return out;
}
