import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import {
  createNestedClusterCreateAction,
  createNestedClusterDeleteAction,
  createNestedClusterWaitAction,
  createRegisterLocalAction,
} from './actions';

/**
 * Adds nested-clusters:create, :wait and :delete, and local-catalog:register
 * (for portals without a git host), to the scaffolder.
 */
export const scaffolderModuleNestedClusters = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'nested-clusters',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolderActions,
        discovery,
        auth,
        config,
        permissions,
        catalog,
      }) {
        const options = {
          api: new NestedClustersClient({ discoveryApi: discovery }),
          auth,
          appBaseUrl: config.getString('app.baseUrl'),
        };
        scaffolderActions.addActions(
          createNestedClusterCreateAction(options),
          createNestedClusterWaitAction(options),
          createNestedClusterDeleteAction(options),
          createRegisterLocalAction({
            catalog,
            permissions,
            directory: config.getOptionalString(
              'scaffolder.localCatalog.directory',
            ),
          }),
        );
      },
    });
  },
});
