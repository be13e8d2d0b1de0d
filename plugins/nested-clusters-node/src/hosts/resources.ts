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
import { WatchedResource } from './ResourceWatcher';

interface JsonList {
  items?: unknown[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * A watched resource listed at its own path as plain JSON
 * (`HostClient.listJson`); `accept` asks for another representation, e.g.
 * metadata only.
 */
export function listedResource<T>(
  client: HostClient,
  resource: Omit<WatchedResource<T>, 'list'>,
  accept?: string,
): WatchedResource<T> {
  return {
    ...resource,
    list: async params => {
      const list = (await client.listJson(
        resource.path,
        params,
        accept,
      )) as JsonList;
      return {
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?.continue,
      };
    },
  };
}

/** Namespaces of nested clusters (label managed-by). */
export function namespaces(
  client: HostClient,
): WatchedResource<NamespaceRecord> {
  return listedResource(client, {
    name: 'namespaces',
    path: '/api/v1/namespaces',
    labelSelector: MANAGED_SELECTOR,
    reduce: reduceNamespace,
  });
}

/** vcluster control planes: StatefulSets labelled app=vcluster. */
export function statefulSets(
  client: HostClient,
): WatchedResource<StatefulSetRecord> {
  return listedResource(client, {
    name: 'statefulsets',
    path: '/apis/apps/v1/statefulsets',
    labelSelector: 'app=vcluster',
    reduce: reduceStatefulSet,
  });
}

/** vcluster control-plane pods, labelled app=vcluster. */
export function pods(client: HostClient): WatchedResource<PodRecord> {
  return listedResource(client, {
    name: 'pods',
    path: '/api/v1/pods',
    labelSelector: 'app=vcluster',
    reduce: reducePod,
  });
}

/**
 * Pods vcluster's syncer created on the host for pods inside nested clusters
 * (label vcluster.loft.sh/managed-by): only their requests are kept.
 */
export function syncedPods(
  client: HostClient,
): WatchedResource<SyncedPodRecord> {
  return listedResource(client, {
    name: 'synced pods',
    path: '/api/v1/pods',
    labelSelector: SYNCED_BY_LABEL,
    reduce: reduceSyncedPod,
  });
}

/** Installer objects of a custom resource type, labelled managed-by. */
export function customResources<T>(
  client: HostClient,
  group: string,
  version: string,
  plural: string,
  reduce: (object: unknown) => T | undefined,
): WatchedResource<T> {
  return listedResource(client, {
    name: `${plural}.${group}`,
    path: `/apis/${group}/${version}/${plural}`,
    labelSelector: MANAGED_SELECTOR,
    reduce,
  });
}
