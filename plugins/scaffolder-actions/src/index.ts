/**
 * Scaffolder actions that create, wait for and delete nested clusters through
 * the nested-clusters backend, on behalf of the template's initiator.
 *
 * @packageDocumentation
 */
export { scaffolderModuleNestedClusters as default } from './module';
export * from './actions';
