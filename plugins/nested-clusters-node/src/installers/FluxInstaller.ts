import { KubernetesObject } from '@kubernetes/client-node';
import { HostClient, ObjectRef } from '../hosts/HostClient';
import { InstallerRecord, RawObject, findCondition } from '../hosts/records';
import { customResources } from '../hosts/resources';
import { WatchedResource } from '../hosts/ResourceWatcher';
import { InstallRequest, Installer, ObjectPatch } from './Installer';

const GROUP = 'helm.toolkit.fluxcd.io';
const API_VERSION = `${GROUP}/v2`;

/** Ready=False reasons after which Flux will not succeed without a change. */
const FAILURE_REASONS = new Set([
  'InstallFailed',
  'UpgradeFailed',
  'ArtifactFailed',
  'InitFailed',
  'ChartPullError',
  'RetriesExceeded',
]);

export interface FluxSourceRef {
  name: string;
  namespace: string;
}

/**
 * A Flux HelmRelease. Flux would undo a pause by correcting replicas, so the
 * release ignores /spec/replicas in drift detection and is suspended while paused.
 */
export class FluxInstaller implements Installer {
  readonly type = 'flux' as const;

  constructor(
    private readonly sourceRef: FluxSourceRef = {
      name: 'vcluster',
      namespace: 'flux-system',
    },
  ) {}

  manifests(request: InstallRequest): KubernetesObject[] {
    const { name, namespace, labels } = request;
    return [
      {
        apiVersion: API_VERSION,
        kind: 'HelmRelease',
        metadata: { name, namespace, labels },
        spec: {
          interval: '10m',
          releaseName: name,
          chart: {
            spec: {
              chart: 'vcluster',
              version: request.chartVersion,
              sourceRef: { kind: 'HelmRepository', ...this.sourceRef },
            },
          },
          values: request.values,
          driftDetection: {
            mode: 'enabled',
            ignore: [
              { paths: ['/spec/replicas'], target: { kind: 'StatefulSet' } },
            ],
          },
        },
      } as KubernetesObject,
    ];
  }

  installerObjects(name: string, namespace: string): ObjectRef[] {
    return [{ apiVersion: API_VERSION, kind: 'HelmRelease', name, namespace }];
  }

  watchedResource(client: HostClient): WatchedResource<InstallerRecord> {
    return customResources(client, GROUP, 'v2', 'helmreleases', reduceRelease);
  }

  kubeconfigSecret(name: string) {
    return { name: `vc-${name}`, key: 'config' };
  }

  /** The syncer labels `vc-<name>` (pkg/util/kubeconfig/kubeconfig.go). */
  kubeconfigSecretSelector() {
    return { labelSelector: 'vcluster-name' };
  }

  pausePatches(name: string, namespace: string): ObjectPatch[] {
    return [this.suspend(name, namespace, true)];
  }

  resumePatches(name: string, namespace: string): ObjectPatch[] {
    return [this.suspend(name, namespace, false)];
  }

  private suspend(name: string, namespace: string, suspend: boolean) {
    return {
      ref: { apiVersion: API_VERSION, kind: 'HelmRelease', name, namespace },
      patch: { spec: { suspend } },
    };
  }
}

export function reduceRelease(object: unknown): InstallerRecord | undefined {
  const { metadata, spec, status } = object as RawObject;
  if (!metadata?.name || !metadata.namespace) {
    return undefined;
  }
  const ready = findCondition(status, 'Ready');
  let state: InstallerRecord['state'] = 'pending';
  if (ready?.status === 'True') {
    state = 'done';
  } else if (
    ready?.status === 'False' &&
    ready.reason &&
    FAILURE_REASONS.has(ready.reason)
  ) {
    state = 'failed';
  }
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    state,
    message:
      state === 'done'
        ? undefined
        : ready?.message ?? ready?.reason ?? undefined,
    terminating: metadata.deletionTimestamp !== undefined,
    suspended: spec?.suspend === true,
  };
}
