import { createHash } from 'node:crypto';
import { deepClone, isJsonObject, JsonObject } from '../json';
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

/** Deployment controller (without ReplicaSets): pods `<name>-<hash>-<suffix>`, status counts and conditions. */
export function deploymentController(ctx: ControllerContext) {
  const { api, store, runtime, kinds } = ctx;
  const reconcile = (ns: string, name: string) => {
    const deploy = api.tryGet(kinds.deployment, ns, name);
    if (!deploy || deploy.metadata.deletionTimestamp) {
      return;
    }
    const spec = field(deploy, 'spec');
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const hash = templateHash(spec.template);
    const pods = ownedPods(ctx, deploy).filter(
      p => !p.metadata.deletionTimestamp,
    );
    // Replace pods of an old template, then match the count.
    for (const pod of pods.filter(
      p => p.metadata.labels?.['pod-template-hash'] !== hash,
    )) {
      api.delete(kinds.pod, ns, pod.metadata.name);
    }
    const current = pods.filter(
      p => p.metadata.labels?.['pod-template-hash'] === hash,
    );
    for (let i = current.length; i < replicas; i++) {
      api.create(
        kinds.pod,
        ns,
        podFromTemplate(deploy, undefined, `${name}-${hash}-`, {
          'pod-template-hash': hash,
        }),
      );
    }
    for (const pod of current.slice(replicas)) {
      api.delete(kinds.pod, ns, pod.metadata.name);
    }
    const live = ownedPods(ctx, deploy).filter(
      p => !p.metadata.deletionTimestamp,
    );
    const ready = live.filter(isPodReady).length;
    const now = nowIso();
    const available = ready >= replicas;
    writeStatus(api, kinds.deployment, deploy, {
      observedGeneration: deploy.metadata.generation ?? 1,
      replicas: live.length,
      updatedReplicas: live.filter(
        p => p.metadata.labels?.['pod-template-hash'] === hash,
      ).length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(live.length - ready > 0
        ? { unavailableReplicas: live.length - ready }
        : {}),
      conditions: [
        {
          type: 'Available',
          status: available ? 'True' : 'False',
          reason: available
            ? 'MinimumReplicasAvailable'
            : 'MinimumReplicasUnavailable',
          message: available
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
          lastUpdateTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          message: `ReplicaSet "${name}-${hash}" ${
            available ? 'has successfully progressed' : 'is progressing'
          }.`,
          lastUpdateTime: now,
          lastTransitionTime: now,
        },
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
    if (e.typeKey === '/pods') {
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
