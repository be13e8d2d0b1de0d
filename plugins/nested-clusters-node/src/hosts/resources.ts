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
export interface AnyList {
  items: unknown[];
  metadata?: {
    resourceVersion?: string;
    _continue?: string;
    continue?: string;
  };
}

function page(list: AnyList): ListPage {
  return {
    items: list.items,
    resourceVersion: list.metadata?.resourceVersion ?? '',
    continueToken: list.metadata?._continue ?? list.metadata?.continue,
  };
}

/** The parameters every typed client-node list call takes. */
export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit: number;
  _continue?: string;
}

/** A watched resource listed through one typed client-node call. */
export function listedResource<T>(
  resource: Omit<WatchedResource<T>, 'list'>,
  listCall: (params: ListParams) => Promise<AnyList>,
): WatchedResource<T> {
  return {
    ...resource,
    list: async ({ labelSelector, fieldSelector, limit, continueToken }) =>
      page(
        await listCall({
          // An empty selector selects everything; client-node would send `labelSelector=`.
          labelSelector: labelSelector || undefined,
          fieldSelector,
          limit,
          _continue: continueToken,
        }),
      ),
  };
}

/** Namespaces of nested clusters (label managed-by). */
export function namespaces(
  client: HostClient,
): WatchedResource<NamespaceRecord> {
  return listedResource(
    {
      name: 'namespaces',
      path: '/api/v1/namespaces',
      labelSelector: MANAGED_SELECTOR,
      reduce: reduceNamespace,
    },
    params => client.core.listNamespace(params),
  );
}

/** vcluster control planes: StatefulSets labelled app=vcluster. */
export function statefulSets(
  client: HostClient,
): WatchedResource<StatefulSetRecord> {
  return listedResource(
    {
      name: 'statefulsets',
      path: '/apis/apps/v1/statefulsets',
      labelSelector: 'app=vcluster',
      reduce: reduceStatefulSet,
    },
    params => client.apps.listStatefulSetForAllNamespaces(params),
  );
}

/** vcluster control-plane pods, labelled app=vcluster. */
export function pods(client: HostClient): WatchedResource<PodRecord> {
  return listedResource(
    {
      name: 'pods',
      path: '/api/v1/pods',
      labelSelector: 'app=vcluster',
      reduce: reducePod,
    },
    params => client.core.listPodForAllNamespaces(params),
  );
}

/**
 * Pods vcluster's syncer created on the host for pods inside nested clusters
 * (label vcluster.loft.sh/managed-by): only their requests are kept.
 */
export function syncedPods(
  client: HostClient,
): WatchedResource<SyncedPodRecord> {
  return listedResource(
    {
      name: 'synced pods',
      path: '/api/v1/pods',
      labelSelector: SYNCED_BY_LABEL,
      reduce: reduceSyncedPod,
    },
    params => client.core.listPodForAllNamespaces(params),
  );
}

/** Installer objects of a custom resource type, labelled managed-by. */
export function customResources<T>(
  client: HostClient,
  group: string,
  version: string,
  plural: string,
  reduce: (object: unknown) => T | undefined,
): WatchedResource<T> {
  return listedResource(
    {
      name: `${plural}.${group}`,
      path: `/apis/${group}/${version}/${plural}`,
      labelSelector: MANAGED_SELECTOR,
      reduce,
    },
    async params =>
      (await client.custom.listClusterCustomObject({
        group,
        version,
        plural,
        ...params,
      })) as AnyList,
  );
}
