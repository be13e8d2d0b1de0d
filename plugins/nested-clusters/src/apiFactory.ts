import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';

/** Shared by the legacy plugin's API factory and the ApiBlueprint. */
export function createNestedClustersClient(deps: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}) {
  return new NestedClustersClient(deps);
}
