/**
 * Kubernetes module of Nested Clusters: Running nested clusters in the
 * Kubernetes plugin's clusters, so their workloads show in the Kubernetes tab.
 *
 * @packageDocumentation
 */
export { nestedClustersKubernetesModule as default } from './module';
