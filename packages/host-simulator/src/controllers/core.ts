import { isJsonObject } from '../json';
import { PVC_PROTECTION } from '../defaults';
import { KubeObject, nowIso, StoredObject } from '../model';
import { StoreEvent } from '../store';
import { ControllerContext } from './context';
import { recordEvent } from './events';
import { field, writeStatus } from './kinds';

const NODE_NAME = 'sim-node-1';

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

let podIpCounter = 2;

function containerStatuses(
  pod: KubeObject,
  state: (name: string) => Record<string, unknown>,
  ready: boolean,
  restartCount = 0,
) {
  const containers = field(pod, 'spec').containers;
  return (Array.isArray(containers) ? containers : [])
    .filter(isJsonObject)
    .map(c => ({
      name: String(c.name),
      image: String(c.image),
      imageID: `${String(c.image)}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${pod.metadata.uid?.replace(/-/g, '')}`,
      ready,
      started: ready,
      restartCount,
      ...state(String(c.name)),
    }));
}

function condition(
  type: string,
  status: boolean,
  now: string,
  reason?: string,
) {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
  };
}

/** Sets a pod's phase and container states the way the kubelet reports them. */
export function setPodState(
  ctx: ControllerContext,
  pod: StoredObject,
  state: 'running' | 'succeeded' | 'failed' | 'crash',
  message?: string,
) {
  const now = nowIso();
  const status = field(pod, 'status');
  const startTime = status.startTime ?? now;
  const base = {
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    podIP: status.podIP ?? `10.244.0.${podIpCounter++ % 250}`,
    startTime,
    qosClass: status.qosClass ?? 'BestEffort',
  };
  const restartCount =
    typeof status.restartCount === 'number' ? status.restartCount : 0;
  let next: Record<string, unknown>;
  switch (state) {
    case 'running':
      next = {
        ...base,
        phase: 'Running',
        conditions: [
          condition('PodReadyToStartContainers', true, now),
          condition('Initialized', true, now),
          condition('Ready', true, now),
          condition('ContainersReady', true, now),
          condition('PodScheduled', true, now),
        ],
        containerStatuses: containerStatuses(
          pod,
          () => ({ state: { running: { startedAt: now } } }),
          true,
        ),
      };
      break;
    case 'crash':
      next = {
        ...base,
        phase: 'Running',
        conditions: [
          condition('Initialized', true, now),
          condition('Ready', false, now, 'ContainersNotReady'),
          condition('ContainersReady', false, now, 'ContainersNotReady'),
          condition('PodScheduled', true, now),
        ],
        containerStatuses: containerStatuses(
          pod,
          name => ({
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 40s restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
              },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                message: message ?? 'fatal error',
                startedAt: now,
                finishedAt: now,
              },
            },
          }),
          false,
          restartCount + 3,
        ),
      };
      break;
    case 'succeeded':
    case 'failed': {
      const ok = state === 'succeeded';
      next = {
        ...base,
        phase: ok ? 'Succeeded' : 'Failed',
        conditions: [
          condition('Initialized', true, now),
          condition('Ready', false, now, 'PodCompleted'),
          condition('ContainersReady', false, now, 'PodCompleted'),
          condition('PodScheduled', true, now),
        ],
        containerStatuses: containerStatuses(
          pod,
          () => ({
            state: {
              terminated: {
                exitCode: ok ? 0 : 1,
                reason: ok ? 'Completed' : 'Error',
                ...(message ? { message } : {}),
                startedAt: String(startTime),
                finishedAt: now,
              },
            },
          }),
          false,
        ),
      };
      break;
    }
    default:
      return;
  }
  const current = ctx.api.tryGet(
    ctx.kinds.pod,
    pod.metadata.namespace,
    pod.metadata.name,
  );
  if (current && !current.metadata.deletionTimestamp) {
    writeStatus(
      ctx.api,
      ctx.kinds.pod,
      current,
      next as StoredObject['status'] & Record<string, never>,
    );
  }
}

/** The simulated node: schedules and starts pods, terminates deleted ones, binds PVCs. */
export function kubelet(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const podKey = api.key(kinds.pod);
  const start = (ns: string, name: string) => {
    const pod = api.tryGet(kinds.pod, ns, name);
    if (
      !pod ||
      pod.metadata.deletionTimestamp ||
      podPhaseOf(pod) !== 'Pending' ||
      field(pod, 'status').startTime
    ) {
      return;
    }
    const scheduled = field(pod, 'spec').nodeName
      ? pod
      : api.update(kinds.pod, ns, name, {
          ...pod,
          spec: { ...field(pod, 'spec'), nodeName: NODE_NAME },
        });
    const behaviour =
      ctx.podBehaviour(scheduled) ??
      (field(scheduled, 'spec').restartPolicy === 'Always'
        ? 'serve'
        : 'complete');
    recordEvent(
      ctx,
      scheduled,
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${NODE_NAME}`,
      'default-scheduler',
    );
    const containers = field(scheduled, 'spec').containers;
    for (const c of Array.isArray(containers)
      ? containers.filter(isJsonObject)
      : []) {
      recordEvent(
        ctx,
        scheduled,
        'Normal',
        'Pulled',
        `Container image "${String(c.image)}" already present on machine`,
        'kubelet',
      );
      recordEvent(
        ctx,
        scheduled,
        'Normal',
        'Created',
        `Created container: ${String(c.name)}`,
        'kubelet',
      );
      recordEvent(
        ctx,
        scheduled,
        'Normal',
        'Started',
        `Started container ${String(c.name)}`,
        'kubelet',
      );
    }
    if (behaviour === 'crash') {
      setPodState(ctx, scheduled, 'crash');
      recordEvent(
        ctx,
        scheduled,
        'Warning',
        'BackOff',
        'Back-off restarting failed container',
        'kubelet',
      );
      return;
    }
    setPodState(ctx, scheduled, 'running');
    if (behaviour === 'complete') {
      runtime.after(ctx.delays().jobRunMs, `pod-complete/${ns}/${name}`, () => {
        const current = api.tryGet(kinds.pod, ns, name);
        if (current && podPhaseOf(current) === 'Running') {
          setPodState(ctx, current, 'succeeded');
        }
      });
    }
  };
  const terminate = (ns: string, name: string) => {
    const pod = api.tryGet(kinds.pod, ns, name);
    if (
      pod?.metadata.deletionTimestamp &&
      (pod.metadata.finalizers ?? []).length === 0
    ) {
      api.delete(kinds.pod, ns, name, { gracePeriodSeconds: 0 });
    }
  };
  const bind = (ns: string, name: string) => {
    const pvc = api.tryGet(kinds.pvc, ns, name);
    if (!pvc || field(pvc, 'status').phase !== 'Pending') {
      return;
    }
    const spec = field(pvc, 'spec');
    const volumeName = `pvc-${pvc.metadata.uid}`;
    const bound = api.update(kinds.pvc, ns, name, {
      ...pvc,
      metadata: {
        ...pvc.metadata,
        annotations: {
          ...pvc.metadata.annotations,
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
        },
      },
      spec: {
        ...spec,
        volumeName,
        storageClassName: spec.storageClassName ?? 'standard',
        volumeMode: spec.volumeMode ?? 'Filesystem',
      },
    });
    writeStatus(api, kinds.pvc, bound, {
      phase: 'Bound',
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      capacity: {
        storage: String(
          field(field(spec, 'resources'), 'requests').storage ?? '1Gi',
        ),
      },
    });
  };
  const claimsOf = (pod: KubeObject) => {
    const volumes = field(pod, 'spec').volumes;
    return (Array.isArray(volumes) ? volumes : [])
      .map(v => field(v, 'persistentVolumeClaim').claimName)
      .filter((c): c is string => typeof c === 'string');
  };
  // The PVC protection controller: drop the finalizer once no running pod mounts the claim.
  const releaseClaim = (ns: string, name: string) => {
    const pvc = api.tryGet(kinds.pvc, ns, name);
    if (
      !pvc?.metadata.deletionTimestamp ||
      !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION)
    ) {
      return;
    }
    const inUse = store
      .list(podKey, ns)
      .some(
        p =>
          !['Succeeded', 'Failed'].includes(podPhaseOf(p)) &&
          claimsOf(p).includes(name),
      );
    if (!inUse) {
      api.update(kinds.pvc, ns, name, {
        ...pvc,
        metadata: {
          ...pvc.metadata,
          finalizers: (pvc.metadata.finalizers ?? []).filter(
            f => f !== PVC_PROTECTION,
          ),
        },
      });
    }
  };
  return store.subscribe(e => {
    const { namespace, name } = e.object.metadata;
    if (
      e.typeKey === '/persistentvolumeclaims' &&
      e.type !== 'DELETED' &&
      e.object.metadata.deletionTimestamp
    ) {
      runtime.enqueue(`pvc-release/${namespace}/${name}`, () =>
        releaseClaim(namespace!, name),
      );
    }
    if (
      e.typeKey === podKey &&
      (e.type === 'DELETED' ||
        ['Succeeded', 'Failed'].includes(podPhaseOf(e.object)))
    ) {
      for (const claim of claimsOf(e.object)) {
        runtime.enqueue(`pvc-release/${namespace}/${claim}`, () =>
          releaseClaim(namespace!, claim),
        );
      }
    }
    if (e.typeKey === podKey && e.type !== 'DELETED') {
      if (e.object.metadata.deletionTimestamp) {
        runtime.enqueue(
          `pod-stop/${namespace}/${name}`,
          () => terminate(namespace!, name),
          ctx.delays().podTerminateMs,
        );
      } else if (e.type === 'ADDED') {
        runtime.enqueue(
          `pod-start/${namespace}/${name}`,
          () => start(namespace!, name),
          ctx.delays().podReadyMs,
        );
      }
    }
    if (e.typeKey === '/persistentvolumeclaims' && e.type === 'ADDED') {
      runtime.enqueue(
        `pvc/${namespace}/${name}`,
        () => bind(namespace!, name),
        10,
      );
    }
  });
}

function podPhaseOf(pod: KubeObject) {
  return String(field(pod, 'status').phase ?? 'Pending');
}

export { NODE_NAME };
