import { LoggerService } from '@backstage/backend-plugin-api';
import {
  UnmanagedVcluster,
  UnmanagedVclusterStatus,
} from '@nested-clusters/plugin-nested-clusters-common';
import { HostClient } from './HostClient';
import {
  NamespaceRecord,
  PAUSED_ANNOTATION,
  PodRecord,
  reduceStatefulSet,
  StatefulSetRecord,
} from './records';
import { listedResource } from './resources';
import { Backoff, ResourceWatcher, WatchedResource } from './ResourceWatcher';

/*
 * vclusters the plugin did not create, found as the vcluster CLI finds them
 * (loft-sh/vcluster pkg/cli/find/find.go: StatefulSets and Deployments
 * labelled `app=vcluster`, named by their `release` label, version = the
 * `syncer` container's tag). The chart (chart/templates/statefulset.yaml)
 * renders a Deployment instead of a StatefulSet when neither a volume claim
 * nor embedded etcd is used (`vcluster.kind` in _persistence.tpl).
 */

/** The parts of the host cache that unmanaged vclusters are read from. */
export interface ManagedSources {
  /** Namespaces carrying the plugin's managed-by label, by name. */
  namespaces: ReadonlyMap<string, NamespaceRecord>;
  /** The cache's StatefulSets labelled app=vcluster, by `namespace/name`. */
  statefulSets: ReadonlyMap<string, StatefulSetRecord>;
  /** The cache's vcluster pods, by namespace. */
  pods: ReadonlyMap<string, ReadonlyMap<string, PodRecord>>;
}

/**
 * Deployments labelled app=vcluster. A Deployment has the fields a
 * StatefulSet record keeps (replicas, pod template), so it reduces the same way.
 */
function vclusterDeployments(
  client: HostClient,
): WatchedResource<StatefulSetRecord> {
  return listedResource(client, {
    name: 'deployments',
    path: '/apis/apps/v1/deployments',
    labelSelector: 'app=vcluster',
    reduce: reduceStatefulSet,
  });
}

/** The status `vcluster list` would show, from the cached workload and pods. */
function unmanagedStatus(
  workload: StatefulSetRecord,
  pods: PodRecord[],
): UnmanagedVclusterStatus {
  if (workload.terminating) {
    return 'Deleting';
  }
  if (workload.annotations[PAUSED_ANNOTATION] === 'true') {
    return 'Paused';
  }
  if (pods.some(p => p.failure)) {
    return 'Failed';
  }
  if (workload.specReplicas === 0) {
    return 'ScaledDown';
  }
  return workload.readyReplicas >= workload.specReplicas
    ? 'Running'
    : 'Pending';
}

/**
 * The vclusters on one host without the plugin's labels. StatefulSets come
 * from the cache's existing watch; Deployments need one more watch, which
 * does not decide the host's health: without the right to watch Deployments
 * (older host accounts), the StatefulSet-based ones are still listed.
 */
export class UnmanagedVclusters {
  private readonly deployments: ResourceWatcher<StatefulSetRecord>;

  constructor(
    client: HostClient,
    backoff: Backoff,
    logger: LoggerService,
    private readonly sources: ManagedSources,
  ) {
    // Read on request only, so changes need no listener.
    this.deployments = new ResourceWatcher(
      vclusterDeployments(client),
      client.watch,
      backoff,
      logger,
      () => {},
      () => {},
    );
  }

  start(): void {
    this.deployments.start();
  }

  stop(): void {
    this.deployments.stop();
  }

  /**
   * Every vcluster whose namespace does not carry the plugin's label, sorted
   * by namespace and name; `Unknown` while the host is unreachable.
   */
  list(hostHealthy: boolean): UnmanagedVcluster[] {
    const found: UnmanagedVcluster[] = [];
    const add = (
      kind: UnmanagedVcluster['kind'],
      workloads: ReadonlyMap<string, StatefulSetRecord>,
    ) => {
      for (const workload of workloads.values()) {
        if (this.sources.namespaces.has(workload.namespace)) {
          continue;
        }
        const pods = [
          ...(this.sources.pods.get(workload.namespace)?.values() ?? []),
        ].filter(p => p.release === workload.release);
        const vcluster: UnmanagedVcluster = {
          namespace: workload.namespace,
          name: workload.release,
          kind,
          status: hostHealthy ? unmanagedStatus(workload, pods) : 'Unknown',
        };
        if (workload.kubernetesVersion) {
          vcluster.kubernetesVersion = workload.kubernetesVersion;
        }
        if (workload.vclusterVersion) {
          vcluster.vclusterVersion = workload.vclusterVersion;
        }
        found.push(vcluster);
      }
    };
    add('StatefulSet', this.sources.statefulSets);
    add('Deployment', this.deployments.items);
    return found.sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
  }
}
