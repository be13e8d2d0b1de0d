import { errors, ApiError } from './errors';
import {
  deepClone,
  deepEqual,
  isJsonObject,
  JsonObject,
  JsonValue,
} from './json';
import { KubeObject, nowIso } from './model';
import { ResourceType } from './registry';
import {
  definitions,
  propertySchema,
  resolveSchema,
  schemaOf,
} from './http/schemas';

/**
 * Field ownership as the API server records it (sigs.k8s.io/structured-merge-diff):
 * each write adds or updates a `metadata.managedFields` entry with the fields its
 * manager set (FieldsV1), and server-side apply merges the applied configuration
 * by the schema's list keys, answers 409 when it would change a field another
 * manager owns (unless `force`), and removes the fields the applier stopped
 * applying. Lists without list-type or merge key are atomic, as in the schema.
 */

/** A field path: `f:spec`, `k:{"name":"web"}`, `v:"a"`, `i:0` elements joined by NUL. */
type FieldPath = string;
const SEP = '\u0000';

/** Fields the API server never tracks (fieldmanager's stripMeta and the status reset). */
const UNTRACKED = [
  'f:apiVersion',
  'f:kind',
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:resourceVersion'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:deletionTimestamp'],
  ['f:metadata', 'f:deletionGracePeriodSeconds'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:managedFields'],
].map(p => (Array.isArray(p) ? p.join(SEP) : p));

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

interface ListShape {
  kind: 'atomic' | 'set' | 'map';
  keys: string[];
}

function listShape(schema: JsonObject): ListShape {
  const type = schema['x-kubernetes-list-type'];
  const keys = schema['x-kubernetes-list-map-keys'];
  if (type === 'map' && Array.isArray(keys)) {
    return { kind: 'map', keys: keys.map(String) };
  }
  if (type === 'set') return { kind: 'set', keys: [] };
  if (type === 'atomic') return { kind: 'atomic', keys: [] };
  // No list-type: a merge-key patch strategy makes it associative (kube-openapi schemaconv).
  const strategy = String(schema['x-kubernetes-patch-strategy'] ?? '');
  const mergeKey = schema['x-kubernetes-patch-merge-key'];
  if (strategy.includes('merge') && typeof mergeKey === 'string') {
    return { kind: 'map', keys: [mergeKey] };
  }
  return strategy.includes('merge')
    ? { kind: 'set', keys: [] }
    : { kind: 'atomic', keys: [] };
}

function isAtomicMap(schema: JsonObject) {
  return schema['x-kubernetes-map-type'] === 'atomic';
}

function itemElement(item: JsonValue, shape: ListShape, index: number) {
  if (shape.kind === 'map' && isJsonObject(item)) {
    const key: JsonObject = {};
    for (const k of shape.keys) {
      if (item[k] !== undefined) key[k] = item[k];
    }
    return `k:${JSON.stringify(key)}`;
  }
  if (shape.kind === 'set') return `v:${JSON.stringify(item)}`;
  return `i:${index}`;
}

/** The leaf fields of a value (typed.TypedValue.ToFieldSet), list items and map entries included. */
function toFieldSet(
  value: JsonValue,
  schema: JsonObject,
  prefix: string[],
  out: Set<FieldPath>,
) {
  if (Array.isArray(value)) {
    const shape = listShape(schema);
    if (shape.kind === 'atomic') {
      out.add(prefix.join(SEP));
      return;
    }
    const items = resolveSchema(schema.items);
    value.forEach((item, i) => {
      const path = [...prefix, itemElement(item, shape, i)];
      out.add(path.join(SEP));
      if (shape.kind === 'map') toFieldSet(item, items, path, out);
    });
    return;
  }
  if (!isJsonObject(value)) {
    out.add(prefix.join(SEP));
    return;
  }
  if (isAtomicMap(schema) || Object.keys(value).length === 0) {
    out.add(prefix.join(SEP));
    return;
  }
  const declared = isJsonObject(schema.properties) ? schema.properties : {};
  const open =
    !isJsonObject(schema.properties) &&
    !isJsonObject(schema.additionalProperties);
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, `f:${key}`];
    if (UNTRACKED.includes(path.join(SEP))) continue;
    const childSchema = propertySchema(schema, key) ?? {};
    if (open) {
      // Untyped (custom resources): every field is its own leaf.
      toFieldSet(child, {}, path, out);
      continue;
    }
    toFieldSet(child, childSchema, path, out);
    // Map entries (labels, data, …) are members themselves, not only their leaves.
    if (declared[key] === undefined) out.add(path.join(SEP));
  }
}

function valueAt(obj: JsonValue, path: FieldPath, schema: JsonObject) {
  let current: JsonValue | undefined = obj;
  let s = schema;
  for (const element of path.split(SEP)) {
    if (current === undefined) return undefined;
    const [kind, rest] = [element.slice(0, 1), element.slice(2)];
    if (kind === 'f') {
      current = isJsonObject(current) ? current[rest] : undefined;
      s = propertySchema(s, rest) ?? {};
    } else if (Array.isArray(current)) {
      const shape = listShape(s);
      const list: JsonValue[] = current;
      current = list.find((item, i) => itemElement(item, shape, i) === element);
      s = resolveSchema(s.items);
    } else {
      return undefined;
    }
  }
  return current;
}

/** Which fields a write changed: added or modified (present after) and removed. */
function changedFields(
  before: JsonValue,
  after: JsonValue,
  schema: JsonObject,
) {
  const old = fieldSet(before, schema);
  const now = fieldSet(after, schema);
  const changed = new Set<FieldPath>();
  for (const p of now) {
    if (
      !old.has(p) ||
      !deepEqual(
        valueAt(before, p, schema) ?? null,
        valueAt(after, p, schema) ?? null,
      )
    ) {
      changed.add(p);
    }
  }
  const removed = new Set([...old].filter(p => !now.has(p)));
  return { changed, removed };
}

function fieldSet(obj: JsonValue, schema: JsonObject) {
  const out = new Set<FieldPath>();
  toFieldSet(obj, schema, [], out);
  out.delete('');
  return out;
}

/** FieldsV1 JSON: a trie of path elements, `.` marking a member that also has children. */
export function encodeFieldsV1(set: Set<FieldPath>): JsonObject {
  const root: JsonObject = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const element of path.split(SEP)) {
      if (!isJsonObject(node[element])) node[element] = {};
      node = node[element] as JsonObject;
    }
  }
  const mark = (node: JsonObject, prefix: string[]) => {
    for (const [element, child] of Object.entries(node)) {
      if (element === '.') continue;
      const path = [...prefix, element];
      const c = child as JsonObject;
      if (Object.keys(c).length > 0 && set.has(path.join(SEP))) c['.'] = {};
      mark(c, path);
    }
  };
  mark(root, []);
  return root;
}

export function decodeFieldsV1(fields: JsonValue): Set<FieldPath> {
  const out = new Set<FieldPath>();
  const walk = (node: JsonValue, prefix: string[]) => {
    if (!isJsonObject(node)) return;
    const entries = Object.entries(node).filter(([k]) => k !== '.');
    if (entries.length === 0 || node['.'] !== undefined) {
      if (prefix.length > 0) out.add(prefix.join(SEP));
    }
    for (const [k, v] of entries) walk(v, [...prefix, k]);
  };
  walk(fields, []);
  return out;
}

/** `.spec.containers[name="web"].image`, as conflict messages print a path. */
function printPath(path: FieldPath) {
  return path
    .split(SEP)
    .map(e => {
      const rest = e.slice(2);
      if (e.startsWith('f:')) return `.${rest}`;
      if (e.startsWith('k:')) {
        const key = JSON.parse(rest) as JsonObject;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      if (e.startsWith('v:')) return `[=${rest}]`;
      return `[${rest}]`;
    })
    .join('');
}

export interface ManagerContext {
  type: ResourceType;
  /** The apiVersion of the request. */
  apiVersion: string;
  manager: string;
  subresource?: 'status';
}

function schemaFor(ctx: ManagerContext): JsonObject {
  const version = ctx.apiVersion.split('/').pop()!;
  const name = ctx.type.builtin ? schemaOf(ctx.type, version) : undefined;
  return name ? definitions()[name] : {};
}

/** Only status for the status subresource; everything but status for the main resource. */
function scoped(ctx: ManagerContext, set: Set<FieldPath>) {
  if (!ctx.type.statusSubresource) return set;
  return new Set(
    [...set].filter(p =>
      ctx.subresource === 'status'
        ? p === 'f:status' || p.startsWith(`f:status${SEP}`)
        : p !== 'f:status' && !p.startsWith(`f:status${SEP}`),
    ),
  );
}

function entriesOf(obj: KubeObject): ManagedFieldsEntry[] {
  const raw = obj.metadata.managedFields;
  return Array.isArray(raw)
    ? (raw.filter(isJsonObject) as unknown as ManagedFieldsEntry[])
    : [];
}

function sameManager(e: ManagedFieldsEntry, m: Partial<ManagedFieldsEntry>) {
  return (
    e.manager === m.manager &&
    e.operation === m.operation &&
    (e.subresource ?? '') === (m.subresource ?? '')
  );
}

function withEntries(
  entries: { entry: ManagedFieldsEntry; set: Set<FieldPath> }[],
) {
  return entries
    .filter(({ set }) => set.size > 0)
    .map(({ entry, set }) => ({
      ...entry,
      fieldsV1: encodeFieldsV1(set),
    })) as unknown as JsonValue[];
}

/** A manager's entry before it owns any field. */
function firstEntry(
  me: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>,
  apiVersion: string,
): { entry: ManagedFieldsEntry; set: Set<FieldPath> } {
  return {
    entry: {
      ...me,
      apiVersion,
      time: nowIso(),
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    },
    set: new Set(),
  };
}

/** Records an Update by `ctx.manager` on `next` (create: `before` is undefined). */
export function recordUpdate(
  ctx: ManagerContext,
  before: KubeObject | undefined,
  next: KubeObject,
) {
  const schema = schemaFor(ctx);
  const { changed, removed } = changedFields(
    (before ?? {}) as unknown as JsonValue,
    next as unknown as JsonValue,
    schema,
  );
  const mine = scoped(ctx, changed);
  const gone = scoped(ctx, removed);
  if (mine.size === 0 && gone.size === 0 && before) return;
  const entries = entriesOf(before ?? next).map(entry => ({
    entry,
    set: decodeFieldsV1(entry.fieldsV1),
  }));
  const me = {
    manager: ctx.manager,
    operation: 'Update' as const,
    subresource: ctx.subresource,
  };
  let own = entries.find(e => sameManager(e.entry, me));
  if (!own) {
    own = firstEntry(me, ctx.apiVersion);
    entries.push(own);
  }
  for (const e of entries) {
    for (const p of [...mine, ...gone]) e.set.delete(p);
  }
  mine.forEach(p => own!.set.add(p));
  own.entry = {
    ...own.entry,
    apiVersion: ctx.apiVersion,
    time: nowIso(),
  };
  if (!own.entry.subresource) delete own.entry.subresource;
  next.metadata.managedFields = withEntries(entries);
}

/** Merges an applied configuration into the live object by the schema (structured merge). */
function mergeApplied(
  live: JsonValue | undefined,
  applied: JsonValue,
  schema: JsonObject,
): JsonValue {
  if (Array.isArray(applied)) {
    const shape = listShape(schema);
    if (shape.kind === 'atomic' || !Array.isArray(live))
      return deepClone(applied);
    const items = resolveSchema(schema.items);
    const out = [...live];
    applied.forEach((item, i) => {
      const element = itemElement(item, shape, i);
      const at = out.findIndex((x, j) => itemElement(x, shape, j) === element);
      if (at < 0) out.push(deepClone(item));
      else if (shape.kind === 'map')
        out[at] = mergeApplied(out[at], item, items);
    });
    return out;
  }
  if (
    !isJsonObject(applied) ||
    isAtomicMap(schema) ||
    !isJsonObject(live ?? null)
  ) {
    return deepClone(applied);
  }
  const out: JsonObject = { ...(live as JsonObject) };
  for (const [key, value] of Object.entries(applied)) {
    out[key] = mergeApplied(out[key], value, propertySchema(schema, key) ?? {});
  }
  return out;
}

/** Removes the fields at these paths (fields the applier gave up and nobody else owns). */
function removePaths(obj: JsonValue, paths: FieldPath[], schema: JsonObject) {
  for (const path of paths.sort().reverse()) {
    const elements = path.split(SEP);
    const parentPath = elements.slice(0, -1).join(SEP);
    const parent = parentPath ? valueAt(obj, parentPath, schema) : obj;
    const last = elements[elements.length - 1];
    if (last.startsWith('f:') && isJsonObject(parent ?? null)) {
      delete (parent as JsonObject)[last.slice(2)];
    } else if (Array.isArray(parent)) {
      let s = schema;
      for (const e of elements.slice(0, -1)) {
        s = e.startsWith('f:')
          ? propertySchema(s, e.slice(2)) ?? {}
          : resolveSchema(s.items);
      }
      const shape = listShape(s);
      const index = parent.findIndex(
        (x, i) => itemElement(x, shape, i) === last,
      );
      if (index >= 0) parent.splice(index, 1);
    }
  }
}

/**
 * Server-side apply of `applied` onto `live` (undefined when creating): the
 * merged object with its managedFields, or a 409 naming the conflicting fields
 * and their managers.
 */
export function serverSideApply(
  ctx: ManagerContext,
  live: KubeObject | undefined,
  applied: KubeObject,
  force: boolean,
): KubeObject {
  const schema = schemaFor(ctx);
  const appliedSet = scoped(
    ctx,
    fieldSet(applied as unknown as JsonValue, schema),
  );
  const entries = (live ? entriesOf(live) : []).map(entry => ({
    entry,
    set: decodeFieldsV1(entry.fieldsV1),
  }));
  const me = {
    manager: ctx.manager,
    operation: 'Apply' as const,
    subresource: ctx.subresource,
  };
  const conflicts: { manager: string; apiVersion: string; path: FieldPath }[] =
    [];
  for (const { entry, set } of entries) {
    if (sameManager(entry, me)) continue;
    for (const p of appliedSet) {
      if (
        set.has(p) &&
        live &&
        !deepEqual(
          valueAt(live as unknown as JsonValue, p, schema) ?? null,
          valueAt(applied as unknown as JsonValue, p, schema) ?? null,
        )
      ) {
        conflicts.push({
          manager: entry.manager,
          apiVersion: entry.apiVersion,
          path: p,
        });
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    throw conflictError(ctx, applied, conflicts);
  }
  for (const c of conflicts) {
    entries.forEach(e => {
      if (e.entry.manager === c.manager) e.set.delete(c.path);
    });
  }
  const previous = entries.find(e => sameManager(e.entry, me));
  const merged = mergeApplied(
    live as unknown as JsonValue,
    applied as unknown as JsonValue,
    schema,
  ) as unknown as KubeObject;
  if (previous) {
    const othersOwn = (p: FieldPath) =>
      entries.some(e => e !== previous && e.set.has(p));
    removePaths(
      merged as unknown as JsonValue,
      [...previous.set].filter(p => !appliedSet.has(p) && !othersOwn(p)),
      schema,
    );
  }
  const own = previous ?? firstEntry(me, ctx.apiVersion);
  if (!previous) entries.push(own);
  own.set = new Set(appliedSet);
  own.entry = { ...own.entry, apiVersion: ctx.apiVersion, time: nowIso() };
  if (!own.entry.subresource) delete own.entry.subresource;
  merged.metadata = { ...merged.metadata, managedFields: withEntries(entries) };
  return merged;
}

function conflictError(
  ctx: ManagerContext,
  applied: KubeObject,
  conflicts: { manager: string; apiVersion: string; path: FieldPath }[],
): ApiError {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const key = `"${c.manager}" using ${c.apiVersion}`;
    byManager.set(key, [...(byManager.get(key) ?? []), printPath(c.path)]);
  }
  const parts = [...byManager].map(([who, paths]) =>
    paths.length === 1
      ? `conflict with ${who}: ${paths[0]}`
      : `conflicts with ${who}:\n${paths.map(p => `- ${p}`).join('\n')}`,
  );
  const n = conflicts.length;
  const error = errors.conflict(
    ctx.type.resource,
    ctx.type.group,
    applied.metadata.name ?? '',
    '',
  );
  return new ApiError(
    409,
    'Conflict',
    `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`,
    {
      ...error.details,
      causes: conflicts.map(c => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}" using ${c.apiVersion}`,
        field: printPath(c.path),
      })),
    },
  );
}

/** The manager of a request: `fieldManager`, else the User-Agent up to its first `/` (as the API server does). */
export function managerOf(
  fieldManager: string | undefined,
  userAgent: string | undefined,
) {
  return (fieldManager ?? (userAgent ?? 'unknown').split('/')[0]).slice(0, 128);
}
