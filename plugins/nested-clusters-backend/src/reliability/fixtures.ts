/*
 * Shared by the reliability tests and the benchmarks (bench/): the backend's
 * configuration for a set of simulated hosts, and host objects written
 * straight into a simulator in the shape the plugin's installers leave behind.
 */
import type { HostSimulator } from '@nested-clusters/host-simulator';
import {
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '@nested-clusters/plugin-nested-clusters-node';

/** What a test or benchmark needs to reach one simulated host. */
export interface SimulatedHost {
  name: string;
  url: string;
  token: string;
  caPem: string;
}

export const NAMESPACE_PREFIX = 'nc-';
export const PROFILE = 'sandbox';
export const KUBERNETES_VERSION = 'v1.35.0';

/** The `nestedClusters` section for these hosts (helm-job installer, generous limits). */
export function nestedClustersConfig(
  hosts: SimulatedHost[],
  options: { maxClusters?: number; clustersPerOwner?: number } = {},
) {
  return {
    hosts: hosts.map(h => ({
      name: h.name,
      title: `Simulated ${h.name}`,
      url: h.url,
      installer: 'helm-job',
      namespacePrefix: NAMESPACE_PREFIX,
      maxClusters: options.maxClusters ?? 1000,
      auth: { type: 'serviceAccount', token: h.token, caData: h.caPem },
      exposure: {
        type: 'hostPattern',
        pattern: `${h.url}/vclusters/{namespace}/{name}`,
      },
    })),
    profiles: [
      {
        name: PROFILE,
        title: 'Sandbox',
        kubernetesVersion: KUBERNETES_VERSION,
        chartVersion: '0.36.1',
        ttl: '72h',
        maxTtl: '14d',
        values: {},
      },
    ],
    limits: { clustersPerOwner: options.clustersPerOwner ?? 100_000 },
  };
}

export interface SeededCluster {
  name: string;
  owner: string;
  component?: string;
  createdBy?: string;
  /** RFC 3339; default 72 h from now. */
  expiresAt?: string;
}

type SimulatedCluster = HostSimulator['host'];

/**
 * Writes one nested cluster into a simulator directly: its namespace (labels
 * and annotations as the plugin writes them), the helm-job installer's Job and
 * the vcluster StatefulSet. The simulator's controllers then run the Job to
 * completion and start the control-plane pod, so the cluster becomes Running
 * exactly as an installed one does, without 10,000 chart installs.
 */
export function seedCluster(host: SimulatedCluster, cluster: SeededCluster) {
  const { api, context } = host;
  const { kinds } = context;
  const namespace = `${NAMESPACE_PREFIX}${cluster.name}`;
  const labels = {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [CLUSTER_NAME_LABEL]: cluster.name,
  };
  const annotations: Record<string, string> = {
    [ANNOTATIONS.owner]: cluster.owner,
    [ANNOTATIONS.createdBy]: cluster.createdBy ?? 'user:default/seed',
    [ANNOTATIONS.profile]: PROFILE,
    [ANNOTATIONS.installer]: 'helm-job',
    [ANNOTATIONS.expiresAt]:
      cluster.expiresAt ?? new Date(Date.now() + 72 * 3_600_000).toISOString(),
  };
  if (cluster.component) {
    annotations[ANNOTATIONS.component] = cluster.component;
  }
  api.create(kinds.namespace, undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels, annotations },
  });
  api.create(kinds.job, namespace, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${cluster.name}-install`, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'install', image: 'busybox:1.36' }],
        },
      },
    },
  });
  const vclusterLabels = { app: 'vcluster', release: cluster.name };
  api.create(kinds.statefulSet, namespace, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: cluster.name, labels: vclusterLabels },
    spec: {
      replicas: 1,
      serviceName: `${cluster.name}-headless`,
      selector: { matchLabels: vclusterLabels },
      template: {
        metadata: { labels: vclusterLabels },
        spec: {
          containers: [
            {
              name: 'syncer',
              image: `ghcr.io/loft-sh/kubernetes:${KUBERNETES_VERSION}`,
            },
          ],
        },
      },
    },
  });
}
