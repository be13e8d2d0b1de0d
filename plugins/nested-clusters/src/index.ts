/**
 * Nested Clusters frontend: component-page card, clusters page, search result
 * item and scaffolder field. The new frontend system entry is `./alpha`.
 *
 * @packageDocumentation
 */
export {
  nestedClustersPlugin,
  EntityNestedClustersCard,
  NestedClustersPage,
  NestedClusterProfilePickerFieldExtension,
  NestedClusterSearchResultListItem,
} from './plugin';
export { nestedClustersApiRef } from './api';
export { NESTED_CLUSTER_PROFILE_PICKER } from './components/NestedClusterProfilePicker';
export type {
  NestedClusterSearchDocument,
  NestedClusterSearchResultListItemProps,
} from './components/NestedClusterSearchResultListItem';
