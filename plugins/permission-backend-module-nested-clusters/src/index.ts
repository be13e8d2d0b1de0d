/**
 * The example permission policy of Nested Clusters, as a permission backend
 * module: anyone signed in can create and read nested clusters, only owners
 * can update, delete and download kubeconfigs, and every other permission is
 * allowed.
 *
 * @packageDocumentation
 */
export {
  NestedClustersExamplePolicy,
  nestedClustersExamplePolicyModule as default,
} from './examplePolicy';
