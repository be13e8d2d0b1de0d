import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  nestedClusterCreatePermission,
  nestedClustersPermissions,
  parseDuration,
  parseNestedClusterResourceRef,
} from '@nested-clusters/plugin-nested-clusters-common';
import { registerNestedClusterActions } from './actions/createNestedClusterActions';
import {
  BUILT_IN_INSTALLERS,
  InstallerFactory,
  nestedClustersHostsServiceRef,
  nestedClustersInstallersExtensionPoint,
} from '@nested-clusters/plugin-nested-clusters-node';
import { ClusterAuthorizer } from './permissions/ClusterAuthorizer';
import {
  nestedClusterComponentPermissionResourceRef,
  nestedClusterComponentRules,
  nestedClusterPermissionResourceRef,
  nestedClusterRules,
} from '@nested-clusters/plugin-nested-clusters-node';
import { createRouter } from './router';
import { ClusterExpiry } from './services/ClusterExpiry';
import { ClusterOwnership } from './permissions/ClusterOwnership';
import { ClusterAccess } from './services/ClusterAccess';
import { NestedUserAccess } from './services/UserAccess';
import { ClusterCommands } from './services/ClusterCommands';
import { AddonStatusTracker } from './services/AddonStatusTracker';
import { ClusterQueries } from './services/ClusterQueries';
import { CreatePlanner } from './services/CreatePlanner';
import { ClusterSleeper } from './services/ClusterSleeper';
import { nestedClustersClockServiceRef } from './services/clock';
import { ClusterSignals } from './services/ClusterSignals';

/** The scheduler task that deletes expired clusters; tests trigger it by this id. */
export const EXPIRY_TASK_ID = 'nested-clusters:expire';
/** The scheduler task that applies sleep schedules; tests trigger it by this id. */
export const SLEEP_TASK_ID = 'nested-clusters:sleep';

/**
 * The nested-clusters backend plugin: nested-cluster lifecycle on registered
 * host clusters, its REST API, permissions, audit events and expiry.
 */
export const nestedClustersPlugin = createBackendPlugin({
  pluginId: 'nested-clusters',
  register(env) {
    const installers = new Map<string, InstallerFactory>();
    env.registerExtensionPoint(nestedClustersInstallersExtensionPoint, {
      addInstaller(type, factory) {
        if (BUILT_IN_INSTALLERS.has(type) || installers.has(type)) {
          throw new Error(`Installer type "${type}" is already registered`);
        }
        installers.set(type, factory);
      },
    });

    env.registerInit({
      deps: {
        hosts: nestedClustersHostsServiceRef,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        actionsRegistry: actionsRegistryServiceRef,
        clock: nestedClustersClockServiceRef,
        signals: signalsServiceRef,
      },
      async init({
        hosts,
        httpRouter,
        httpAuth,
        auditor,
        logger,
        lifecycle,
        permissions,
        permissionsRegistry,
        scheduler,
        catalog,
        userInfo,
        auth,
        actionsRegistry,
        clock,
        signals,
      }) {
        hosts.addInstallers(installers);
        const clusterSignals = new ClusterSignals(hosts, signals, logger);
        lifecycle.addShutdownHook(() => clusterSignals.stop());
        const addons = new AddonStatusTracker({
          hosts,
          logger,
          onChange: cluster => clusterSignals.clusterChanged(cluster),
        });
        lifecycle.addShutdownHook(() => addons.stop());
        const queries = new ClusterQueries(hosts, addons, clock);
        const userAccess = new NestedUserAccess(hosts);
        const commands = new ClusterCommands(hosts, logger, userAccess);

        permissionsRegistry.addResourceType({
          resourceRef: nestedClusterPermissionResourceRef,
          permissions: nestedClustersPermissions.filter(
            p => p.name !== nestedClusterCreatePermission.name,
          ),
          rules: Object.values(nestedClusterRules),
          getResources: async refs =>
            Promise.all(
              refs.map(async ref => {
                const parsed = parseNestedClusterResourceRef(ref);
                return parsed
                  ? hosts
                      .getCluster(parsed.host, parsed.name)
                      .catch(() => undefined)
                  : undefined;
              }),
            ),
        });
        // Creating is decided on the component; another plugin asking with a
        // component's entity ref as resourceRef gets it read from the catalog.
        permissionsRegistry.addResourceType({
          resourceRef: nestedClusterComponentPermissionResourceRef,
          permissions: [nestedClusterCreatePermission],
          rules: Object.values(nestedClusterComponentRules),
          getResources: async entityRefs => {
            const { items } = await catalog.getEntitiesByRefs(
              { entityRefs },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            return items.map(entity =>
              entity ? { component: entity } : undefined,
            );
          },
        });
        const authorizer = new ClusterAuthorizer(
          permissions,
          permissionsRegistry.getPermissionRuleset(
            nestedClusterPermissionResourceRef,
          ),
          permissionsRegistry.getPermissionRuleset(
            nestedClusterComponentPermissionResourceRef,
          ),
        );

        const access = new ClusterAccess({
          authorizer,
          auditor,
          queries,
          planner: new CreatePlanner(
            hosts,
            queries,
            catalog,
            new ClusterOwnership(userInfo),
          ),
          commands,
          userAccess,
          userInfo,
        });

        /** Runs on one replica at a time, every `frequency` of the config. */
        const scheduleGlobal = (
          id: string,
          frequency: string,
          run: () => Promise<unknown>,
        ) =>
          scheduler.scheduleTask({
            id,
            scope: 'global',
            frequency: { milliseconds: parseDuration(frequency)! },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 15 },
            fn: async () => {
              await run();
            },
          });
        const expiry = new ClusterExpiry(queries, commands, auditor, logger);
        await scheduleGlobal(
          EXPIRY_TASK_ID,
          hosts.config.expiry.frequency,
          () => expiry.run(),
        );
        const sleeper = new ClusterSleeper(hosts, commands, auditor, logger);
        await scheduleGlobal(SLEEP_TASK_ID, hosts.config.sleep.frequency, () =>
          sleeper.run(clock.now()),
        );

        registerNestedClusterActions({ actionsRegistry, auth, access });
        httpRouter.use(await createRouter({ httpAuth, access, queries }));
      },
    });
  },
});
