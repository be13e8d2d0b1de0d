/**
 * Nested Clusters frontend: component-page card, a nested cluster's overview
 * card, clusters page, search result item and scaffolder field. The new
 * frontend system entry is `./alpha`.
 *
 * @packageDocumentation
 */
export {
  nestedClustersPlugin,
  EntityNestedClustersCard,
  EntityNestedClusterOverviewCard,
  NestedClustersPage,
  NestedClusterProfilePickerFieldExtension,
  NestedClusterSearchResultListItem,
} from './plugin';
export { nestedClustersApiRef } from './api';
export { isNestedClusterEntity } from './entityFilters';
export type { EntityNestedClustersCardProps } from './components/EntityNestedClustersCard';
export type { NestedClustersPageProps } from './components/NestedClustersPage';
export { DEFAULT_TEMPLATE_REF } from './routes';
export { NESTED_CLUSTER_PROFILE_PICKER } from './components/NestedClusterProfilePicker';
export type {
  NestedClusterSearchDocument,
  NestedClusterSearchResultListItemProps,
} from './components/NestedClusterSearchResultListItem';
