import { SearchFilterResultTypeBlueprint } from '@backstage/plugin-search-react/alpha';
import LayersIcon from '@material-ui/icons/Layers';

/** The "Nested clusters" entry of the search page's result-type filter. */
export const nestedClusterResultTypeFilter =
  SearchFilterResultTypeBlueprint.make({
    name: 'nested-cluster',
    params: {
      value: 'nested-cluster',
      name: 'Nested clusters',
      icon: <LayersIcon />,
    },
  });
