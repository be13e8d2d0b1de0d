import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { nestedClustersHostsServiceRef } from '@nested-clusters/plugin-nested-clusters-node';
import { NestedClusterCollatorFactory } from './NestedClusterCollatorFactory';

/**
 * Clusters come and go within minutes, so look often; a run that finds no
 * changed document costs nothing (see `indexWhenChanged`).
 */
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
        const factory = new NestedClusterCollatorFactory(hosts);
        indexRegistry.addCollator({
          schedule: indexWhenChanged(
            scheduler.createScheduledTaskRunner(schedule),
            factory,
          ),
          factory,
        });
      },
    });
  },
});

/**
 * Runs the index task only when a cluster's document changed. The search
 * engines rebuild a type's whole index on every run: the default Lunr engine
 * takes seconds of the backend's event loop at 5,000 clusters, so rebuilding
 * an unchanged fleet every 30 s stalled every request meanwhile.
 */
function indexWhenChanged(
  runner: SchedulerServiceTaskRunner,
  factory: NestedClusterCollatorFactory,
): SchedulerServiceTaskRunner {
  return {
    run: task =>
      runner.run({
        ...task,
        fn: async signal => {
          if (!factory.changed) {
            return;
          }
          try {
            await task.fn(signal);
          } catch (error) {
            // The engine kept the previous index.
            factory.changed = true;
            throw error;
          }
        },
      }),
  };
}
