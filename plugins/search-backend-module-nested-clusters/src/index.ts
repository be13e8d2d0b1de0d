/**
 * Search module of Nested Clusters: indexes nested clusters as
 * `nested-cluster` documents, authorized per document.
 *
 * @packageDocumentation
 */
export { nestedClustersSearchModule as default } from './module';
export {
  NESTED_CLUSTER_DOCUMENT_TYPE,
  type NestedClusterDocument,
} from './NestedClusterCollatorFactory';
