import { HostClient } from './HostClient';
import {
  MANAGED_SELECTOR,
  NamespaceRecord,
  PodRecord,
  reduceNamespace,
  reducePod,
  reduceStatefulSet,
  reduceSyncedPod,
  StatefulSetRecord,
  SYNCED_BY_LABEL,
  SyncedPodRecord,
} from './records';
import { ListPage, WatchedResource } from './ResourceWatcher';

/** Typed lists carry the continue token as `_continue`, raw ones as `continue`. */
interface AnyList {
  items: unknown[];
  metadata?: {
    resourceVersion?: string;
    _continue?: string;
    continue?: string;
  };
}

export function page(list: AnyList): ListPage {
  return {
    items: list.items,
    resourceVersion: list.metadata?.resourceVersion ?? '',
    continueToken: list.metadata?._continue ?? list.metadata?.continue,
  };
}

/** Namespaces of nested clusters (label managed-by). */
export function namespaces(
  client: HostClient,
): WatchedResource<NamespaceRecord> {
  return {
    name: 'namespaces',
    path: '/api/v1/namespaces',
    labelSelector: MANAGED_SELECTOR,
    list: async ({ labelSelector, limit, continueToken }) =>
      page(
        await client.core.listNamespace({
          labelSelector,
          limit,
          _continue: continueToken,
        }),
      ),
    reduce: reduceNamespace,
  };
}

/** vcluster control planes: StatefulSets labelled app=vcluster. */
export function statefulSets(
  client: HostClient,
): WatchedResource<StatefulSetRecord> {
  return {
    name: 'statefulsets',
    path: '/apis/apps/v1/statefulsets',
    labelSelector: 'app=vcluster',
    list: async ({ labelSelector, limit, continueToken }) =>
      page(
        await client.apps.listStatefulSetForAllNamespaces({
          labelSelector,
          limit,
          _continue: continueToken,
        }),
      ),
    reduce: reduceStatefulSet,
  };
}

/** vcluster control-plane pods, labelled app=vcluster. */
export function pods(client: HostClient): WatchedResource<PodRecord> {
  return {
    name: 'pods',
    path: '/api/v1/pods',
    labelSelector: 'app=vcluster',
    list: async ({ labelSelector, limit, continueToken }) =>
      page(
        await client.core.listPodForAllNamespaces({
          labelSelector,
          limit,
          _continue: continueToken,
        }),
      ),
    reduce: reducePod,
  };
}

/**
 * Pods vcluster's syncer created on the host for pods inside nested clusters
 * (label vcluster.loft.sh/managed-by): only their requests are kept.
 */
export function syncedPods(
  client: HostClient,
): WatchedResource<SyncedPodRecord> {
  return {
    name: 'synced pods',
    path: '/api/v1/pods',
    labelSelector: SYNCED_BY_LABEL,
    list: async ({ labelSelector, limit, continueToken }) =>
      page(
        await client.core.listPodForAllNamespaces({
          labelSelector,
          limit,
          _continue: continueToken,
        }),
      ),
    reduce: reduceSyncedPod,
  };
}

/** Installer objects of a custom resource type, labelled managed-by. */
export function customResources<T>(
  client: HostClient,
  group: string,
  version: string,
  plural: string,
  reduce: (object: unknown) => T | undefined,
): WatchedResource<T> {
  return {
    name: `${plural}.${group}`,
    path: `/apis/${group}/${version}/${plural}`,
    labelSelector: MANAGED_SELECTOR,
    list: async ({ labelSelector, limit, continueToken }) =>
      page(
        (await client.custom.listClusterCustomObject({
          group,
          version,
          plural,
          labelSelector,
          limit,
          _continue: continueToken,
        })) as AnyList,
      ),
    reduce,
  };
}
