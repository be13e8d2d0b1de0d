/**
 * The test harness of the Nested Clusters backend packages: `startBackend`
 * runs the real backend with the nested-clusters plugin on simulated (or
 * real) hosts, the example organisation and policy; around it, simulators,
 * a REST client over real HTTP, admin clients to check what is on a host, a
 * capturing logger and an audit log.
 *
 * @packageDocumentation
 */
export * from './audit';
export * from './backend';
export * from './eventually';
export * from './hosts';
export * from './logging';
export * from './org';
export * from './restApi';
export * from './services';
