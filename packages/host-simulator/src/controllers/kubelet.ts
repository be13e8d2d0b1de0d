import { PVC_PROTECTION } from '../defaults';
import { isJsonObject, JsonObject } from '../json';
import { KubeObject, nowIso, StoredObject } from '../model';
import { ControllerContext } from './context';
import { recordEvent } from './events';
import { field, podPhase, writeStatus } from './kinds';

export const NODE_NAME = 'sim-node-1';

let podIpCounter = 2;

function containerStatuses(
  pod: KubeObject,
  state: (container: JsonObject) => Record<string, unknown>,
  ready: boolean,
  restartCount = 0,
  list: 'containers' | 'initContainers' = 'containers',
) {
  const containers = field(pod, 'spec')[list];
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
      ...state(c),
    }));
}

/** Init containers ran to completion before the containers started. */
function initContainerStatuses(pod: KubeObject, startedAt: unknown) {
  const statuses = containerStatuses(
    pod,
    () => ({
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: String(startedAt),
          finishedAt: String(startedAt),
        },
      },
    }),
    true,
    0,
    'initContainers',
  );
  return statuses.length > 0 ? { initContainerStatuses: statuses } : {};
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

/** A container that could not start: the runtime's exit code, reason and message. */
export interface StartFailure {
  exitCode: number;
  reason: string;
}

/**
 * Sets a pod's phase and container states the way the kubelet reports them. A
 * failed container's `message` (its log's tail) shows in its terminated state
 * only with `terminationMessagePolicy: FallbackToLogsOnError`; a start failure's
 * always does (it comes from the runtime).
 */
export function setPodState(
  ctx: ControllerContext,
  pod: StoredObject,
  state: 'running' | 'succeeded' | 'failed' | 'crash',
  message?: string,
  startFailure?: StartFailure,
) {
  const now = nowIso();
  const status = field(pod, 'status');
  const startTime = status.startTime ?? now;
  const base = {
    hostIP: ctx.nodeAddress,
    hostIPs: [{ ip: ctx.nodeAddress }],
    podIP: status.podIP ?? `10.244.0.${podIpCounter++ % 250}`,
    startTime,
    qosClass: status.qosClass ?? 'BestEffort',
    ...initContainerStatuses(pod, startTime),
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
          c => ({
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 40s restarting failed container=${String(
                  c.name,
                )} pod=${pod.metadata.name}_${pod.metadata.namespace}(${
                  pod.metadata.uid
                })`,
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
          c => ({
            state: {
              terminated: {
                exitCode: startFailure?.exitCode ?? (ok ? 0 : 1),
                reason: startFailure?.reason ?? (ok ? 'Completed' : 'Error'),
                ...(message &&
                (startFailure ||
                  c.terminationMessagePolicy === 'FallbackToLogsOnError')
                  ? { message }
                  : {}),
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
      podPhase(pod) !== 'Pending' ||
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
        if (current && podPhase(current) === 'Running') {
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
          !['Succeeded', 'Failed'].includes(podPhase(p)) &&
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
        ['Succeeded', 'Failed'].includes(podPhase(e.object)))
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
