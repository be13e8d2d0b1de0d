/*
 * Clusters written straight into a simulator in the shape the plugin's
 * helm-job installer leaves behind, so the benchmark can start from 10,000
 * Running clusters without 10,000 chart installs.
 */
import type { HostSimulator } from '@nested-clusters/host-simulator';
import {
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '@nested-clusters/plugin-nested-clusters-node';
import type { SimulatorAccess } from '@nested-clusters/test-harness';

/*
 * As the test harness configures the benchmark's backend (NAMESPACE_PREFIX and
 * SANDBOX_PROFILE); not imported from it, so that the fleet's process does not
 * load the test backend.
 */
export const NAMESPACE_PREFIX = 'nc-';
const PROFILE = 'sandbox';
const KUBERNETES_VERSION = 'v1.35.0';

/** A simulator of the fleet (another process) under the name the backend knows it by. */
export interface FleetHost extends SimulatorAccess {
  name: string;
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
    // A settled cluster: the plugin removed the installer's rights when it
    // first saw it Running (the first start after an upgrade does that once).
    [ANNOTATIONS.installerAccessRemoved]: new Date().toISOString(),
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
