import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { kubernetesClusterSupplierExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { nestedClustersHostsServiceRef } from '@nested-clusters/plugin-nested-clusters-node';
import { NestedClusterSupplier } from './NestedClusterSupplier';
import { ReaderAccounts } from './ReaderAccounts';

/**
 * Kubernetes module: adds the Running nested clusters that the calling user
 * may look into to the Kubernetes plugin's clusters, so workloads labelled
 * with a component's `backstage.io/kubernetes-id` show in its Kubernetes tab.
 */
export const nestedClustersKubernetesModule = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'nested-clusters',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        auth: coreServices.auth,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        clusterSupplier: kubernetesClusterSupplierExtensionPoint,
        hosts: nestedClustersHostsServiceRef,
      },
      async init({
        logger,
        auth,
        lifecycle: pluginLifecycle,
        permissions,
        clusterSupplier,
        hosts,
      }) {
        // The admin kubeconfig stays in this process and is used only inside the cluster.
        const readers = new ReaderAccounts({
          adminKubeconfig: cluster => hosts.adminKubeconfig(cluster),
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
              auth,
              permissions,
              logger,
            ),
        );
      },
    });
  },
});
