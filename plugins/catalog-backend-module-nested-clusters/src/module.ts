import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { nestedClustersHostsServiceRef } from '@nested-clusters/plugin-nested-clusters-node';
import { NestedClusterEntityProvider } from './NestedClusterEntityProvider';

/**
 * Catalog module: one `Resource` entity (`spec.type: nested-cluster`) per
 * nested cluster, kept up to date from the hosts' watch cache.
 */
export const nestedClustersCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'nested-clusters-entity-provider',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        catalog: catalogProcessingExtensionPoint,
        hosts: nestedClustersHostsServiceRef,
      },
      async init({ config, logger, lifecycle, catalog, hosts }) {
        const provider = new NestedClusterEntityProvider(
          hosts,
          config.getString('app.baseUrl'),
          logger,
        );
        catalog.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.close());
      },
    });
  },
});
