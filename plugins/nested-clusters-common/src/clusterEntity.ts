/** The `spec.type` of the catalog Resource entities of nested clusters. */
export const NESTED_CLUSTER_RESOURCE_TYPE = 'nested-cluster';

/**
 * Annotations of a nested cluster's Resource entity. Host and name identify
 * the cluster in the REST API, so the entity page needs no name mapping.
 */
export const NESTED_CLUSTER_ENTITY_ANNOTATIONS = {
  host: 'nested-clusters.backstage.io/host',
  name: 'nested-clusters.backstage.io/name',
  status: 'nested-clusters.backstage.io/status',
} as const;
