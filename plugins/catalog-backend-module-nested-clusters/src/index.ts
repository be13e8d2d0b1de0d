/**
 * Catalog module of Nested Clusters: one `Resource` entity of type
 * `nested-cluster` per nested cluster, kept up to date from the hosts' watch
 * cache.
 *
 * @packageDocumentation
 */
export { nestedClustersCatalogModule as default } from './module';
export {
  NESTED_CLUSTER_RESOURCE_TYPE,
  NESTED_CLUSTER_ENTITY_ANNOTATIONS,
} from '@nested-clusters/plugin-nested-clusters-common';
