/**
 * The example permission policy: anyone signed in can create and read nested
 * clusters; only their owners can update, delete and download kubeconfigs;
 * every other permission is allowed (see the nested-clusters-backend README).
 */
export { nestedClustersExamplePolicyModule as default } from '@nested-clusters/plugin-nested-clusters-backend';
