/**
 * Node library of the Nested Clusters plugins: the root-scoped hosts service
 * (one watch cache per host cluster) that the backend plugin and the catalog,
 * search and Kubernetes modules share, its configuration, the installers and
 * the permission rules.
 *
 * @packageDocumentation
 */
export {
  readNestedClustersConfig,
  type HostAuthConfig,
  type ExposureConfig,
  type HostConfig,
  type NestedClustersConfig,
  type ProfileConfig,
  type ProfileAccessConfig,
  ACCESS_CLUSTER_ROLES,
  MAX_TOKEN_EXPIRATION,
  MIN_TOKEN_EXPIRATION,
  tokenExpirationProblem,
  type ReadConfigOptions,
} from './config';
export {
  addonsAnnotation,
  addonSummary,
  chartRelease,
  isChartAddon,
  type AddonConfig,
  type ChartAddonConfig,
  type ManifestsAddonConfig,
} from './addons';
export {
  nestedClustersHostsServiceRef,
  DefaultNestedClustersHostsService,
  compareClusters,
  type NestedClustersHostsService,
  type HostsServiceOptions,
  type NestedClusterEvent,
  type ClusterQuery,
  type Host,
} from './hosts/HostsService';
export type { HostHealth } from './hosts/HostCache';
export {
  HostClient,
  describeHostError,
  type ObjectRef,
} from './hosts/HostClient';
export type { Backoff, WatchedResource } from './hosts/ResourceWatcher';
export {
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  PAUSED_ANNOTATION,
  PAUSED_DATE_ANNOTATION,
  PAUSED_REPLICAS_ANNOTATION,
  timestamp,
  reduceNamespace,
  reducePod,
  reduceStatefulSet,
  type InstallerRecord,
  type NamespaceRecord,
  type PodRecord,
  type StatefulSetRecord,
} from './hosts/records';
export { PROVISIONING_STEPS, deriveStatus } from './hosts/status';
export { describeCluster } from './hosts/describeCluster';
export { rewriteKubeconfig } from './hosts/kubeconfig';
export { exposureServer, exposureValues } from './hosts/exposure';
export {
  adminKubeConfig,
  createOrKeep,
  deleteIfPresent,
} from './hosts/nestedAdmin';
export {
  BUILT_IN_INSTALLERS,
  createInstaller,
  nestedClustersInstallersExtensionPoint,
  type InstallerFactory,
  type NestedClustersInstallersExtensionPoint,
  type Installer,
  type InstallRequest,
  type ObjectPatch,
} from './installers';
export {
  nestedClusterPermissionResourceRef,
  nestedClusterRules,
  nestedClusterConditions,
  createNestedClusterConditionalDecision,
  type IsOwnerParams,
  type HasComponentParams,
  type NestedClusterPredicate,
} from './permissions/rules';
export {
  componentOwner,
  nestedClusterComponentPermissionResourceRef,
  nestedClusterComponentRules,
  nestedClusterComponentConditions,
  createNestedClusterComponentConditionalDecision,
  type IsComponentOwnerParams,
  type NestedClusterCreateTarget,
  type NestedClusterCreateTargetPredicate,
} from './permissions/componentRules';
export { clusterEntityName, shortRef } from './clusterRefs';
export {
  awakeHoursPerWeek,
  cronProblem,
  hasPlatformSleep,
  lastSleepEvent,
  nextSleepEvent,
  parseSleepAnnotation,
  PLATFORM_SLEEP_PREFIX,
  sleepAnnotation,
  sleepScheduleSchema,
  type SleepAction,
  type SleepEvent,
  type SleepSchedule,
} from './sleep';
export {
  addResources,
  hoursInWindow,
  NO_RESOURCES,
  parseQuantity,
  parseResourcesAnnotation,
  profileRequests,
  recordPause,
  USAGE_WINDOW_MS,
  type PauseInterval,
  type Resources,
} from './usage';
