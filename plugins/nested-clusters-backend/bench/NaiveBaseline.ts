import {
  HostError,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  createInstaller,
  deriveStatus,
  describeHostError,
  HostClient,
  HostConfig,
  Installer,
  NestedClustersConfig,
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  InstallerRecord,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  NamespaceRecord,
  PodRecord,
  reduceNamespace,
  reducePod,
  reduceStatefulSet,
  StatefulSetRecord,
} from '@nested-clusters/plugin-nested-clusters-node';
import { clusterValues } from '../src/services/values';

interface BaselineHost {
  config: HostConfig;
  client: HostClient;
  installer: Installer;
}

function group<T extends { namespace: string }>(records: T[]) {
  const byNamespace = new Map<string, T[]>();
  for (const r of records) {
    byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r]);
  }
  return byNamespace;
}

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/**
 * The naive design the plugin is measured against: no cache, every request
 * fans out LIST calls to every host (what Backstage's kubernetes plugin does)
 * and derives status from the answers with the plugin's own rules. Only the
 * helm-job installer's objects are read, as the benchmark's hosts use it.
 */
export class NaiveBaseline {
  private readonly hosts: BaselineHost[];

  constructor(private readonly config: NestedClustersConfig) {
    this.hosts = config.hosts.map(h => ({
      config: h,
      client: new HostClient(h),
      installer: createInstaller(h),
    }));
  }

  async listClusters(query: { component?: string; owner?: string } = {}) {
    const hostErrors: HostError[] = [];
    const perHost = await Promise.all(
      this.hosts.map(h =>
        this.listHost(h).catch(error => {
          hostErrors.push({
            host: h.config.name,
            message: describeHostError(error),
          });
          return [];
        }),
      ),
    );
    const items = perHost
      .flat()
      .filter(
        c =>
          (!query.component || c.component === query.component) &&
          (!query.owner || c.owner === query.owner),
      );
    return { items, hostErrors };
  }

  /**
   * Create as a cacheless backend must: LIST every host's namespaces for the
   * owner quota and the name check, then write the same objects the plugin does.
   */
  async create(request: {
    name: string;
    host: string;
    owner: string;
  }): Promise<void> {
    const namespaces = (
      await Promise.all(
        this.hosts.map(async h =>
          (
            await h.client.core.listNamespace({
              labelSelector: MANAGED_SELECTOR,
            })
          ).items
            .map(reduceNamespace)
            .filter(defined)
            .map(ns => ({ host: h.config.name, ns })),
        ),
      )
    ).flat();
    const limit = this.config.limits.clustersPerOwner;
    const owned = namespaces.filter(
      ({ ns }) => ns.annotations[ANNOTATIONS.owner] === request.owner,
    );
    if (owned.length >= limit) {
      throw new Error(`owner ${request.owner} is over quota`);
    }
    if (
      namespaces.some(
        ({ host, ns }) =>
          host === request.host && ns.clusterName === request.name,
      )
    ) {
      throw new Error(`name ${request.name} is taken`);
    }
    const host = this.hosts.find(h => h.config.name === request.host)!;
    const profile = this.config.profiles[0];
    const namespace = `${host.config.namespacePrefix}${request.name}`;
    const labels = {
      [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      [CLUSTER_NAME_LABEL]: request.name,
    };
    await host.client.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels,
        annotations: {
          [ANNOTATIONS.owner]: request.owner,
          [ANNOTATIONS.profile]: profile.name,
          [ANNOTATIONS.installer]: host.installer.type,
        },
      },
    });
    for (const manifest of host.installer.manifests({
      name: request.name,
      namespace,
      chartVersion: profile.chartVersion,
      values: clusterValues(host.config, profile, request.name, namespace),
      labels,
    })) {
      await host.client.create(manifest);
    }
  }

  private async listHost(host: BaselineHost): Promise<NestedCluster[]> {
    const { core, apps, batch } = host.client;
    const [namespaces, statefulSets, pods, jobs] = await Promise.all([
      core.listNamespace({ labelSelector: MANAGED_SELECTOR }),
      apps.listStatefulSetForAllNamespaces({ labelSelector: 'app=vcluster' }),
      core.listPodForAllNamespaces({ labelSelector: 'app=vcluster' }),
      batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
    ]);
    const stsByNs = group<StatefulSetRecord>(
      statefulSets.items.map(reduceStatefulSet).filter(defined),
    );
    const podsByNs = group<PodRecord>(
      pods.items.map(reducePod).filter(defined),
    );
    const installerObjects = host.installer.watchedResource(host.client);
    const jobsByNs = group<InstallerRecord>(
      jobs.items.map(job => installerObjects.reduce(job)).filter(defined),
    );
    return namespaces.items
      .map(reduceNamespace)
      .filter(defined)
      .filter(ns => ns.name.startsWith(host.config.namespacePrefix))
      .map(ns => this.toCluster(host, ns, stsByNs, podsByNs, jobsByNs));
  }

  private toCluster(
    host: BaselineHost,
    ns: NamespaceRecord,
    sts: Map<string, StatefulSetRecord[]>,
    pods: Map<string, PodRecord[]>,
    jobs: Map<string, InstallerRecord[]>,
  ): NestedCluster {
    const name = ns.clusterName;
    const statefulSet = sts.get(ns.name)?.find(s => s.release === name);
    const derived = deriveStatus({
      namespace: ns,
      installer: jobs.get(ns.name)?.[0],
      statefulSet,
      pods: (pods.get(ns.name) ?? []).filter(p => p.release === name),
      // The baseline reads no Secrets; it takes the kubeconfig as written.
      kubeconfigReady: () => true,
    });
    const a = ns.annotations;
    return {
      name,
      host: host.config.name,
      namespace: ns.name,
      ...derived,
      owner: a[ANNOTATIONS.owner] ?? '',
      component: a[ANNOTATIONS.component],
      createdBy: a[ANNOTATIONS.createdBy] ?? '',
      profile: a[ANNOTATIONS.profile] ?? '',
      installer: host.installer.type,
      kubernetesVersion: statefulSet?.kubernetesVersion,
      vclusterVersion: statefulSet?.vclusterVersion,
      createdAt: ns.createdAt,
      expiresAt: a[ANNOTATIONS.expiresAt] ?? '',
    };
  }
}
