export { createNestedClusterCreateAction } from './create';
export { createNestedClusterWaitAction } from './wait';
export { createNestedClusterDeleteAction } from './delete';
export type { NestedClusterActionsOptions } from './api';
export {
  createRegisterLocalAction,
  type RegisterLocalActionOptions,
} from './registerLocal';
