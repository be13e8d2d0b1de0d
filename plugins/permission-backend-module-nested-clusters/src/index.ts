/**
 * The example permission policy of Nested Clusters, as a permission backend
 * module: anyone signed in can read nested clusters and create clusters
 * without a component, only a component's owners can create clusters for it,
 * only owners can update, delete and download kubeconfigs, and every other
 * permission is allowed.
 *
 * @packageDocumentation
 */
export {
  NestedClustersExamplePolicy,
  nestedClustersExamplePolicyModule as default,
} from './examplePolicy';
