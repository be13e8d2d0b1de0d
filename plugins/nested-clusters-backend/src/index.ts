/**
 * Nested Clusters backend: vcluster lifecycle on registered host clusters,
 * REST API, permissions, audit, expiry and MCP actions.
 *
 * @packageDocumentation
 */
export {
  nestedClustersPlugin as default,
  EXPIRY_TASK_ID,
  SLEEP_TASK_ID,
} from './plugin';
export { nestedClustersClockServiceRef, type Clock } from './services/clock';
