import { useApi } from '@backstage/core-plugin-api';
import {
  ComponentClustersSignal,
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
  nestedClustersComponentChannel,
  NESTED_CLUSTERS_USER_CHANNEL,
  UserClustersSignal,
} from '@nested-clusters/plugin-nested-clusters-common';
import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';
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

/** Which signals tell that the value changed. */
interface Live<T> {
  /** The component whose channel announces its clusters' changes. */
  component?: (value: T | undefined) => string | undefined;
  /** Reload on a user-channel message only when it names this cluster. */
  cluster?: { host: string; name: string };
}

/**
 * Loads with `load` and reloads when the backend signals a change (the
 * component's channel, and the user's channel for the user's own clusters).
 * Only when the app has no signals does it poll instead: every
 * {@link REFRESH_INTERVAL_MS} while `inTransition` says the value is still
 * changing.
 */
function useLive<T>(
  load: () => Promise<T>,
  deps: unknown[],
  inTransition: (value: T) => boolean,
  live: Live<T>,
): LoadState<T> {
  // The callers list load's inputs in deps.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsyncRetry(load, deps);
  const { value, loading, retry } = state;
  const component = live.component?.(value);
  const byComponent = useSignal<ComponentClustersSignal>(
    component
      ? nestedClustersComponentChannel(component)
      : NESTED_CLUSTERS_USER_CHANNEL,
  );
  const byUser = useSignal<UserClustersSignal>(NESTED_CLUSTERS_USER_CHANNEL);
  const polling =
    !byUser.isSignalsAvailable && value !== undefined && inTransition(value);

  // react-use ignores a retry while a load is in flight, so a change
  // signalled meanwhile is remembered and loaded once that load ends.
  const missed = useRef(false);
  const reload = () => {
    if (loading) {
      missed.current = true;
    } else {
      retry();
    }
  };
  useEffect(() => {
    if (!loading && missed.current) {
      missed.current = false;
      retry();
    }
  }, [loading, retry]);

  useEffect(() => {
    if (byComponent.lastSignal) {
      reload();
    }
    // Only a new message reloads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [byComponent.lastSignal]);

  useEffect(() => {
    const signal = byUser.lastSignal;
    const wanted = live.cluster;
    if (
      signal &&
      (!wanted ||
        signal.clusters.some(
          c => c.host === wanted.host && c.name === wanted.name,
        ))
    ) {
      reload();
    }
    // Only a new message reloads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [byUser.lastSignal]);

  useEffect(() => {
    if (!polling || loading) {
      return undefined;
    }
    const timer = setTimeout(retry, REFRESH_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [polling, loading, value, retry]);

  return { value, loading, error: state.error, refresh: retry };
}

/**
 * Lists clusters (one page of them with `limit`), live through signals (else
 * polling while any is in transition).
 */
export function useClusters(query: ListClustersQuery): ClustersState {
  const api = useApi(nestedClustersApiRef);
  const { entityRef } = query;
  // The query's values, not its identity: callers build a new object per render.
  const key = JSON.stringify(query);
  return useLive(
    () => api.listClusters(query),
    [api, key],
    list => list.items.some(isTransitional),
    { component: () => entityRef },
  );
}

/** One cluster, live through signals (else polling while in transition). */
export function useCluster(
  host: string,
  name: string,
): LoadState<NestedCluster> {
  const api = useApi(nestedClustersApiRef);
  return useLive(
    () => api.getCluster(host, name),
    [api, host, name],
    isTransitional,
    { cluster: { host, name }, component: cluster => cluster?.component },
  );
}
