import { useApi } from '@backstage/core-plugin-api';
import {
  ListClustersQuery,
  ListClustersResponse,
} from '@nested-clusters/plugin-nested-clusters-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { nestedClustersApiRef } from '../api';
import { isTransitional, REFRESH_INTERVAL_MS } from './clusterUtils';

export interface ClustersState {
  /** The last list loaded; kept while a refresh is in flight so views don't flicker. */
  value?: ListClustersResponse;
  loading: boolean;
  error?: Error;
  refresh(): void;
}

/**
 * Lists clusters and reloads every {@link REFRESH_INTERVAL_MS} while any of
 * them is in transition; polling stops once all are settled.
 */
export function useClusters(query: ListClustersQuery): ClustersState {
  const api = useApi(nestedClustersApiRef);
  const { entityRef, owner, host } = query;
  const state = useAsyncRetry(
    () => api.listClusters({ entityRef, owner, host }),
    [api, entityRef, owner, host],
  );
  const { value, loading, retry } = state;
  const inTransition = !!value?.items.some(isTransitional);

  useEffect(() => {
    if (!inTransition || loading) {
      return undefined;
    }
    const timer = setTimeout(retry, REFRESH_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [inTransition, loading, value, retry]);

  return { value, loading, error: state.error, refresh: retry };
}
