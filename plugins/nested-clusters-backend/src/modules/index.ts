export { nestedClustersSearchModule } from './search/module';
export { nestedClustersCatalogModule } from './catalog/module';
export { nestedClustersKubernetesModule } from './kubernetes/module';
export {
  NESTED_CLUSTER_DOCUMENT_TYPE,
  type NestedClusterDocument,
} from './search/NestedClusterCollatorFactory';
export {
  NESTED_CLUSTER_RESOURCE_TYPE,
  ENTITY_ANNOTATIONS as NESTED_CLUSTER_ENTITY_ANNOTATIONS,
} from './catalog/NestedClusterEntityProvider';
