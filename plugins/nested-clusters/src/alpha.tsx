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
import { NESTED_CLUSTER_RESOURCE_TYPE } from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod/v4';
import { nestedClustersApiRef } from './api';
import { createNestedClustersClient } from './apiFactory';
import { NESTED_CLUSTER_PROFILE_PICKER } from './components/NestedClusterProfilePicker';
import {
  createFromTemplateRouteRef,
  DEFAULT_TEMPLATE_REF,
  rootRouteRef,
} from './routes';
import { nestedClusterResultTypeFilter } from './search/resultTypeFilter';

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: nestedClustersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: createNestedClustersClient,
    }),
});

/** Config of the views with a "New cluster" action: the template it opens. */
const templateConfig = {
  templateRef: z.string().default(DEFAULT_TEMPLATE_REF),
};

/** On every component page, in the wide content column: the table needs the room. */
const entityCard = EntityCardBlueprint.makeWithOverrides({
  configSchema: templateConfig,
  factory(originalFactory, { config }) {
    return originalFactory({
      filter: { kind: 'component' },
      type: 'content',
      loader: () =>
        import('./components/EntityNestedClustersCard').then(m =>
          compatWrapper(
            <m.EntityNestedClustersCard templateRef={config.templateRef} />,
          ),
        ),
    });
  },
});

/** On the page of a nested cluster's Resource entity (from the catalog module). */
const overviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: { kind: 'resource', 'spec.type': NESTED_CLUSTER_RESOURCE_TYPE },
    type: 'content',
    loader: () =>
      import('./components/EntityNestedClusterOverviewCard').then(m =>
        compatWrapper(<m.EntityNestedClusterOverviewCard />),
      ),
  },
});

const page = PageBlueprint.makeWithOverrides({
  configSchema: templateConfig,
  factory(originalFactory, { config }) {
    return originalFactory({
      path: '/nested-clusters',
      title: 'Nested clusters',
      icon: <LayersIcon />,
      routeRef: convertLegacyRouteRef(rootRouteRef),
      loader: () =>
        import('./components/NestedClustersPage').then(m =>
          compatWrapper(
            <m.NestedClustersPageContent templateRef={config.templateRef} />,
          ),
        ),
    });
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
    overviewCard,
    page,
    profilePicker,
    searchResultItem,
    nestedClusterResultTypeFilter,
  ],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  externalRoutes: {
    createFromTemplate: convertLegacyRouteRef(createFromTemplateRouteRef),
  },
});
