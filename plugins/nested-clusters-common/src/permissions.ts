import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

export const RESOURCE_TYPE_NESTED_CLUSTER = 'nested-cluster';

export type NestedClusterPermission = ResourcePermission<
  typeof RESOURCE_TYPE_NESTED_CLUSTER
>;

/**
 * What creating is decided on: the catalog entity a new cluster is for (its
 * `entityRef`, which is also the resource ref), or none. A cluster shows on its
 * component's page, so a policy can keep it to the component's owners.
 */
export const RESOURCE_TYPE_NESTED_CLUSTER_COMPONENT =
  'nested-cluster-component';

/**
 * A resource permission on the component the cluster is for, so a policy can
 * answer with conditions such as IS_COMPONENT_OWNER or HAS_NO_COMPONENT.
 */
export const nestedClusterCreatePermission = createPermission({
  name: 'nested-clusters.cluster.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER_COMPONENT,
});

export const nestedClusterReadPermission = createPermission({
  name: 'nested-clusters.cluster.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER,
});

/** Pause, resume and extend. */
export const nestedClusterUpdatePermission = createPermission({
  name: 'nested-clusters.cluster.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER,
});

export const nestedClusterDeletePermission = createPermission({
  name: 'nested-clusters.cluster.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER,
});

/**
 * Credentials for inside the cluster (a kubeconfig; also what the Kubernetes
 * plugin shows of the cluster's objects). Deliberately without an action, so
 * no policy that allows every `read` hands it out.
 */
export const nestedClusterKubeconfigPermission = createPermission({
  name: 'nested-clusters.cluster.kubeconfig',
  attributes: {},
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER,
});

/**
 * The vcluster's own admin credentials (Secret `vc-<name>`): valid as long as
 * the cluster lives, the same for everyone, and not revocable. Deliberately
 * without an action, so no policy that allows every `read` hands it out.
 */
export const nestedClusterAdminKubeconfigPermission = createPermission({
  name: 'nested-clusters.cluster.kubeconfig.admin',
  attributes: {},
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER,
});

/**
 * Host health details on `GET /hosts` and in lists' `hostErrors` (internal
 * addresses, API errors); without it a user sees a generic message.
 */
export const nestedClusterHostReadPermission = createPermission({
  name: 'nested-clusters.host.read',
  attributes: { action: 'read' },
});

export const nestedClustersPermissions = [
  nestedClusterCreatePermission,
  nestedClusterReadPermission,
  nestedClusterUpdatePermission,
  nestedClusterDeletePermission,
  nestedClusterKubeconfigPermission,
  nestedClusterAdminKubeconfigPermission,
  nestedClusterHostReadPermission,
];

/** The permission framework's resource ref of a nested cluster. */
export function nestedClusterResourceRef(host: string, name: string): string {
  return `${host}/${name}`;
}

/** Splits a resource ref made by {@link nestedClusterResourceRef}. */
export function parseNestedClusterResourceRef(
  resourceRef: string,
): { host: string; name: string } | undefined {
  const parts = resourceRef.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    return undefined;
  }
  return { host: parts[0], name: parts[1] };
}
