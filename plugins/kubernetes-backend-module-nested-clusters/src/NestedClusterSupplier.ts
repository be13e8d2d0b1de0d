import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import {
  NestedCluster,
  nestedClusterKubeconfigPermission,
  nestedClusterReadPermission,
  nestedClusterResourceRef,
} from '@nested-clusters/plugin-nested-clusters-common';
import { NestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import { clusterEntityName } from '@nested-clusters/plugin-nested-clusters-node';
import { ReaderAccounts } from './ReaderAccounts';

/**
 * What a user needs on a nested cluster to see its objects through the
 * Kubernetes plugin: to read the cluster, and to be allowed the kubeconfig
 * download, so the tab never shows more than that user could read with a
 * downloaded kubeconfig.
 */
export const OBJECT_READ_PERMISSIONS = [
  nestedClusterReadPermission,
  nestedClusterKubeconfigPermission,
];

/**
 * Wraps the Kubernetes plugin's default supplier (config, catalog, …) and adds
 * the Running nested clusters that the calling user may look into, reached
 * with their read-only account's token. Every Kubernetes plugin route
 * (/clusters, /services, /resources, /proxy) asks the supplier with the
 * caller's credentials, so a cluster left out here is unknown on all of them.
 * Only plain data crosses into the Kubernetes plugin: it runs another major
 * version of @kubernetes/client-node.
 */
export class NestedClusterSupplier implements KubernetesClustersSupplier {
  constructor(
    private readonly defaultSupplier: KubernetesClustersSupplier,
    private readonly hosts: NestedClustersHostsService,
    private readonly readers: ReaderAccounts,
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
    private readonly logger: LoggerService,
  ) {}

  async getClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<ClusterDetails[]> {
    const [defaults, nested] = await Promise.all([
      this.defaultSupplier.getClusters(options),
      this.nestedClusters(options.credentials),
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

  /**
   * Users only: a nested cluster shows what its user could read with their
   * own kubeconfig, and a service has none. (The Kubernetes plugin asks with
   * its own service credentials while it starts, and its start must not wait
   * for a token from every cluster of every host.)
   */
  private async nestedClusters(
    credentials: BackstageCredentials,
  ): Promise<ClusterDetails[]> {
    if (!this.auth.isPrincipal(credentials, 'user')) {
      return [];
    }
    const { items } = await this.hosts.listClusters();
    const running = items.filter(cluster => cluster.status === 'Running');
    const visible = await this.visibleTo(credentials, running);
    const details = await Promise.all(
      visible.map(cluster => this.details(cluster)),
    );
    return details.filter((d): d is ClusterDetails => d !== undefined);
  }

  /**
   * The clusters whose objects the caller may see, decided by the permission
   * framework in one batch (it applies conditional decisions through the
   * nested-clusters plugin). Fails closed: no decision, no cluster.
   */
  private async visibleTo(
    credentials: BackstageCredentials,
    clusters: NestedCluster[],
  ): Promise<NestedCluster[]> {
    if (clusters.length === 0) {
      return [];
    }
    const requests = clusters.flatMap(cluster =>
      OBJECT_READ_PERMISSIONS.map(permission => ({
        permission,
        resourceRef: nestedClusterResourceRef(cluster.host, cluster.name),
      })),
    );
    try {
      const decisions = await this.permissions.authorize(requests, {
        credentials,
      });
      const perCluster = OBJECT_READ_PERMISSIONS.length;
      return clusters.filter((_, index) =>
        decisions
          .slice(index * perCluster, (index + 1) * perCluster)
          .every(decision => decision.result === AuthorizeResult.ALLOW),
      );
    } catch (error) {
      this.logger.warn('Nested clusters left out: authorization failed', {
        error: String(error),
      });
      return [];
    }
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
