/**
 * Types, permissions, name rules and the API client shared by the Nested Clusters plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export type { components, operations, paths } from './generated/openapi';
export * from './names';
export * from './clusterEntity';
export * from './entityRefs';
export * from './permissions';
export * from './client';
export * from './signals';
export * from './resources';
