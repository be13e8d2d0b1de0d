import { createHash } from 'node:crypto';
import {
  deepClone,
  deepEqual,
  isJsonObject,
  JsonObject,
  JsonValue,
} from '../json';
import { KubeObject, nowIso, StoredObject } from '../model';
import { ControllerContext } from './context';
import { recordEvent } from './events';
import {
  controllerOf,
  field,
  isControlledBy,
  isPodReady,
  ownerRef,
  podPhase,
  writeStatus,
} from './kinds';

function templateHash(template: unknown) {
  return createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex')
    .slice(0, 10);
}

function ownedPods(ctx: ControllerContext, owner: StoredObject) {
  return ctx.store
    .list(ctx.api.key(ctx.kinds.pod), owner.metadata.namespace)
    .filter(p => isControlledBy(p, owner));
}

function podFromTemplate(
  owner: StoredObject,
  name: string | undefined,
  generateName: string | undefined,
  extraLabels: Record<string, string>,
  specExtra: JsonObject = {},
): KubeObject {
  const template = field(owner, 'spec').template;
  const meta = field(template, 'metadata');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(name ? { name } : { generateName }),
      namespace: owner.metadata.namespace,
      labels: {
        ...(meta.labels as Record<string, string> | undefined),
        ...extraLabels,
      },
      annotations: meta.annotations as Record<string, string> | undefined,
      ownerReferences: [ownerRef(owner)],
    },
    spec: { ...deepClone(field(template, 'spec')), ...specExtra },
  };
}

/** StatefulSet controller: ordered pods `<name>-<i>`, PVCs from volumeClaimTemplates, status counts. */
export function statefulSetController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const createPod = (sts: StoredObject, index: number, revision: string) => {
    const ns = sts.metadata.namespace!;
    const name = sts.metadata.name;
    const spec = field(sts, 'spec');
    const volumes: JsonObject[] = Array.isArray(
      field(spec.template, 'spec').volumes,
    )
      ? (field(spec.template, 'spec').volumes as JsonObject[])
      : [];
    const claimVolumes: JsonObject[] = [];
    for (const tpl of Array.isArray(spec.volumeClaimTemplates)
      ? spec.volumeClaimTemplates.filter(isJsonObject)
      : []) {
      const claim = String(field(tpl, 'metadata').name);
      const pvcName = `${claim}-${name}-${index}`;
      claimVolumes.push({
        name: claim,
        persistentVolumeClaim: { claimName: pvcName },
      });
      if (!api.tryGet(kinds.pvc, ns, pvcName)) {
        const selectorLabels = field(
          field(spec, 'selector'),
          'matchLabels',
        ) as Record<string, string>;
        api.create(kinds.pvc, ns, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: pvcName,
            labels: {
              ...(field(tpl, 'metadata').labels as
                | Record<string, string>
                | undefined),
              ...selectorLabels,
            },
          },
          spec: deepClone(field(tpl, 'spec')),
        });
        recordEvent(
          ctx,
          sts,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${pvcName} Pod ${name}-${index} in StatefulSet ${name} success`,
          'statefulset-controller',
        );
      }
    }
    recordEvent(
      ctx,
      sts,
      'Normal',
      'SuccessfulCreate',
      `create Pod ${name}-${index} in StatefulSet ${name} successful`,
      'statefulset-controller',
    );
    api.create(
      kinds.pod,
      ns,
      podFromTemplate(
        sts,
        `${name}-${index}`,
        undefined,
        {
          'apps.kubernetes.io/pod-index': String(index),
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': `${name}-${index}`,
        },
        {
          hostname: `${name}-${index}`,
          subdomain: String(spec.serviceName ?? name),
          volumes: [...volumes, ...claimVolumes],
        },
      ),
    );
  };
  const reconcile = (ns: string, name: string) => {
    const sts = api.tryGet(kinds.statefulSet, ns, name);
    if (!sts || sts.metadata.deletionTimestamp) {
      return;
    }
    const spec = field(sts, 'spec');
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const revision = `${name}-${templateHash(spec.template).slice(0, 10)}`;
    const pods = ownedPods(ctx, sts);
    const byIndex = new Map(
      pods.map(p => [Number(p.metadata.name.slice(name.length + 1)), p]),
    );
    const parallel = spec.podManagementPolicy === 'Parallel';
    // Scale up in order, each pod waiting for its predecessor to be Ready (OrderedReady).
    for (let i = 0; i < replicas; i++) {
      const pod = byIndex.get(i);
      if (!pod) {
        createPod(sts, i, revision);
        if (!parallel) break;
      } else if (!parallel && !isPodReady(pod)) {
        break;
      }
    }
    // Scale down from the highest ordinal, one at a time.
    const surplus = pods
      .filter(
        p =>
          Number(p.metadata.name.slice(name.length + 1)) >= replicas &&
          !p.metadata.deletionTimestamp,
      )
      .sort((a, b) =>
        b.metadata.name.localeCompare(a.metadata.name, undefined, {
          numeric: true,
        }),
      );
    if (surplus.length > 0) {
      api.delete(kinds.pod, ns, surplus[0].metadata.name);
      recordEvent(
        ctx,
        sts,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${surplus[0].metadata.name} in StatefulSet ${name} successful`,
        'statefulset-controller',
      );
    }
    const live = ownedPods(ctx, sts).filter(p => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    writeStatus(api, kinds.statefulSet, sts, {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: live.length,
      updatedReplicas: live.length,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  };
  return store.subscribe(e => {
    if (e.typeKey === 'apps/statefulsets' && e.type !== 'DELETED') {
      runtime.enqueue(
        `sts/${e.object.metadata.namespace}/${e.object.metadata.name}`,
        () => reconcile(e.object.metadata.namespace!, e.object.metadata.name),
      );
    }
    if (e.typeKey === '/pods') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'StatefulSet') {
        runtime.enqueue(
          `sts/${e.object.metadata.namespace}/${owner.name}`,
          () => reconcile(e.object.metadata.namespace!, owner.name),
        );
      }
    }
  });
}

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const HASH_LABEL = 'pod-template-hash';
/** Deployment annotations the controller does not copy to its ReplicaSets (deployment/util annotationsToSkip). */
const NOT_COPIED = [
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
];
const SAFE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash: FNV-32a of the template, spelled with rand.SafeEncodeString's alphabet. */
function podTemplateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(template ?? {}))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)]
    .map(c => SAFE_CHARS[c.charCodeAt(0) % SAFE_CHARS.length])
    .join('');
}

/** maxUnavailable of a RollingUpdate strategy (default 25%, rounded down); 0 for Recreate. */
function maxUnavailable(deploy: KubeObject, replicas: number) {
  const strategy = field(field(deploy, 'spec'), 'strategy');
  if (strategy.type === 'Recreate') return 0;
  const value = field(strategy, 'rollingUpdate').maxUnavailable ?? '25%';
  return typeof value === 'number'
    ? value
    : Math.floor((replicas * parseInt(String(value), 10)) / 100);
}

function replicasOf(obj: KubeObject) {
  const replicas = field(obj, 'spec').replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

function revisionOf(obj: KubeObject) {
  return Number(obj.metadata.annotations?.[REVISION] ?? 0) || 0;
}

/** Drops nulls, empty strings, lists and objects: Go decodes them all to the zero value. */
function pruneEmpty(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty).filter(v => v !== undefined);
    return items.length > 0 ? (items as JsonValue[]) : undefined;
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, pruneEmpty(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length > 0
      ? (Object.fromEntries(entries) as JsonObject)
      : undefined;
  }
  return value === null || value === '' ? undefined : value;
}

/** The template without the pod-template-hash label (deploymentutil.EqualIgnoreHash compares these). */
function templateWithoutHash(template: unknown): JsonObject {
  const copy = deepClone(
    isJsonObject(template as JsonValue) ? (template as JsonObject) : {},
  );
  const meta = field(copy, 'metadata');
  if (isJsonObject(meta.labels)) {
    delete meta.labels[HASH_LABEL];
  }
  return copy;
}

function sameTemplate(a: unknown, b: unknown) {
  return deepEqual(
    pruneEmpty(templateWithoutHash(a)) ?? null,
    pruneEmpty(templateWithoutHash(b)) ?? null,
  );
}

/** maxSurge of a RollingUpdate strategy (default 25%, rounded up) for the max-replicas annotation. */
function maxSurge(deploy: KubeObject, replicas: number) {
  const strategy = field(field(deploy, 'spec'), 'strategy');
  if (strategy.type === 'Recreate') return 0;
  const surge = field(strategy, 'rollingUpdate').maxSurge ?? '25%';
  return typeof surge === 'number'
    ? surge
    : Math.ceil((replicas * parseInt(String(surge), 10)) / 100);
}

/**
 * Deployment controller: one ReplicaSet per pod template (`<name>-<pod-template-hash>`)
 * with the revision annotations `rollout status`/`undo`/`history` read; the newest
 * ReplicaSet is scaled to the desired count and the older ones to zero, with
 * `ScalingReplicaSet` events; old ReplicaSets beyond revisionHistoryLimit are removed.
 */
export function deploymentController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const ownedSets = (deploy: StoredObject) =>
    store
      .list(api.key(kinds.replicaSet), deploy.metadata.namespace)
      .filter(
        rs => isControlledBy(rs, deploy) && !rs.metadata.deletionTimestamp,
      );
  const scaleSet = (
    deploy: StoredObject,
    rs: StoredObject,
    replicas: number,
  ) => {
    const from = replicasOf(rs);
    if (from === replicas) return;
    api.update(kinds.replicaSet, rs.metadata.namespace, rs.metadata.name, {
      ...rs,
      metadata: {
        ...rs.metadata,
        annotations: {
          ...rs.metadata.annotations,
          [DESIRED_REPLICAS]: String(replicasOf(deploy)),
          [MAX_REPLICAS]: String(
            replicasOf(deploy) + maxSurge(deploy, replicasOf(deploy)),
          ),
        },
      },
      spec: { ...field(rs, 'spec'), replicas },
    });
    recordEvent(
      ctx,
      deploy,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${replicas > from ? 'up' : 'down'} replica set ${
        rs.metadata.name
      } from ${from} to ${replicas}`,
      'deployment-controller',
    );
  };
  const reconcile = (ns: string, name: string) => {
    const deploy = api.tryGet(kinds.deployment, ns, name);
    if (!deploy || deploy.metadata.deletionTimestamp) {
      return;
    }
    const spec = field(deploy, 'spec');
    const replicas = replicasOf(deploy);
    const template = templateWithoutHash(spec.template);
    const sets = ownedSets(deploy);
    const maxRevision = Math.max(0, ...sets.map(revisionOf));
    let current = sets.find(rs =>
      sameTemplate(field(rs, 'spec').template, template),
    );
    const annotations = Object.fromEntries(
      Object.entries(deploy.metadata.annotations ?? {}).filter(
        ([k]) => !NOT_COPIED.includes(k),
      ),
    );
    if (!current) {
      const hash = podTemplateHash(template);
      const labels = {
        ...(field(template, 'metadata').labels as Record<string, string>),
        [HASH_LABEL]: hash,
      };
      const selector = field(spec, 'selector');
      current = api.create(kinds.replicaSet, ns, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          labels,
          annotations: {
            ...annotations,
            [DESIRED_REPLICAS]: String(replicas),
            [MAX_REPLICAS]: String(replicas + maxSurge(deploy, replicas)),
            [REVISION]: String(maxRevision + 1),
          },
          ownerReferences: [ownerRef(deploy)],
        },
        spec: {
          replicas: 0,
          ...(typeof spec.minReadySeconds === 'number'
            ? { minReadySeconds: spec.minReadySeconds }
            : {}),
          selector: {
            ...selector,
            matchLabels: {
              ...(selector.matchLabels as Record<string, string>),
              [HASH_LABEL]: hash,
            },
          },
          template: {
            ...template,
            metadata: { ...field(template, 'metadata'), labels },
          },
        },
      });
    } else if (revisionOf(current) < maxRevision) {
      // A rollback: the old template's ReplicaSet becomes the newest revision.
      const history = [
        ...(current.metadata.annotations?.[REVISION_HISTORY] ?? '')
          .split(',')
          .filter(Boolean),
        String(revisionOf(current)),
      ].join(',');
      current = api.update(kinds.replicaSet, ns, current.metadata.name, {
        ...current,
        metadata: {
          ...current.metadata,
          annotations: {
            ...current.metadata.annotations,
            ...annotations,
            [REVISION]: String(maxRevision + 1),
            [REVISION_HISTORY]: history,
          },
        },
      });
    }
    const revision = current.metadata.annotations![REVISION];
    if (deploy.metadata.annotations?.[REVISION] !== revision) {
      api.update(kinds.deployment, ns, name, {
        ...deploy,
        metadata: {
          ...deploy.metadata,
          annotations: { ...deploy.metadata.annotations, [REVISION]: revision },
        },
      });
    }
    if (!spec.paused) {
      scaleSet(deploy, current, replicas);
      for (const old of sets.filter(
        rs => rs.metadata.uid !== current!.metadata.uid,
      )) {
        scaleSet(deploy, old, 0);
      }
    }
    // Old ReplicaSets with no pods beyond revisionHistoryLimit are deleted (cleanupDeployment).
    const limit =
      typeof spec.revisionHistoryLimit === 'number'
        ? spec.revisionHistoryLimit
        : 10;
    const idle = ownedSets(deploy)
      .filter(
        rs =>
          rs.metadata.uid !== current!.metadata.uid &&
          replicasOf(rs) === 0 &&
          !field(rs, 'status').replicas,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      api.delete(kinds.replicaSet, ns, rs.metadata.name);
    }
    const all = ownedSets(deploy);
    const newStatus = field(
      api.tryGet(kinds.replicaSet, ns, current.metadata.name),
      'status',
    );
    const sum = (key: string) =>
      all.reduce((n, rs) => n + (Number(field(rs, 'status')[key]) || 0), 0);
    const total = sum('replicas');
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const updated = Number(newStatus.replicas) || 0;
    const complete =
      updated === replicas && total === replicas && available === replicas;
    const now = nowIso();
    const latest = api.tryGet(kinds.deployment, ns, name) ?? deploy;
    const previous = Array.isArray(field(latest, 'status').conditions)
      ? (field(latest, 'status').conditions as JsonObject[])
      : [];
    const condition = (
      type: string,
      status: string,
      reason: string,
      message: string,
    ) => {
      const before = previous.find(c => c.type === type);
      return {
        type,
        status,
        lastUpdateTime:
          before?.reason === reason && before.lastUpdateTime
            ? before.lastUpdateTime
            : now,
        lastTransitionTime:
          before?.status === status && before.lastTransitionTime
            ? before.lastTransitionTime
            : now,
        reason,
        message,
      };
    };
    const minAvailable =
      available >= replicas - maxUnavailable(deploy, replicas);
    writeStatus(api, kinds.deployment, latest, {
      observedGeneration: deploy.metadata.generation ?? 1,
      replicas: total,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      ...(total - available > 0
        ? { unavailableReplicas: total - available }
        : {}),
      conditions: [
        condition(
          'Available',
          minAvailable ? 'True' : 'False',
          minAvailable
            ? 'MinimumReplicasAvailable'
            : 'MinimumReplicasUnavailable',
          minAvailable
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
        ),
        condition(
          'Progressing',
          'True',
          complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          complete
            ? `ReplicaSet "${current.metadata.name}" has successfully progressed.`
            : `ReplicaSet "${current.metadata.name}" is progressing.`,
        ),
      ],
    });
  };
  return store.subscribe(e => {
    if (e.typeKey === 'apps/deployments' && e.type !== 'DELETED') {
      runtime.enqueue(
        `deploy/${e.object.metadata.namespace}/${e.object.metadata.name}`,
        () => reconcile(e.object.metadata.namespace!, e.object.metadata.name),
      );
    }
    if (e.typeKey === 'apps/replicasets') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'Deployment') {
        runtime.enqueue(
          `deploy/${e.object.metadata.namespace}/${owner.name}`,
          () => reconcile(e.object.metadata.namespace!, owner.name),
        );
      }
    }
  });
}

/** ReplicaSet controller: pods `<name>-<suffix>` up to spec.replicas, newest removed first, status counts. */
export function replicaSetController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const reconcile = (ns: string, name: string) => {
    const rs = api.tryGet(kinds.replicaSet, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) {
      return;
    }
    const replicas = replicasOf(rs);
    const pods = ownedPods(ctx, rs).filter(p => !p.metadata.deletionTimestamp);
    for (let i = pods.length; i < replicas; i++) {
      const pod = api.create(
        kinds.pod,
        ns,
        podFromTemplate(rs, undefined, `${name}-`, {}),
      );
      recordEvent(
        ctx,
        rs,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata.name}`,
        'replicaset-controller',
      );
    }
    // Not-ready and newest pods go first (controller.ActivePods ordering).
    const surplus = [...pods]
      .sort(
        (a, b) =>
          Number(isPodReady(a)) - Number(isPodReady(b)) ||
          b.metadata.creationTimestamp.localeCompare(
            a.metadata.creationTimestamp,
          ),
      )
      .slice(0, Math.max(0, pods.length - replicas));
    for (const pod of surplus) {
      api.delete(kinds.pod, ns, pod.metadata.name);
      recordEvent(
        ctx,
        rs,
        'Normal',
        'SuccessfulDelete',
        `Deleted pod: ${pod.metadata.name}`,
        'replicaset-controller',
      );
    }
    const live = ownedPods(ctx, rs).filter(p => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    writeStatus(api, kinds.replicaSet, rs, {
      replicas: live.length,
      fullyLabeledReplicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    });
  };
  return store.subscribe(e => {
    if (e.typeKey === 'apps/replicasets' && e.type !== 'DELETED') {
      runtime.enqueue(
        `rs/${e.object.metadata.namespace}/${e.object.metadata.name}`,
        () => reconcile(e.object.metadata.namespace!, e.object.metadata.name),
      );
    }
    if (e.typeKey === '/pods') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'ReplicaSet') {
        runtime.enqueue(`rs/${e.object.metadata.namespace}/${owner.name}`, () =>
          reconcile(e.object.metadata.namespace!, owner.name),
        );
      }
    }
  });
}

/** Job controller: one pod at a time, retried up to backoffLimit; Complete or Failed conditions. */
export function jobController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  // The TTL-after-finished controller: a finished Job with spec.ttlSecondsAfterFinished is deleted with its pods.
  const expire = (job: StoredObject, finishedAt: unknown) => {
    const ttl = field(job, 'spec').ttlSecondsAfterFinished;
    if (typeof ttl !== 'number') {
      return;
    }
    const finished =
      typeof finishedAt === 'string' ? Date.parse(finishedAt) : Date.now();
    const { namespace, name, uid } = job.metadata;
    runtime.enqueue(
      `job-ttl/${namespace}/${name}`,
      () => {
        const current = api.tryGet(kinds.job, namespace, name);
        if (
          current?.metadata.uid === uid &&
          !current.metadata.deletionTimestamp
        ) {
          api.delete(kinds.job, namespace, name, {
            propagationPolicy: 'Background',
          });
        }
      },
      Math.max(0, finished + ttl * 1000 - Date.now()),
    );
  };
  const reconcile = (ns: string, name: string) => {
    const job = api.tryGet(kinds.job, ns, name);
    if (!job || job.metadata.deletionTimestamp) {
      return;
    }
    const status = field(job, 'status');
    const conditions = Array.isArray(status.conditions)
      ? status.conditions.filter(isJsonObject)
      : [];
    const finished = conditions.find(
      c =>
        (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    if (finished) {
      expire(job, finished.lastTransitionTime);
      return;
    }
    const spec = field(job, 'spec');
    const backoffLimit =
      typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;
    const pods = ownedPods(ctx, job);
    const succeeded = pods.filter(p => podPhase(p) === 'Succeeded').length;
    const failed = pods.filter(p => podPhase(p) === 'Failed').length;
    const active = pods.filter(
      p =>
        !['Succeeded', 'Failed'].includes(podPhase(p)) &&
        !p.metadata.deletionTimestamp,
    );
    const now = nowIso();
    const startTime = status.startTime ?? now;
    if (succeeded > 0) {
      writeStatus(api, kinds.job, job, {
        startTime,
        completionTime: now,
        succeeded,
        ...(failed ? { failed } : {}),
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
            lastProbeTime: now,
            lastTransitionTime: now,
          },
          {
            type: 'Complete',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
            lastProbeTime: now,
            lastTransitionTime: now,
          },
        ],
      });
      recordEvent(
        ctx,
        job,
        'Normal',
        'Completed',
        'Job completed',
        'job-controller',
      );
      return;
    }
    if (failed > backoffLimit) {
      writeStatus(api, kinds.job, job, {
        startTime,
        failed,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: now,
            lastTransitionTime: now,
          },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: now,
            lastTransitionTime: now,
          },
        ],
      });
      recordEvent(
        ctx,
        job,
        'Warning',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        'job-controller',
      );
      return;
    }
    if (active.length === 0) {
      const pod = api.create(
        kinds.pod,
        ns,
        podFromTemplate(job, undefined, `${name}-`, {}, {}),
      );
      recordEvent(
        ctx,
        job,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata.name}`,
        'job-controller',
      );
    }
    writeStatus(api, kinds.job, job, {
      startTime,
      active: Math.max(active.length, 1),
      ready: active.filter(isPodReady).length,
      terminating: 0,
      ...(failed ? { failed } : {}),
      uncountedTerminatedPods: {},
    });
  };
  return store.subscribe(e => {
    if (e.typeKey === 'batch/jobs' && e.type !== 'DELETED') {
      runtime.enqueue(
        `job/${e.object.metadata.namespace}/${e.object.metadata.name}`,
        () => reconcile(e.object.metadata.namespace!, e.object.metadata.name),
      );
    }
    if (e.typeKey === '/pods') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'Job') {
        runtime.enqueue(
          `job/${e.object.metadata.namespace}/${owner.name}`,
          () => reconcile(e.object.metadata.namespace!, owner.name),
        );
      }
    }
  });
}
