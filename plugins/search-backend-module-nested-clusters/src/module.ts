import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { nestedClustersHostsServiceRef } from '@nested-clusters/plugin-nested-clusters-node';
import { NestedClusterCollatorFactory } from './NestedClusterCollatorFactory';

/** Clusters come and go within minutes, so re-index often; it reads only the cache. */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 5 },
};

/**
 * Search module: indexes nested clusters as `nested-cluster` documents.
 * Schedule: `search.collators.nestedClusters.schedule`.
 */
export const nestedClustersSearchModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'nested-clusters-collator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
        hosts: nestedClustersHostsServiceRef,
      },
      async init({ config, scheduler, indexRegistry, hosts }) {
        const key = 'search.collators.nestedClusters.schedule';
        const schedule = config.has(key)
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig(key),
            )
          : DEFAULT_SCHEDULE;
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: new NestedClusterCollatorFactory(hosts),
        });
      },
    });
  },
});
