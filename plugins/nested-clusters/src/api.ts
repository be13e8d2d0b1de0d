import { createApiRef } from '@backstage/frontend-plugin-api';
import { NestedClustersApi } from '@nested-clusters/plugin-nested-clusters-common';

/**
 * The nested-clusters REST API. One ref serves both frontend systems; its
 * default implementation is the common package's `NestedClustersClient`.
 *
 * @public
 */
export const nestedClustersApiRef = createApiRef<NestedClustersApi>().with({
  id: 'plugin.nested-clusters.service',
  pluginId: 'nested-clusters',
});
