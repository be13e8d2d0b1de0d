import { ClusterApi } from '../api';
import { isJsonObject, JsonObject } from '../json';
import { KubeObject, OwnerReference, StoredObject } from '../model';
import { ResourceType } from '../registry';

export interface Kinds {
  namespace: ResourceType;
  pod: ResourceType;
  secret: ResourceType;
  configMap: ResourceType;
  service: ResourceType;
  serviceAccount: ResourceType;
  pvc: ResourceType;
  node: ResourceType;
  statefulSet: ResourceType;
  deployment: ResourceType;
  replicaSet: ResourceType;
  job: ResourceType;
  role: ResourceType;
  roleBinding: ResourceType;
  clusterRole: ResourceType;
  crd: ResourceType;
  storageClass: ResourceType;
  event: ResourceType;
}

export function kindsOf(api: ClusterApi): Kinds {
  const t = (group: string, resource: string) =>
    api.resolve(group, 'v1', resource);
  return {
    namespace: t('', 'namespaces'),
    pod: t('', 'pods'),
    secret: t('', 'secrets'),
    configMap: t('', 'configmaps'),
    service: t('', 'services'),
    serviceAccount: t('', 'serviceaccounts'),
    pvc: t('', 'persistentvolumeclaims'),
    node: t('', 'nodes'),
    statefulSet: t('apps', 'statefulsets'),
    deployment: t('apps', 'deployments'),
    replicaSet: t('apps', 'replicasets'),
    job: t('batch', 'jobs'),
    role: t('rbac.authorization.k8s.io', 'roles'),
    roleBinding: t('rbac.authorization.k8s.io', 'rolebindings'),
    clusterRole: t('rbac.authorization.k8s.io', 'clusterroles'),
    crd: t('apiextensions.k8s.io', 'customresourcedefinitions'),
    storageClass: t('storage.k8s.io', 'storageclasses'),
    event: t('', 'events'),
  };
}

/** The object's field as a JSON object, empty when absent. */
export function field(o: unknown, key: string): JsonObject {
  if (!isJsonObject(o)) {
    return {};
  }
  const value = o[key];
  return isJsonObject(value) ? value : {};
}

export function ownerRef(owner: KubeObject, controller = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject) {
  return (obj.metadata.ownerReferences ?? []).some(
    r => r.uid === owner.metadata.uid && r.controller,
  );
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find(r => r.controller);
}

export function isPodReady(pod: KubeObject) {
  const conditions = field(pod, 'status').conditions;
  return (
    !pod.metadata.deletionTimestamp &&
    Array.isArray(conditions) &&
    conditions.some(
      c => isJsonObject(c) && c.type === 'Ready' && c.status === 'True',
    )
  );
}

export function podPhase(pod: KubeObject) {
  return String(field(pod, 'status').phase ?? 'Pending');
}

/** Creates an object or, when it exists, replaces its labels/annotations/spec-like fields. */
export function upsert(
  api: ClusterApi,
  type: ResourceType,
  obj: KubeObject,
): StoredObject {
  const existing = api.tryGet(type, obj.metadata.namespace, obj.metadata.name!);
  if (!existing) {
    return api.create(type, obj.metadata.namespace, obj);
  }
  return api.update(type, obj.metadata.namespace, obj.metadata.name!, {
    ...existing,
    ...obj,
    metadata: {
      ...existing.metadata,
      labels: { ...existing.metadata.labels, ...obj.metadata.labels },
      annotations: {
        ...existing.metadata.annotations,
        ...obj.metadata.annotations,
      },
      ownerReferences:
        obj.metadata.ownerReferences ?? existing.metadata.ownerReferences,
    },
  });
}

/** Writes status through the status subresource; a no-op when nothing changed. */
export function writeStatus(
  api: ClusterApi,
  type: ResourceType,
  obj: StoredObject,
  status: JsonObject,
) {
  // Controllers own status: the write is unconditional, like a status PUT without resourceVersion.
  return api.update(
    type,
    obj.metadata.namespace,
    obj.metadata.name,
    {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: undefined },
      status,
    } as KubeObject,
    { subresource: 'status' },
  );
}
