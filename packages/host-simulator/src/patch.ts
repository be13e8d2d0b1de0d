import { ApiError, errors } from './errors';
import { propertySchema, resolveSchema } from './http/schemas';
import {
  deepClone,
  deepEqual,
  isJsonObject,
  JsonObject,
  JsonValue,
} from './json';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function patchTypeOf(contentType: string | undefined): PatchType {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const type = CONTENT_TYPES[base];
  if (!type) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${Object.keys(
        CONTENT_TYPES,
      ).join(', ')}`,
    );
  }
  return type;
}

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(
  target: JsonValue | undefined,
  patch: JsonValue,
): JsonValue {
  if (!isJsonObject(patch)) {
    return deepClone(patch);
  }
  const result: { [key: string]: JsonValue } = isJsonObject(target)
    ? { ...target }
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

function unescapePointer(token: string) {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: string): string[] {
  if (path === '') {
    return [];
  }
  if (!path.startsWith('/')) {
    throw errors.badRequest(`invalid JSON pointer: ${path}`);
  }
  return path.slice(1).split('/').map(unescapePointer);
}

function invalidPatch(message: string) {
  return new ApiError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: ${message}`,
  );
}

type Container = JsonValue[] | { [key: string]: JsonValue };

function resolveParent(
  doc: JsonValue,
  tokens: string[],
  path: string,
): [Container, string] {
  let current: JsonValue = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) {
      const next: JsonValue | undefined = current[Number(token)];
      if (next === undefined) {
        throw invalidPatch(`path ${path} does not exist`);
      }
      current = next;
    } else if (isJsonObject(current) && token in current) {
      current = current[token];
    } else {
      throw invalidPatch(`doc is missing path: "${path}"`);
    }
  }
  if (!Array.isArray(current) && !isJsonObject(current)) {
    throw invalidPatch(`path ${path} does not point into an object or array`);
  }
  return [current, tokens[tokens.length - 1]];
}

function getAt(doc: JsonValue, path: string): JsonValue {
  let current: JsonValue = doc;
  for (const token of parsePointer(path)) {
    let next: JsonValue | undefined;
    if (Array.isArray(current)) {
      next = current[Number(token)];
    } else if (isJsonObject(current)) {
      next = current[token];
    }
    if (next === undefined) {
      throw invalidPatch(`doc is missing path: "${path}"`);
    }
    current = next;
  }
  return current;
}

function arrayIndex(
  arr: JsonValue[],
  token: string,
  forInsert: boolean,
  path: string,
) {
  if (forInsert && token === '-') {
    return arr.length;
  }
  const index = Number(token);
  const max = forInsert ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(token) || index > max) {
    throw invalidPatch(`array index out of bounds at ${path}`);
  }
  return index;
}

function addAt(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) {
    return deepClone(value);
  }
  const [parent, last] = resolveParent(doc, tokens, path);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, true, path), 0, deepClone(value));
  } else {
    parent[last] = deepClone(value);
  }
  return doc;
}

function removeAt(doc: JsonValue, path: string): JsonValue {
  const tokens = parsePointer(path);
  const [parent, last] = resolveParent(doc, tokens, path);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, false, path), 1);
  } else {
    if (!(last in parent)) {
      throw invalidPatch(`unable to remove nonexistent key: ${last}`);
    }
    delete parent[last];
  }
  return doc;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!Array.isArray(patch)) {
    throw errors.badRequest('json patch must be an array of operations');
  }
  let doc = deepClone(target);
  for (const op of patch) {
    if (
      !isJsonObject(op) ||
      typeof op.op !== 'string' ||
      typeof op.path !== 'string'
    ) {
      throw errors.badRequest(
        'each json patch operation needs "op" and "path"',
      );
    }
    const path = op.path;
    switch (op.op) {
      case 'add':
        doc = addAt(doc, path, op.value ?? null);
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        getAt(doc, path);
        doc = addAt(removeAt(doc, path), path, op.value ?? null);
        break;
      case 'move': {
        const from = String(op.from);
        const value = getAt(doc, from);
        doc = addAt(removeAt(doc, from), path, value);
        break;
      }
      case 'copy':
        doc = addAt(doc, path, getAt(doc, String(op.from)));
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path), op.value ?? null)) {
          throw invalidPatch(`testing value ${path} failed`);
        }
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

/** How a strategic merge patch treats a list: merged by key, unioned, or replaced. */
function listStrategy(schema: JsonObject) {
  const strategy = String(schema['x-kubernetes-patch-strategy'] ?? '');
  const key = schema['x-kubernetes-patch-merge-key'];
  if (!strategy.split(',').includes('merge')) return { merge: false };
  return { merge: true, key: typeof key === 'string' ? key : undefined };
}

function strategicList(
  target: JsonValue | undefined,
  patch: JsonValue[],
  schema: JsonObject,
): JsonValue {
  const { merge, key } = listStrategy(schema);
  if (patch.some(i => isJsonObject(i) && i.$patch === 'replace')) {
    return patch.filter(i => !(isJsonObject(i) && i.$patch === 'replace'));
  }
  if (!merge || !Array.isArray(target)) {
    return patch
      .filter(i => !(isJsonObject(i) && i.$patch === 'delete'))
      .map(i => stripDirectives(i));
  }
  const out = [...target];
  const items = resolveSchema(schema.items);
  for (const item of patch) {
    if (!key || !isJsonObject(item)) {
      if (!out.some(x => deepEqual(x, item))) out.push(item);
      continue;
    }
    const at = out.findIndex(
      x => isJsonObject(x) && deepEqual(x[key] ?? null, item[key] ?? null),
    );
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = strategicMerge(out[at], item, items);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

/**
 * Strategic merge patch (k8s.io/apimachinery strategicpatch) driven by the
 * OpenAPI schema's `x-kubernetes-patch-strategy`/`-merge-key`: lists of a merge
 * strategy merge by key (or union primitives), others are replaced; `$patch:
 * replace|delete`, `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` directives are honoured.
 */
export function strategicMerge(
  target: JsonValue | undefined,
  patch: JsonValue,
  schema: JsonObject,
): JsonValue {
  if (Array.isArray(patch)) return strategicList(target, patch, schema);
  if (!isJsonObject(patch)) return deepClone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const result: { [key: string]: JsonValue } = isJsonObject(target)
    ? { ...target }
    : {};
  for (const [k, value] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const child = propertySchema(schema, k) ?? {};
    if (value === null) {
      delete result[k];
    } else if (isJsonObject(value) && value.$patch === 'delete') {
      delete result[k];
    } else {
      result[k] = strategicMerge(result[k], value, child);
    }
  }
  for (const [k, value] of Object.entries(patch)) {
    const list = /^\$(setElementOrder|deleteFromPrimitiveList)\/(.+)$/.exec(k);
    if (!list || !Array.isArray(value) || !Array.isArray(result[list[2]]))
      continue;
    const current = result[list[2]] as JsonValue[];
    if (list[1] === 'deleteFromPrimitiveList') {
      result[list[2]] = current.filter(x => !value.some(v => deepEqual(v, x)));
      continue;
    }
    const { key } = listStrategy(propertySchema(schema, list[2]) ?? {});
    const idOf = (x: JsonValue) =>
      JSON.stringify(key && isJsonObject(x) ? x[key] ?? null : x);
    const order = value.map(idOf);
    const rank = (x: JsonValue) => {
      const i = order.indexOf(idOf(x));
      return i < 0 ? order.length : i;
    };
    result[list[2]] = [...current].sort((a, b) => rank(a) - rank(b));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = patch.$retainKeys.map(String);
    for (const k of Object.keys(result)) {
      if (!keep.includes(k)) delete result[k];
    }
  }
  return result;
}

/**
 * Applies a JSON, merge or strategic merge patch. Strategic merge follows the
 * type's schema when it has one (custom resources get merge semantics, as the
 * API server refuses strategic merge for them).
 */
export function applyPatch(
  type: PatchType,
  target: JsonValue,
  patch: JsonValue,
  schema?: JsonObject,
): JsonValue {
  if (type === 'json') {
    return jsonPatch(target, patch);
  }
  if (!isJsonObject(patch)) {
    throw errors.badRequest('patch body must be a JSON object');
  }
  if (type === 'strategic' && schema) {
    return strategicMerge(target, patch, schema);
  }
  return mergePatch(target, stripDirectives(patch));
}

/** Drops strategic-merge directives such as `$patch` and `$retainKeys`, which merge semantics cannot express. */
function stripDirectives(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    return value.map(stripDirectives);
  }
  if (!isJsonObject(value)) {
    return value;
  }
  const result: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) {
    if (!k.startsWith('$')) {
      result[k] = stripDirectives(v);
    }
  }
  return result;
}
