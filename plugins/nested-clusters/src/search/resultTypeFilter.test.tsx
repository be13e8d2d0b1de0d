import { createExtensionTester } from '@backstage/frontend-test-utils';
import { SearchFilterResultTypeBlueprint } from '@backstage/plugin-search-react/alpha';
import plugin from '../alpha';
import { nestedClusterResultTypeFilter } from './resultTypeFilter';

describe('nestedClusterResultTypeFilter', () => {
  it("offers the collator's document type on the search page", () => {
    const tester = createExtensionTester(nestedClusterResultTypeFilter);
    expect(
      tester.get(SearchFilterResultTypeBlueprint.dataRefs.resultType),
    ).toMatchObject({ value: 'nested-cluster', name: 'Nested clusters' });
  });

  it('is part of the plugin', () => {
    expect(
      plugin.getExtension(
        'search-filter-result-type:nested-clusters/nested-cluster' as never,
      ),
    ).toBeDefined();
  });
});
