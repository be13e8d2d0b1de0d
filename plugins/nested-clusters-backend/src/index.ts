/**
 * Nested Clusters backend: vcluster lifecycle on registered host clusters,
 * REST API, permissions, audit and expiry.
 *
 * @packageDocumentation
 */
export { nestedClustersPlugin as default, EXPIRY_TASK_ID } from './plugin';
export {
  nestedClustersHostsServiceRef,
  type NestedClustersHostsService,
  type NestedClusterEvent,
  type ClusterQuery,
  type Host,
} from './hosts/HostsService';
export type { HostHealth } from './hosts/HostCache';
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
  NestedClustersExamplePolicy,
  nestedClustersExamplePolicyModule,
} from './policy/examplePolicy';
export type { Installer, InstallRequest } from './installers';
export {
  nestedClustersSearchModule,
  nestedClustersCatalogModule,
  nestedClustersKubernetesModule,
  NESTED_CLUSTER_DOCUMENT_TYPE,
  type NestedClusterDocument,
  NESTED_CLUSTER_RESOURCE_TYPE,
  NESTED_CLUSTER_ENTITY_ANNOTATIONS,
} from './modules';
