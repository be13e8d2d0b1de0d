export { createNestedClusterCreateAction } from './create';
export { createNestedClusterWaitAction } from './wait';
export { createNestedClusterDeleteAction } from './delete';
export type { NestedClusterActionsOptions } from './api';
