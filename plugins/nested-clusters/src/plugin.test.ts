import {
  EntityNestedClustersCard,
  NestedClusterProfilePickerFieldExtension,
  NestedClusterSearchResultListItem,
  NestedClustersPage,
  nestedClustersApiRef,
  nestedClustersPlugin,
} from './index';

describe('nested-clusters plugin (legacy frontend system)', () => {
  it('registers its API and exports its extensions', () => {
    expect(nestedClustersPlugin.getId()).toBe('nested-clusters');
    expect(
      [...nestedClustersPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual([nestedClustersApiRef.id]);
    for (const extension of [
      EntityNestedClustersCard,
      NestedClustersPage,
      NestedClusterProfilePickerFieldExtension,
      NestedClusterSearchResultListItem,
    ]) {
      expect(extension).toBeInstanceOf(Function);
    }
  });
});
