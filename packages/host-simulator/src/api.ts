import { randomUUID } from 'node:crypto';
import {
  ClusterIpAllocator,
  defaultOnCreate,
  defaultOnUpdate,
  NodePortAllocator,
  releaseNodePorts,
} from './defaults';
import { ApiError, errors } from './errors';
import { deepClone, deepEqual, isJsonObject, JsonValue } from './json';
import { KubeObject, nowIso, objectKey, StoredObject } from './model';
import { definitions, schemaOf } from './http/schemas';
import { recordUpdate, serverSideApply } from './managedFields';
import { applyPatch, PatchType } from './patch';
import {
  apiVersionOf,
  ResourceRegistry,
  ResourceType,
  typeKey,
} from './registry';
import { parseFieldSelector, parseLabelSelector, Predicate } from './selectors';
import { Store, StoreEvent, WatchEventType } from './store';
import { validateMetadata, validateName } from './validation';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
}

export interface ListResult {
  items: StoredObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: 'status';
  /** Who writes: its fields are recorded in metadata.managedFields. */
  fieldManager?: string;
  /** The apiVersion the request used (managedFields entries name it). */
  apiVersion?: string;
  /** Server-side apply takes conflicting fields over instead of answering 409. */
  force?: boolean;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
}

export interface WatchEvent {
  type: WatchEventType;
  object: StoredObject;
}

export interface DeleteResult {
  /** The object as it is now: still present (with deletionTimestamp) or gone. */
  object: StoredObject;
  removed: boolean;
}

const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export function randomSuffix(length = 5) {
  let s = '';
  for (let i = 0; i < length; i++) {
    s +=
      GENERATE_NAME_CHARS[
        Math.floor(Math.random() * GENERATE_NAME_CHARS.length)
      ];
  }
  return s;
}

function labelKindOf(resource: string): 'label' | 'service' | false {
  if (resource === 'services') {
    return 'service';
  }
  return resource === 'namespaces' ? 'label' : false;
}

function encodeContinue(rv: number, start: string) {
  return Buffer.from(JSON.stringify({ rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(token, 'base64url').toString(),
    );
    if (
      isJsonObject(parsed) &&
      typeof parsed.rv === 'number' &&
      typeof parsed.start === 'string'
    ) {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion',
  );
}

/** Everything except metadata and status: a change bumps metadata.generation. */
function specPart(obj: KubeObject) {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/**
 * The generic REST semantics of one cluster, shared by the HTTP layer and the
 * controllers: defaulting, validation, optimistic concurrency, status subresource,
 * finalizers, deletion and watch.
 */
export class ClusterApi {
  readonly ips = new ClusterIpAllocator();
  readonly nodePorts = new NodePortAllocator();

  constructor(readonly store: Store, readonly registry: ResourceRegistry) {
    // A Service gives its nodePorts back when it drops them or is deleted.
    store.subscribe(e => {
      if (e.typeKey === '/services' && e.type !== 'ADDED') {
        releaseNodePorts(
          e.oldObject ?? e.object,
          e.type === 'DELETED' ? undefined : e.object,
          this.nodePorts,
        );
      }
    });
  }

  /** The type served at group/version/resource, or a 404 like the real server's. */
  resolve(group: string, version: string, resource: string): ResourceType {
    const type = this.registry.lookup(group, version, resource);
    if (!type) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    return type;
  }

  /** The type for an apiVersion/kind pair; controllers use this. */
  typeOf(apiVersion: string, kind: string): ResourceType {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) {
      throw errors.notFound(kind, apiVersion, '');
    }
    return type;
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): StoredObject {
    const obj = this.store.get(this.key(type), this.ns(type, namespace), name);
    if (!obj) {
      throw errors.notFound(type.resource, type.group, name);
    }
    return deepClone(obj);
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string) {
    const obj = this.store.get(this.key(type), this.ns(type, namespace), name);
    return obj ? deepClone(obj) : undefined;
  }

  predicate(type: ResourceType, opts: ListOptions | WatchOptions): Predicate {
    const labels = parseLabelSelector(opts.labelSelector ?? null);
    const fields = parseFieldSelector(
      opts.fieldSelector ?? null,
      this.key(type),
      type.resource,
    );
    const namespace = type.namespaced ? opts.namespace : undefined;
    return obj =>
      (namespace === undefined || obj.metadata.namespace === namespace) &&
      labels(obj) &&
      fields(obj);
  }

  /** Lists without copying; callers must not modify the returned objects. */
  list(type: ResourceType, opts: ListOptions = {}): ListResult {
    const match = this.predicate(type, opts);
    let rv = this.store.resourceVersion;
    let start: string | undefined;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      if (token.rv < this.store.oldestResumableVersion) {
        throw errors.expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      rv = token.rv;
      start = token.start;
    }
    const all = this.store.list(
      this.key(type),
      type.namespaced ? opts.namespace : undefined,
    );
    const items: StoredObject[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let lastKey = '';
    let remaining = 0;
    for (const obj of all) {
      const key = objectKey(obj.metadata.namespace, obj.metadata.name);
      if (start !== undefined && key <= start) {
        continue;
      }
      if (!match(obj)) {
        continue;
      }
      if (items.length < limit) {
        items.push(obj);
        lastKey = key;
      } else {
        remaining++;
      }
    }
    const result: ListResult = { items, resourceVersion: String(rv) };
    if (remaining > 0) {
      result.continue = encodeContinue(rv, lastKey);
      if (!opts.labelSelector && !opts.fieldSelector) {
        result.remainingItemCount = remaining;
      }
    }
    return result;
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    opts: WriteOptions = {},
  ): StoredObject {
    if (!isJsonObject(body) || !isJsonObject(body.metadata)) {
      throw errors.badRequest(
        "Object 'metadata' is missing in the request body",
      );
    }
    const obj = deepClone(body);
    obj.apiVersion = apiVersionOf(type.group, type.versions[0]);
    obj.kind = type.kind;
    const meta = obj.metadata;
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) {
        throw errors.badRequest(
          'an empty namespace may not be set during creation',
        );
      }
      this.checkNamespaceWritable(meta.namespace);
    } else {
      delete meta.namespace;
    }
    if (meta.resourceVersion) {
      throw errors.badRequest(
        'resourceVersion should not be set on objects to be created',
      );
    }
    if (!meta.name) {
      if (!meta.generateName) {
        throw errors.invalid(
          type.kind,
          type.group,
          '',
          'metadata.name',
          'Required value: name or generateName is required',
        );
      }
      meta.name = this.generateName(type, meta.namespace, meta.generateName);
    }
    this.validate(type, obj);
    if (this.store.get(this.key(type), meta.namespace, meta.name)) {
      throw errors.alreadyExists(type.resource, type.group, meta.name);
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = nowIso();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (type.statusSubresource) {
      delete obj.status;
    }
    defaultOnCreate(this.key(type), obj, this);
    if (this.key(type) === 'apiextensions.k8s.io/customresourcedefinitions') {
      this.acceptCrd(obj);
    }
    if (opts.fieldManager) {
      delete obj.metadata.managedFields;
      recordUpdate(this.managerContext(type, opts), undefined, obj);
    }
    const stored = obj as StoredObject;
    if (opts.dryRun) {
      return stored;
    }
    return deepClone(this.store.write(this.key(type), stored));
  }

  private managerContext(type: ResourceType, opts: WriteOptions) {
    return {
      type,
      apiVersion: opts.apiVersion ?? apiVersionOf(type.group, type.versions[0]),
      manager: opts.fieldManager!,
      subresource: opts.subresource,
    };
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: WriteOptions = {},
  ): StoredObject {
    if (!isJsonObject(body) || !isJsonObject(body.metadata)) {
      throw errors.badRequest(
        "Object 'metadata' is missing in the request body",
      );
    }
    const ns = this.ns(type, namespace);
    const old = this.store.get(this.key(type), ns, name);
    if (!old) {
      throw errors.notFound(type.resource, type.group, name);
    }
    if (body.metadata.name && body.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      type.namespaced &&
      body.metadata.namespace &&
      body.metadata.namespace !== ns
    ) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (
      body.metadata.resourceVersion &&
      body.metadata.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw errors.conflict(
        type.resource,
        type.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = { ...deepClone(old), status: deepClone(body.status) };
    } else {
      next = deepClone(body);
      if (type.statusSubresource) {
        next.status = deepClone(old.status);
      }
    }
    if (next.status === undefined) {
      delete next.status;
    }
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    next.metadata = {
      ...next.metadata,
      name: old.metadata.name,
      namespace: old.metadata.namespace,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      deletionTimestamp: old.metadata.deletionTimestamp,
      deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds,
      generation: old.metadata.generation,
      resourceVersion: old.metadata.resourceVersion,
    };
    for (const key of [
      'namespace',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
    ] as const) {
      if (next.metadata[key] === undefined) {
        delete next.metadata[key];
      }
    }
    defaultOnUpdate(this.key(type), next, old, this);
    this.validate(type, next);
    if (opts.fieldManager) {
      // A write without managedFields keeps the recorded ones.
      if (body.metadata.managedFields === undefined) {
        next.metadata.managedFields = deepClone(old.metadata.managedFields);
      }
      recordUpdate(this.managerContext(type, opts), old, next);
    }
    if (old.metadata.deletionTimestamp) {
      const added = (next.metadata.finalizers ?? []).filter(
        f => !(old.metadata.finalizers ?? []).includes(f),
      );
      if (added.length > 0) {
        throw errors.invalid(
          type.kind,
          type.group,
          name,
          'metadata.finalizers',
          `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(
            added,
          )}`,
        );
      }
    }
    if (
      !deepEqual(specPart(next), specPart(old)) &&
      old.metadata.generation !== undefined
    ) {
      next.metadata.generation = old.metadata.generation + 1;
    }
    if (
      this.key(type) === 'apiextensions.k8s.io/customresourcedefinitions' &&
      opts.subresource !== 'status' &&
      !old.metadata.deletionTimestamp
    ) {
      this.acceptCrd(next);
    }
    if (deepEqual(next, old)) {
      return deepClone(old);
    }
    if (opts.dryRun) {
      return next as StoredObject;
    }
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      !this.removalBlocked(type, next)
    ) {
      return this.store.remove(this.key(type), ns, name)!;
    }
    return deepClone(this.store.write(this.key(type), next as StoredObject));
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: JsonValue,
    opts: WriteOptions = {},
  ): StoredObject {
    const ns = this.ns(type, namespace);
    const old = this.store.get(this.key(type), ns, name);
    if (!old) {
      if (
        patchType === 'apply' &&
        opts.subresource !== 'status' &&
        isJsonObject(patch)
      ) {
        const body = patch as unknown as KubeObject;
        if (body.metadata?.name && body.metadata.name !== name) {
          throw errors.badRequest(
            `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
          );
        }
        const applied = serverSideApply(
          this.managerContext(type, opts),
          undefined,
          { ...body, metadata: { ...body.metadata, name } },
          opts.force ?? false,
        );
        return this.create(type, ns, applied, {
          ...opts,
          fieldManager: undefined,
        });
      }
      throw errors.notFound(type.resource, type.group, name);
    }
    if (patchType === 'apply' && opts.fieldManager && isJsonObject(patch)) {
      const merged = serverSideApply(
        this.managerContext(type, opts),
        deepClone(old),
        patch as unknown as KubeObject,
        opts.force ?? false,
      );
      const rv = isJsonObject(patch.metadata)
        ? patch.metadata.resourceVersion
        : undefined;
      merged.metadata.resourceVersion =
        typeof rv === 'string' ? rv : old.metadata.resourceVersion;
      return this.update(type, ns, name, merged, {
        ...opts,
        fieldManager: undefined,
      });
    }
    const schemaName = type.builtin
      ? schemaOf(type, type.versions[0])
      : undefined;
    const patched = applyPatch(
      patchType,
      old as unknown as JsonValue,
      patch,
      schemaName ? definitions()[schemaName] : undefined,
    );
    if (!isJsonObject(patched)) {
      throw errors.badRequest(
        'the patch produced something that is not an object',
      );
    }
    const body = patched as unknown as KubeObject;
    if (
      patchType === 'apply' &&
      isJsonObject(patch) &&
      isJsonObject(patch.metadata) &&
      patch.metadata.resourceVersion === undefined
    ) {
      body.metadata.resourceVersion = old.metadata.resourceVersion;
    }
    return this.update(type, ns, name, body, opts);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): DeleteResult {
    const ns = this.ns(type, namespace);
    const key = this.key(type);
    const old = this.store.get(key, ns, name);
    if (!old) {
      throw errors.notFound(type.resource, type.group, name);
    }
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw errors.conflict(
        type.resource,
        type.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (
      pre.resourceVersion &&
      pre.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw errors.conflict(
        type.resource,
        type.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if (key === '/namespaces' && PROTECTED_NAMESPACES.includes(name)) {
      throw errors.forbidden(
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        { name, kind: 'namespaces' },
      );
    }
    if (opts.dryRun) {
      return { object: deepClone(old), removed: false };
    }
    if (old.metadata.deletionTimestamp) {
      if (
        opts.gracePeriodSeconds === 0 &&
        key === '/pods' &&
        (old.metadata.finalizers ?? []).length === 0
      ) {
        return { object: this.store.remove(key, ns, name)!, removed: true };
      }
      return { object: deepClone(old), removed: false };
    }
    const next = deepClone(old);
    const policy = opts.propagationPolicy ?? 'Background';
    if (policy === 'Orphan') {
      this.orphanDependents(old);
    }
    if (policy === 'Foreground') {
      next.metadata.finalizers = [
        ...(next.metadata.finalizers ?? []),
        'foregroundDeletion',
      ];
    }
    if (key === '/namespaces') {
      next.status = {
        ...(isJsonObject(next.status) ? next.status : {}),
        phase: 'Terminating',
      };
    }
    const graceful = key === '/pods' && this.podGracePeriod(old, opts) > 0;
    if (
      (next.metadata.finalizers ?? []).length === 0 &&
      !graceful &&
      !(key === '/namespaces')
    ) {
      return { object: this.store.remove(key, ns, name)!, removed: true };
    }
    next.metadata.deletionTimestamp = nowIso();
    next.metadata.deletionGracePeriodSeconds = graceful
      ? this.podGracePeriod(old, opts)
      : 0;
    return { object: deepClone(this.store.write(key, next)), removed: false };
  }

  /** Resumes or starts a watch; replays history synchronously, then follows the store. */
  watch(
    type: ResourceType,
    opts: WatchOptions,
    send: (event: WatchEvent) => void,
  ): () => void {
    const match = this.predicate(type, opts);
    const key = this.key(type);
    const rvText = opts.resourceVersion ?? '';
    const translate = (event: StoreEvent): WatchEvent | undefined => {
      if (event.typeKey !== key) {
        return undefined;
      }
      const now = match(event.object);
      const before = event.oldObject ? match(event.oldObject) : false;
      if (event.type === 'MODIFIED') {
        if (now && before) return { type: 'MODIFIED', object: event.object };
        if (now) return { type: 'ADDED', object: event.object };
        if (before) return { type: 'DELETED', object: event.object };
        return undefined;
      }
      return now ? { type: event.type, object: event.object } : undefined;
    };
    if (rvText === '' || rvText === '0') {
      for (const obj of this.store.list(
        key,
        type.namespaced ? opts.namespace : undefined,
      )) {
        if (match(obj)) {
          send({ type: 'ADDED', object: obj });
        }
      }
    } else {
      const rv = Number(rvText);
      if (!Number.isInteger(rv) || rv < 0) {
        throw errors.badRequest(`invalid resource version: "${rvText}"`);
      }
      const history = this.store.eventsSince(rv);
      if (!history) {
        throw errors.expired(
          `too old resource version: ${rv} (${this.store.oldestResumableVersion})`,
        );
      }
      for (const event of history) {
        const translated = translate(event);
        if (translated) {
          send(translated);
        }
      }
    }
    return this.store.subscribe(event => {
      const translated = translate(event);
      if (translated) {
        send(translated);
      }
    });
  }

  key(type: ResourceType) {
    return typeKey(type.group, type.resource);
  }

  private ns(type: ResourceType, namespace: string | undefined) {
    return type.namespaced ? namespace : undefined;
  }

  private podGracePeriod(pod: KubeObject, opts: DeleteOptions) {
    if (opts.gracePeriodSeconds !== undefined) {
      return opts.gracePeriodSeconds;
    }
    const spec = isJsonObject(pod.spec) ? pod.spec : {};
    const status = isJsonObject(pod.status) ? pod.status : {};
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      return 0;
    }
    return typeof spec.terminationGracePeriodSeconds === 'number'
      ? spec.terminationGracePeriodSeconds
      : 30;
  }

  /** Pods wait for the kubelet, namespaces for their spec.finalizers, besides metadata.finalizers. */
  private removalBlocked(type: ResourceType, obj: KubeObject) {
    const key = this.key(type);
    if (key === '/pods') {
      return (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
    }
    if (key === '/namespaces') {
      const spec = isJsonObject(obj.spec) ? obj.spec : {};
      return Array.isArray(spec.finalizers) && spec.finalizers.length > 0;
    }
    return false;
  }

  private orphanDependents(owner: StoredObject) {
    for (const key of this.store.typeKeys()) {
      for (const dep of this.store.list(key)) {
        const refs = dep.metadata.ownerReferences ?? [];
        if (refs.some(r => r.uid === owner.metadata.uid)) {
          const next = deepClone(dep);
          next.metadata.ownerReferences = refs.filter(
            r => r.uid !== owner.metadata.uid,
          );
          if (next.metadata.ownerReferences.length === 0) {
            delete next.metadata.ownerReferences;
          }
          this.store.write(key, next);
        }
      }
    }
  }

  private checkNamespaceWritable(namespace: string) {
    const ns = this.store.get('/namespaces', undefined, namespace);
    if (!ns) {
      throw errors.notFound('namespaces', '', namespace);
    }
    if (ns.metadata.deletionTimestamp) {
      throw errors.forbidden(
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: namespace, kind: 'namespaces' },
      );
    }
  }

  private generateName(
    type: ResourceType,
    namespace: string | undefined,
    prefix: string,
  ) {
    for (let i = 0; i < 20; i++) {
      const name = `${prefix}${randomSuffix()}`;
      if (!this.store.get(this.key(type), namespace, name)) {
        return name;
      }
    }
    throw errors.internal('could not generate a unique name');
  }

  private validate(type: ResourceType, obj: KubeObject) {
    const name = obj.metadata.name!;
    if (type.group !== 'rbac.authorization.k8s.io') {
      validateName(type.kind, type.group, name, labelKindOf(type.resource));
    }
    validateMetadata(obj, type.kind, type.group);
  }

  /** Registers a CRD's types and marks it Established, as apiextensions-apiserver does. */
  private acceptCrd(crd: KubeObject) {
    const result = this.registry.registerCrd(crd);
    if (typeof result === 'string') {
      throw errors.invalid(
        'CustomResourceDefinition',
        'apiextensions.k8s.io',
        crd.metadata.name ?? '',
        'spec',
        result,
      );
    }
    const finalizer = 'customresourcecleanup.apiextensions.k8s.io';
    if (
      !(crd.metadata.finalizers ?? []).includes(finalizer) &&
      !crd.metadata.deletionTimestamp
    ) {
      crd.metadata.finalizers = [...(crd.metadata.finalizers ?? []), finalizer];
    }
    const now = nowIso();
    const spec = isJsonObject(crd.spec) ? crd.spec : {};
    crd.status = {
      acceptedNames: spec.names ?? {},
      storedVersions: [result.versions[0]],
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: now,
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: now,
        },
      ],
    };
  }
}
