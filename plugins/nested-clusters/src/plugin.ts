import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { createSearchResultListItemExtension } from '@backstage/plugin-search-react';
import { nestedClustersApiRef } from './api';
import { createNestedClustersClient } from './apiFactory';
import {
  NESTED_CLUSTER_PROFILE_PICKER,
  NestedClusterProfilePicker,
} from './components/NestedClusterProfilePicker';
import { createFromTemplateRouteRef, rootRouteRef } from './routes';

/**
 * The Nested Clusters plugin for the legacy frontend system.
 *
 * @public
 */
export const nestedClustersPlugin = createPlugin({
  id: 'nested-clusters',
  apis: [
    createApiFactory({
      api: nestedClustersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: createNestedClustersClient,
    }),
  ],
  routes: { root: rootRouteRef },
  externalRoutes: { createFromTemplate: createFromTemplateRouteRef },
});

/**
 * The nested clusters of the current component; place it on component pages.
 * Prop `templateRef`: the template of its "New cluster" action.
 *
 * @public
 */
export const EntityNestedClustersCard = nestedClustersPlugin.provide(
  createComponentExtension({
    name: 'EntityNestedClustersCard',
    component: {
      lazy: () =>
        import('./components/EntityNestedClustersCard').then(
          m => m.EntityNestedClustersCard,
        ),
    },
  }),
);

/**
 * The overview of one nested cluster; place it on the page of Resource
 * entities for which `isNestedClusterEntity` holds.
 *
 * @public
 */
export const EntityNestedClusterOverviewCard = nestedClustersPlugin.provide(
  createComponentExtension({
    name: 'EntityNestedClusterOverviewCard',
    component: {
      lazy: () =>
        import('./components/EntityNestedClusterOverviewCard').then(
          m => m.EntityNestedClusterOverviewCard,
        ),
    },
  }),
);

/**
 * The signed-in user's clusters across hosts, and the hosts' health.
 * Prop `templateRef`: the template of its "New cluster" action.
 *
 * @public
 */
export const NestedClustersPage = nestedClustersPlugin.provide(
  createRoutableExtension({
    name: 'NestedClustersPage',
    component: () =>
      import('./components/NestedClustersPage').then(m => m.NestedClustersPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Scaffolder field `ui:field: NestedClusterProfilePicker`; place it inside
 * `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const NestedClusterProfilePickerFieldExtension =
  nestedClustersPlugin.provide(
    createScaffolderFieldExtension({
      name: NESTED_CLUSTER_PROFILE_PICKER,
      component: NestedClusterProfilePicker,
    }),
  );

/**
 * Search result item for `nested-cluster` documents; place it in the search
 * page's `<SearchResult>`.
 *
 * @public
 */
export const NestedClusterSearchResultListItem = nestedClustersPlugin.provide(
  createSearchResultListItemExtension({
    name: 'NestedClusterSearchResultListItem',
    component: () =>
      import('./components/NestedClusterSearchResultListItem').then(
        m => m.NestedClusterSearchResultListItem,
      ),
    predicate: result => result.type === 'nested-cluster',
  }),
);
