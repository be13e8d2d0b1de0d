import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import LayersIcon from '@material-ui/icons/Layers';
import { nestedClustersApiRef } from './api';
import { createNestedClustersClient } from './apiFactory';
import { NESTED_CLUSTER_PROFILE_PICKER } from './components/NestedClusterProfilePicker';
import { rootRouteRef } from './routes';
import { nestedClusterResultTypeFilter } from './search/resultTypeFilter';

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: nestedClustersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: createNestedClustersClient,
    }),
});

/** On every component page, in the wide content column: the table needs the room. */
const entityCard = EntityCardBlueprint.make({
  params: {
    filter: { kind: 'component' },
    type: 'content',
    loader: () =>
      import('./components/EntityNestedClustersCard').then(m =>
        compatWrapper(<m.EntityNestedClustersCard />),
      ),
  },
});

const page = PageBlueprint.make({
  params: {
    path: '/nested-clusters',
    title: 'Nested clusters',
    icon: <LayersIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/NestedClustersPage').then(m =>
        compatWrapper(<m.NestedClustersPageContent />),
      ),
  },
});

const profilePicker = FormFieldBlueprint.make({
  name: 'nested-cluster-profile-picker',
  params: {
    field: () =>
      import('./components/NestedClusterProfilePicker').then(m =>
        createFormField({
          name: NESTED_CLUSTER_PROFILE_PICKER,
          component: m.NestedClusterProfilePicker,
        }),
      ),
  },
});

const searchResultItem = SearchResultListItemBlueprint.make({
  name: 'nested-cluster',
  params: {
    predicate: result => result.type === 'nested-cluster',
    component: () =>
      import('./components/NestedClusterSearchResultListItem').then(
        m => m.NestedClusterSearchResultListItem,
      ),
  },
});

/**
 * The Nested Clusters plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'nested-clusters',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    api,
    entityCard,
    page,
    profilePicker,
    searchResultItem,
    nestedClusterResultTypeFilter,
  ],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
