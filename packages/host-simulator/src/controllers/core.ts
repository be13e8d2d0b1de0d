import { StoreEvent } from '../store';
import { ControllerContext } from './context';
import { field } from './kinds';

/**
 * Namespace lifecycle: a new namespace gets its `default` ServiceAccount and
 * `kube-root-ca.crt`; a terminating one is emptied, then finalized.
 */
export function namespaceController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const finalize = (name: string) => {
    const ns = api.tryGet(kinds.namespace, undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) {
      return;
    }
    let remaining = 0;
    for (const key of store.typeKeys()) {
      const type = api.registry.byKey(key);
      if (!type?.namespaced) {
        continue;
      }
      for (const obj of store.list(key, name)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) {
          api.delete(type, name, obj.metadata.name, {
            propagationPolicy: 'Background',
          });
        }
      }
    }
    if (remaining === 0) {
      api.update(kinds.namespace, undefined, name, {
        ...ns,
        spec: { finalizers: [] },
      });
    }
  };
  return store.subscribe((event: StoreEvent) => {
    if (event.typeKey === '/namespaces') {
      const name = event.object.metadata.name;
      if (event.type === 'ADDED') {
        runtime.enqueue(`ns-init/${name}`, () => {
          if (!api.tryGet(kinds.serviceAccount, name, 'default')) {
            api.create(kinds.serviceAccount, name, {
              apiVersion: 'v1',
              kind: 'ServiceAccount',
              metadata: { name: 'default' },
            });
          }
          if (!api.tryGet(kinds.configMap, name, 'kube-root-ca.crt')) {
            api.create(kinds.configMap, name, {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: {
                name: 'kube-root-ca.crt',
                annotations: {
                  'kubernetes.io/description':
                    'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
                },
              },
              data: { 'ca.crt': ctx.caPem },
            });
          }
        });
      }
      if (event.type !== 'DELETED' && event.object.metadata.deletionTimestamp) {
        runtime.enqueue(`ns-finalize/${name}`, () => finalize(name));
      }
    } else if (event.type === 'DELETED' && event.object.metadata.namespace) {
      const ns = store.get(
        '/namespaces',
        undefined,
        event.object.metadata.namespace,
      );
      if (ns?.metadata.deletionTimestamp) {
        runtime.enqueue(
          `ns-finalize/${ns.metadata.name}`,
          () => finalize(ns.metadata.name),
          5,
        );
      }
    }
  });
}

/**
 * Garbage collection by ownerReferences: dependents of a removed owner are deleted
 * (or released when another owner remains), and `foregroundDeletion` owners wait
 * for their dependents.
 */
export function garbageCollector(ctx: ControllerContext) {
  const { api, store, runtime } = ctx;
  // owner uid → dependents as "typeKey|namespace|name"
  const dependents = new Map<string, Set<string>>();
  const ref = (e: StoreEvent) =>
    `${e.typeKey}|${e.object.metadata.namespace ?? ''}|${
      e.object.metadata.name
    }`;
  const unlink = (uid: string, id: string) => {
    const set = dependents.get(uid);
    set?.delete(id);
    if (set?.size === 0) {
      dependents.delete(uid);
    }
  };
  const index = (e: StoreEvent) => {
    const id = ref(e);
    for (const r of e.oldObject?.metadata.ownerReferences ?? []) {
      unlink(r.uid, id);
    }
    for (const r of e.object.metadata.ownerReferences ?? []) {
      if (e.type === 'DELETED') {
        unlink(r.uid, id);
      } else {
        let set = dependents.get(r.uid);
        if (!set) {
          set = new Set();
          dependents.set(r.uid, set);
        }
        set.add(id);
      }
    }
  };
  const ownerExists = (
    owner: { apiVersion: string; kind: string; name: string; uid: string },
    namespace: string | undefined,
  ) => {
    const type = api.registry.byKind(owner.apiVersion, owner.kind);
    if (!type) {
      return true; // unknown kinds are left alone, like the real GC with undiscoverable owners
    }
    const found = store.get(
      api.key(type),
      type.namespaced ? namespace : undefined,
      owner.name,
    );
    return found?.metadata.uid === owner.uid;
  };
  const collect = (ownerUid: string) => {
    for (const id of [...(dependents.get(ownerUid) ?? [])]) {
      const [key, ns, name] = id.split('|');
      const type = api.registry.byKey(key);
      const dep = store.get(key, ns || undefined, name);
      if (!type || !dep || dep.metadata.deletionTimestamp) {
        continue;
      }
      const refs = dep.metadata.ownerReferences ?? [];
      const alive = refs.filter(
        r => r.uid !== ownerUid && ownerExists(r, dep.metadata.namespace),
      );
      if (alive.length > 0) {
        api.update(type, dep.metadata.namespace, name, {
          ...dep,
          metadata: { ...dep.metadata, ownerReferences: alive },
        });
      } else {
        api.delete(type, dep.metadata.namespace, name, {
          propagationPolicy: 'Background',
        });
      }
    }
  };
  const foreground = (e: StoreEvent) => {
    const owner = e.object;
    const type = api.registry.byKey(e.typeKey);
    const deps = dependents.get(owner.metadata.uid);
    if (!type) {
      return;
    }
    if (deps && deps.size > 0) {
      collect(owner.metadata.uid);
      return;
    }
    const current = store.get(
      e.typeKey,
      owner.metadata.namespace,
      owner.metadata.name,
    );
    if (current) {
      api.update(type, current.metadata.namespace, current.metadata.name, {
        ...current,
        metadata: {
          ...current.metadata,
          finalizers: (current.metadata.finalizers ?? []).filter(
            f => f !== 'foregroundDeletion',
          ),
        },
      });
    }
  };
  return store.subscribe(e => {
    index(e);
    if (e.type === 'DELETED') {
      const uid = e.object.metadata.uid;
      runtime.enqueue(`gc/${uid}`, () => collect(uid));
      // A foreground owner waiting for this dependent may now be finalized.
      for (const r of e.object.metadata.ownerReferences ?? []) {
        const type = api.registry.byKind(r.apiVersion, r.kind);
        const owner =
          type &&
          store.get(
            api.key(type),
            type.namespaced ? e.object.metadata.namespace : undefined,
            r.name,
          );
        if (
          owner?.metadata.finalizers?.includes('foregroundDeletion') &&
          type
        ) {
          runtime.enqueue(
            `gc-fg/${owner.metadata.uid}`,
            () =>
              foreground({
                type: 'MODIFIED',
                typeKey: api.key(type),
                object: owner,
                rv: 0,
              }),
            5,
          );
        }
      }
    } else if (
      e.object.metadata.finalizers?.includes('foregroundDeletion') &&
      e.object.metadata.deletionTimestamp
    ) {
      runtime.enqueue(`gc-fg/${e.object.metadata.uid}`, () => foreground(e));
    } else if (
      e.type === 'ADDED' &&
      (e.object.metadata.ownerReferences ?? []).length > 0
    ) {
      const obj = e.object;
      runtime.enqueue(
        `gc-dangling/${obj.metadata.uid}`,
        () => {
          const current = store.get(
            e.typeKey,
            obj.metadata.namespace,
            obj.metadata.name,
          );
          const type = api.registry.byKey(e.typeKey);
          if (
            current &&
            type &&
            !current.metadata.deletionTimestamp &&
            (current.metadata.ownerReferences ?? []).length > 0 &&
            (current.metadata.ownerReferences ?? []).every(
              r => !ownerExists(r, current.metadata.namespace),
            )
          ) {
            api.delete(
              type,
              current.metadata.namespace,
              current.metadata.name,
              { propagationPolicy: 'Background' },
            );
          }
        },
        20,
      );
    }
  });
}

/** CRD deletion: instances are deleted, then the CRD's cleanup finalizer is removed and its types unregistered. */
export function crdController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const cleanup = (name: string) => {
    const crd = api.tryGet(kinds.crd, undefined, name);
    if (!crd?.metadata.deletionTimestamp) {
      return;
    }
    const spec = field(crd, 'spec');
    const names = field(spec, 'names');
    const group = String(spec.group);
    const plural = String(names.plural);
    const type = api.registry.byKey(`${group}/${plural}`);
    const remaining = type ? store.list(api.key(type)) : [];
    for (const obj of remaining) {
      if (!obj.metadata.deletionTimestamp && type) {
        api.delete(type, obj.metadata.namespace, obj.metadata.name);
      }
    }
    if (remaining.length > 0) {
      runtime.enqueue(`crd/${name}`, () => cleanup(name), 20);
      return;
    }
    api.registry.remove(group, plural);
    api.update(kinds.crd, undefined, name, {
      ...crd,
      metadata: {
        ...crd.metadata,
        finalizers: (crd.metadata.finalizers ?? []).filter(
          f => f !== 'customresourcecleanup.apiextensions.k8s.io',
        ),
      },
    });
  };
  return store.subscribe(e => {
    if (
      e.typeKey === api.key(kinds.crd) &&
      e.type !== 'DELETED' &&
      e.object.metadata.deletionTimestamp
    ) {
      runtime.enqueue(`crd/${e.object.metadata.name}`, () =>
        cleanup(e.object.metadata.name),
      );
    }
  });
}
