import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import {
  createNestedClusterCreateAction,
  createNestedClusterDeleteAction,
  createNestedClusterWaitAction,
} from './actions';

/** Adds the nested-clusters:create, :wait and :delete actions to the scaffolder. */
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
      },
      async init({ scaffolderActions, discovery, auth, config }) {
        const options = {
          api: new NestedClustersClient({ discoveryApi: discovery }),
          auth,
          appBaseUrl: config.getString('app.baseUrl'),
        };
        scaffolderActions.addActions(
          createNestedClusterCreateAction(options),
          createNestedClusterWaitAction(options),
          createNestedClusterDeleteAction(options),
        );
      },
    });
  },
});
