import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { kubernetesClusterSupplierExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { nestedClustersHostsServiceRef } from '../../hosts/HostsService';
import { ClusterLifecycleService } from '../../services/ClusterLifecycleService';
import { NestedClusterSupplier } from './NestedClusterSupplier';
import { ReaderAccounts } from './ReaderAccounts';

/**
 * Kubernetes module: adds every Running nested cluster to the Kubernetes
 * plugin's clusters, so workloads labelled with a component's
 * `backstage.io/kubernetes-id` show in its Kubernetes tab.
 */
export const nestedClustersKubernetesModule = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'nested-clusters',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        clusterSupplier: kubernetesClusterSupplierExtensionPoint,
        hosts: nestedClustersHostsServiceRef,
        catalog: catalogServiceRef,
        userInfo: coreServices.userInfo,
      },
      async init({
        logger,
        lifecycle: pluginLifecycle,
        clusterSupplier,
        hosts,
        catalog,
        userInfo,
      }) {
        // The same kubeconfig code path as the download, without its HTTP authorization:
        // the admin kubeconfig stays in this process and is used only inside the cluster.
        const lifecycle = new ClusterLifecycleService({
          hosts,
          catalog,
          userInfo,
          logger,
        });
        const readers = new ReaderAccounts({
          adminKubeconfig: cluster => lifecycle.kubeconfig(cluster),
          logger,
        });
        const unsubscribe = hosts.subscribe(event => {
          if (event.type === 'removed') {
            readers.forget(event.cluster);
          }
        });
        pluginLifecycle.addShutdownHook(unsubscribe);
        clusterSupplier.addClusterSupplier(
          async ({ getDefault }) =>
            new NestedClusterSupplier(
              await getDefault(),
              hosts,
              readers,
              logger,
            ),
        );
      },
    });
  },
});
