import { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { HostClient, ObjectRef } from '../hosts/HostClient';
import { InstallerRecord, RawObject, findCondition } from '../hosts/records';
import { customResources } from '../hosts/resources';
import { WatchedResource } from '../hosts/ResourceWatcher';
import { InstallRequest, Installer, ObjectPatch } from './Installer';

const CLUSTER_API_VERSION = 'cluster.x-k8s.io/v1beta1';
const VCLUSTER_GROUP = 'infrastructure.cluster.x-k8s.io';
const VCLUSTER_API_VERSION = `${VCLUSTER_GROUP}/v1alpha1`;
const DEFAULT_CHART_REPO = 'https://charts.loft.sh';

/**
 * Cluster API with cluster-api-provider-vcluster: a `Cluster` plus a
 * `VCluster` (v0.2.x), as in the provider's cluster template.
 */
export class CapiInstaller implements Installer {
  readonly type = 'capi' as const;

  constructor(private readonly chartRepo: string = DEFAULT_CHART_REPO) {}

  manifests(request: InstallRequest): KubernetesObject[] {
    const { name, namespace, labels } = request;
    const ref = { apiVersion: VCLUSTER_API_VERSION, kind: 'VCluster', name };
    return [
      {
        apiVersion: CLUSTER_API_VERSION,
        kind: 'Cluster',
        metadata: { name, namespace, labels },
        spec: { controlPlaneRef: ref, infrastructureRef: ref },
      } as KubernetesObject,
      {
        apiVersion: VCLUSTER_API_VERSION,
        kind: 'VCluster',
        metadata: { name, namespace, labels },
        spec: {
          // Empty: the provider discovers the endpoint from Service <name>.
          controlPlaneEndpoint: { host: '', port: 0 },
          helmRelease: {
            chart: {
              name: 'vcluster',
              repo: this.chartRepo,
              version: request.chartVersion,
            },
            values: stringify(request.values),
          },
        },
      } as KubernetesObject,
    ];
  }

  installerObjects(name: string, namespace: string): ObjectRef[] {
    return [
      { apiVersion: CLUSTER_API_VERSION, kind: 'Cluster', name, namespace },
      { apiVersion: VCLUSTER_API_VERSION, kind: 'VCluster', name, namespace },
    ];
  }

  watchedResource(client: HostClient): WatchedResource<InstallerRecord> {
    return customResources(
      client,
      VCLUSTER_GROUP,
      'v1alpha1',
      'vclusters',
      reduceVCluster,
    );
  }

  kubeconfigSecret(name: string) {
    return { name: `${name}-kubeconfig`, key: 'value' };
  }

  /** The provider writes `<cluster>-kubeconfig` with CAPI's label and type. */
  kubeconfigSecretSelector() {
    return {
      labelSelector: 'cluster.x-k8s.io/cluster-name',
      fieldSelector: 'type=cluster.x-k8s.io/secret',
    };
  }

  pausePatches(): ObjectPatch[] {
    return [];
  }

  resumePatches(): ObjectPatch[] {
    return [];
  }
}

/** VCluster status: phase Pending|Deployed|Failed, ready, conditions with severity. */
export function reduceVCluster(object: unknown): InstallerRecord | undefined {
  const { metadata, status } = object as RawObject;
  if (!metadata?.name || !metadata.namespace) {
    return undefined;
  }
  const phase = status?.phase as string | undefined;
  const conditions =
    (status?.conditions as Array<{
      status?: string;
      severity?: string;
      message?: string;
      reason?: string;
    }>) ?? [];
  const errorCondition = conditions.find(
    c => c.status === 'False' && c.severity === 'Error',
  );
  const message =
    (status?.message as string | undefined) ||
    errorCondition?.message ||
    errorCondition?.reason ||
    (status?.reason as string | undefined);
  let state: InstallerRecord['state'] = 'pending';
  if (phase === 'Failed' || errorCondition) {
    state = 'failed';
  } else if (
    phase === 'Deployed' &&
    status?.ready === true &&
    findCondition(status, 'ControlPlaneInitialized')?.status !== 'False'
  ) {
    state = 'done';
  }
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    state,
    message: state === 'done' ? undefined : message,
    terminating: metadata.deletionTimestamp !== undefined,
  };
}
