import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { KubernetesObject } from '@kubernetes/client-node';
import {
  NestedCluster,
  parseDuration,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  addonsAnnotation,
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  deriveStatus,
  describeCluster,
  Host,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NestedClustersHostsService,
  ObjectRef,
  PAUSED_ANNOTATION,
  PAUSED_DATE_ANNOTATION,
  PAUSED_REPLICAS_ANNOTATION,
  recordPause,
  reduceNamespace,
  sleepAnnotation,
} from '@nested-clusters/plugin-nested-clusters-node';
import { CreatePlan, parseTtl } from './CreatePlanner';
import { QuotaGuard } from './QuotaGuard';
import { UserAccessService } from './UserAccess';
import { clusterValues } from './values';

/**
 * What changes a host: create, pause, resume, extend and delete, each written
 * to the host's API. Callers have authorized the operation already.
 */
export class ClusterCommands {
  private readonly quota: QuotaGuard;

  constructor(
    private readonly hosts: NestedClustersHostsService,
    private readonly logger: LoggerService,
    private readonly userAccess: UserAccessService,
  ) {
    this.quota = new QuotaGuard(hosts);
  }

  /**
   * Creates the namespace, checks the quotas against the host (QuotaGuard),
   * then creates the installer's objects. When a step fails, everything
   * already created is deleted again and the error is rethrown.
   */
  async create(plan: CreatePlan): Promise<NestedCluster> {
    const { host, name, namespace, profile } = plan;
    const { client, installer } = host;
    const namespaceObject = namespaceManifest(plan);
    let createdNamespace: KubernetesObject;
    try {
      createdNamespace = await client.create(namespaceObject);
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new ConflictError(
          `name: "${name}" is taken on host "${host.config.name}" (namespace ${namespace} exists)`,
        );
      }
      throw error;
    }

    const created: ObjectRef[] = [];
    try {
      await this.quota.verify(host, createdNamespace);
      const manifests = installer.manifests({
        name,
        namespace,
        chartVersion: profile.chartVersion,
        values: clusterValues(host.config, profile, name, namespace),
        labels: clusterLabels(name),
      });
      for (const manifest of manifests) {
        await client.create(manifest);
        created.push(refOf(manifest));
      }
    } catch (error) {
      await this.rollback(host, [...created.reverse(), refOf(namespaceObject)]);
      throw error;
    }
    host.cache.retryNow();
    return describeNamespace(host, createdNamespace);
  }

  /**
   * The cluster a plan would create, described as the cache describes it once
   * the host has the namespace and nothing else yet.
   */
  preview(plan: CreatePlan): NestedCluster {
    const namespace = namespaceManifest(plan);
    namespace.metadata!.creationTimestamp = new Date();
    return describeNamespace(plan.host, namespace);
  }

  /**
   * Pauses exactly as `vcluster pause` does, so the CLI agrees about the
   * state; `annotations` are the portal's own, added to the same patch.
   */
  async pause(
    cluster: NestedCluster,
    annotations: Record<string, string> = {},
  ): Promise<NestedCluster> {
    if (cluster.status !== 'Running') {
      throw new ConflictError(
        `Cannot pause nested cluster "${cluster.name}" on host "${cluster.host}": it is ${cluster.status}, not Running`,
      );
    }
    const host = this.hosts.host(cluster.host);
    const current = await host.client.readStatefulSet(
      cluster.namespace,
      cluster.name,
    );
    const replicas = current.spec?.replicas ?? 1;
    // Flux would scale the StatefulSet back up: suspend it first.
    for (const { ref, patch } of host.installer.pausePatches(
      cluster.name,
      cluster.namespace,
    )) {
      await host.client.mergePatch(ref, patch);
    }
    await host.client.mergePatch(statefulSetRef(cluster), {
      metadata: {
        annotations: {
          [PAUSED_ANNOTATION]: 'true',
          [PAUSED_REPLICAS_ANNOTATION]: String(replicas),
          [PAUSED_DATE_ANNOTATION]: new Date().toISOString(),
          [ANNOTATIONS.resumedAt]: null,
          ...annotations,
        },
      },
      spec: { replicas: 0 },
    });
    // The workloads the syncer created; it recreates them on resume.
    await host.client.deletePods(
      cluster.namespace,
      `vcluster.loft.sh/managed-by=${cluster.name}`,
    );
    return { ...cluster, status: 'Pausing', statusMessage: undefined };
  }

  /**
   * Resumes as `vcluster resume` does: restore replicas, drop the pause
   * annotations (and the schedule's mark: the cluster is awake however it
   * woke); `annotations` are the portal's own, added to the same patch.
   */
  async resume(
    cluster: NestedCluster,
    annotations: Record<string, string> = {},
  ): Promise<NestedCluster> {
    if (cluster.status !== 'Paused' && cluster.status !== 'Pausing') {
      throw new ConflictError(
        `Cannot resume nested cluster "${cluster.name}" on host "${cluster.host}": it is ${cluster.status}, not Paused`,
      );
    }
    const host = this.hosts.host(cluster.host);
    const current = await host.client.readStatefulSet(
      cluster.namespace,
      cluster.name,
    );
    const previous = current.metadata?.annotations ?? {};
    const saved = Number.parseInt(
      previous[PAUSED_REPLICAS_ANNOTATION] ?? '',
      10,
    );
    const now = new Date();
    const pausedAt = previous[PAUSED_DATE_ANNOTATION];
    await host.client.mergePatch(statefulSetRef(cluster), {
      metadata: {
        annotations: {
          [PAUSED_ANNOTATION]: null,
          [PAUSED_REPLICAS_ANNOTATION]: null,
          [PAUSED_DATE_ANNOTATION]: null,
          // The CLI drops the pause date: keep the pause for the hours paused.
          ...(pausedAt
            ? {
                [ANNOTATIONS.pauses]: recordPause(
                  previous[ANNOTATIONS.pauses],
                  { from: pausedAt, to: now.toISOString() },
                  now,
                ),
              }
            : {}),
          [ANNOTATIONS.resumedAt]: now.toISOString(),
          [ANNOTATIONS.sleptBySchedule]: null,
          ...annotations,
        },
      },
      spec: { replicas: Number.isFinite(saved) && saved > 0 ? saved : 1 },
    });
    for (const { ref, patch } of host.installer.resumePatches(
      cluster.name,
      cluster.namespace,
    )) {
      await host.client.mergePatch(ref, patch);
    }
    return { ...cluster, status: 'Resuming', statusMessage: undefined };
  }

  /**
   * Moves expiry `ttl` further out, but never beyond the profile's maxTtl
   * counted from creation.
   */
  async extend(cluster: NestedCluster, ttl: string): Promise<NestedCluster> {
    if (cluster.status === 'Deleting') {
      throw new ConflictError(
        `Cannot extend nested cluster "${cluster.name}" on host "${cluster.host}": it is being deleted`,
      );
    }
    const ttlMs = parseTtl(ttl);
    const profile = this.hosts.config.profiles.find(
      p => p.name === cluster.profile,
    );
    if (!profile) {
      throw new ConflictError(
        `Cannot extend nested cluster "${cluster.name}": its profile "${cluster.profile}" is no longer configured`,
      );
    }
    const from = Math.max(Date.parse(cluster.expiresAt) || 0, Date.now());
    const expiresAt = new Date(from + ttlMs);
    const latest = new Date(
      Date.parse(cluster.createdAt) + parseDuration(profile.maxTtl)!,
    );
    if (expiresAt > latest) {
      throw new InputError(
        `ttl: extending by ${ttl} would expire the cluster at ${expiresAt.toISOString()}, beyond the maxTtl ${
          profile.maxTtl
        } of profile "${
          profile.name
        }" counted from creation (at the latest ${latest.toISOString()})`,
      );
    }
    const host = this.hosts.host(cluster.host);
    await host.client.mergePatch(namespaceRef(cluster), {
      metadata: {
        annotations: { [ANNOTATIONS.expiresAt]: expiresAt.toISOString() },
      },
    });
    return { ...cluster, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Deletes the installer objects, then PVC data-<name>-0, then the namespace.
   * The cluster shows Deleting until its namespace is gone from the host.
   * Users' access is revoked first: the nested API server may still answer
   * for minutes while the uninstall runs.
   */
  async delete(cluster: NestedCluster): Promise<NestedCluster> {
    if (cluster.status === 'Running') {
      await this.userAccess
        .revokeAll(cluster)
        .catch(error =>
          this.logger.warn(
            `Could not revoke user access before deleting nested cluster ${cluster.host}/${cluster.name}: ${error.message}`,
          ),
        );
    }
    const host = this.hosts.host(cluster.host);
    await host.client.mergePatch(namespaceRef(cluster), {
      metadata: {
        annotations: { [ANNOTATIONS.deletingSince]: new Date().toISOString() },
      },
    });
    for (const ref of host.installer.installerObjects(
      cluster.name,
      cluster.namespace,
    )) {
      await host.client.delete(ref);
    }
    await host.client.delete({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: `data-${cluster.name}-0`,
      namespace: cluster.namespace,
    });
    await host.client.delete(namespaceRef(cluster));
    return { ...cluster, status: 'Deleting', statusMessage: undefined };
  }

  /** The vcluster's admin kubeconfig, pointed at the host's exposure, context `<host>-<name>`. */
  adminKubeconfig(cluster: NestedCluster): Promise<string> {
    return this.hosts.adminKubeconfig(cluster);
  }

  private async rollback(host: Host, refs: ObjectRef[]): Promise<void> {
    for (const ref of refs) {
      try {
        await host.client.delete(ref);
      } catch (error) {
        // The namespace delete at the end still removes what is left inside.
        this.logger.warn(
          `Rolling back a failed create on host "${
            host.config.name
          }": could not delete ${ref.kind} ${ref.name}: ${
            (error as Error).message
          }`,
        );
      }
    }
  }
}

/** The namespace of a planned cluster: its annotations record everything the API shows. */
function namespaceManifest(plan: CreatePlan): KubernetesObject {
  const annotations: Record<string, string> = {
    [ANNOTATIONS.owner]: plan.owner,
    [ANNOTATIONS.createdBy]: plan.createdBy,
    [ANNOTATIONS.profile]: plan.profile.name,
    [ANNOTATIONS.installer]: plan.host.installer.type,
    [ANNOTATIONS.expiresAt]: plan.expiresAt.toISOString(),
    // What `vcluster create` puts on namespaces it creates.
    'vcluster.loft.sh/created': 'true',
  };
  if (plan.component) {
    annotations[ANNOTATIONS.component] = plan.component;
  }
  // Later changes to the profile's schedule leave this cluster's as chosen.
  if (plan.sleep) {
    annotations[ANNOTATIONS.sleep] = sleepAnnotation(plan.sleep);
  }
  // Owners' limits count what the profile requested when it was created.
  annotations[ANNOTATIONS.requests] = JSON.stringify(plan.requests);
  // Later changes to the profile's add-ons leave this cluster as it was made.
  const addons = addonsAnnotation(plan.profile.addons);
  if (addons) {
    annotations[ANNOTATIONS.addons] = addons;
  }
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: plan.namespace,
      labels: clusterLabels(plan.name),
      annotations,
    },
  };
}

/** The labels of every object of a cluster: how the cache finds them. */
function clusterLabels(name: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [CLUSTER_NAME_LABEL]: name };
}

/** A cluster whose host has its namespace and nothing else yet, as the cache describes it. */
function describeNamespace(
  host: Host,
  object: KubernetesObject,
): NestedCluster {
  const namespace = reduceNamespace(object)!;
  return describeCluster({
    host: host.config.name,
    installer: host.installer.type,
    namespace,
    derived: deriveStatus({
      namespace,
      pods: [],
      kubeconfigReady: () => false,
    }),
  });
}

function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    name: object.metadata!.name!,
    namespace: object.metadata?.namespace,
  };
}

function namespaceRef(cluster: NestedCluster): ObjectRef {
  return { apiVersion: 'v1', kind: 'Namespace', name: cluster.namespace };
}

function statefulSetRef(cluster: NestedCluster): ObjectRef {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name: cluster.name,
    namespace: cluster.namespace,
  };
}
