/**
 * Test helpers for backends that run the nested-clusters plugin, such as the
 * scaffolder actions' end-to-end tests.
 *
 * @packageDocumentation
 */
export { authKeepingActor, userInfoFromOrg } from './services';
