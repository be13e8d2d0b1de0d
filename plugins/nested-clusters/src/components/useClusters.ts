import { useApi } from '@backstage/core-plugin-api';
import {
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { nestedClustersApiRef } from '../api';
import { isTransitional, REFRESH_INTERVAL_MS } from './clusterUtils';

export interface LoadState<T> {
  /** The last value loaded; kept while a refresh is in flight so views don't flicker. */
  value?: T;
  loading: boolean;
  error?: Error;
  refresh(): void;
}

export type ClustersState = LoadState<ListClustersResponse>;

/**
 * Loads with `load` and reloads every {@link REFRESH_INTERVAL_MS} while
 * `inTransition` says the value is still changing; polling stops once it is
 * settled.
 */
function usePolled<T>(
  load: () => Promise<T>,
  deps: unknown[],
  inTransition: (value: T) => boolean,
): LoadState<T> {
  // The callers list load's inputs in deps.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsyncRetry(load, deps);
  const { value, loading, retry } = state;
  const polling = value !== undefined && inTransition(value);

  useEffect(() => {
    if (!polling || loading) {
      return undefined;
    }
    const timer = setTimeout(retry, REFRESH_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [polling, loading, value, retry]);

  return { value, loading, error: state.error, refresh: retry };
}

/** Lists clusters, polling while any of them is in transition. */
export function useClusters(query: ListClustersQuery): ClustersState {
  const api = useApi(nestedClustersApiRef);
  const { entityRef, owner, host } = query;
  return usePolled(
    () => api.listClusters({ entityRef, owner, host }),
    [api, entityRef, owner, host],
    list => list.items.some(isTransitional),
  );
}

/** One cluster, polling while it is in transition. */
export function useCluster(
  host: string,
  name: string,
): LoadState<NestedCluster> {
  const api = useApi(nestedClustersApiRef);
  return usePolled(
    () => api.getCluster(host, name),
    [api, host, name],
    isTransitional,
  );
}
