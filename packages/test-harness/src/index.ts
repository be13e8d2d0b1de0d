/**
 * The test harness of the Nested Clusters backend packages: a real test
 * backend with the nested-clusters plugin on simulated hosts, the example
 * organisation and policy, and admin clients to check what is on a host.
 *
 * @packageDocumentation
 */
export * from './harness';
export * from './portalBackend';
export { authKeepingActor, userInfoFromOrg } from './services';
