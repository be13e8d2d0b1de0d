import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { NestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import { clusterEntityName } from '@nested-clusters/plugin-nested-clusters-node';
import { ReaderAccounts } from './ReaderAccounts';

/**
 * Wraps the Kubernetes plugin's default supplier (config, catalog, …) and adds
 * every Running nested cluster, reached with its read-only account's token.
 * Only plain data crosses into the Kubernetes plugin: it runs another major
 * version of @kubernetes/client-node.
 */
export class NestedClusterSupplier implements KubernetesClustersSupplier {
  constructor(
    private readonly defaultSupplier: KubernetesClustersSupplier,
    private readonly hosts: NestedClustersHostsService,
    private readonly readers: ReaderAccounts,
    private readonly logger: LoggerService,
  ) {}

  async getClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<ClusterDetails[]> {
    const [defaults, nested] = await Promise.all([
      this.defaultSupplier.getClusters(options),
      this.nestedClusters(),
    ]);
    const names = new Set(defaults.map(c => c.name));
    const added = nested.filter(cluster => {
      if (names.has(cluster.name)) {
        this.logger.warn(
          `Nested cluster ${cluster.name} has the name of a configured cluster; it is left out`,
        );
        return false;
      }
      return true;
    });
    return [...defaults, ...added];
  }

  private async nestedClusters(): Promise<ClusterDetails[]> {
    const { items } = await this.hosts.listClusters();
    const running = items.filter(cluster => cluster.status === 'Running');
    const details = await Promise.all(
      running.map(cluster => this.details(cluster)),
    );
    return details.filter((d): d is ClusterDetails => d !== undefined);
  }

  private async details(
    cluster: NestedCluster,
  ): Promise<ClusterDetails | undefined> {
    const reader = await this.readers.credentials(cluster);
    if (!reader) {
      return undefined;
    }
    return {
      name: clusterEntityName(cluster),
      title: `${cluster.name} (nested cluster on ${cluster.host})`,
      url: reader.url,
      caData: reader.caData,
      authMetadata: {
        [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'serviceAccount',
        serviceAccountToken: reader.token,
      },
      // vcluster ships no metrics-server.
      skipMetricsLookup: true,
    };
  }
}
