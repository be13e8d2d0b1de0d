import { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { HostClient, ObjectRef } from '../hosts/HostClient';
import { InstallerRecord, MANAGED_SELECTOR, RawObject } from '../hosts/records';
import { listedResource } from '../hosts/resources';
import { WatchedResource } from '../hosts/ResourceWatcher';
import { installerRules } from './helmJobRbac';
import { InstallRequest, Installer, ObjectPatch } from './Installer';

const DEFAULT_IMAGE = 'ghcr.io/loft-sh/vcluster-cli';
const INSTALLER_ACCOUNT = 'nested-clusters-installer';

/**
 * Zero prerequisites: a Job in the cluster's namespace runs the vcluster CLI
 * image (which ships helm) with a ServiceAccount confined to that namespace,
 * holding only what `vcluster create` needs; the rights are taken away once
 * the cluster runs.
 */
export class HelmJobInstaller implements Installer {
  readonly type = 'helm-job' as const;

  constructor(private readonly image: string = DEFAULT_IMAGE) {}

  manifests(request: InstallRequest): KubernetesObject[] {
    const { name, namespace, labels } = request;
    const metadata = (objectName: string) => ({
      name: objectName,
      namespace,
      labels,
    });
    return [
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: metadata(INSTALLER_ACCOUNT),
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: metadata(INSTALLER_ACCOUNT),
        // In this namespace only (a Role, not a ClusterRole).
        rules: installerRules(request.values),
      } as KubernetesObject,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: metadata(INSTALLER_ACCOUNT),
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: INSTALLER_ACCOUNT,
        },
        subjects: [
          { kind: 'ServiceAccount', name: INSTALLER_ACCOUNT, namespace },
        ],
      } as KubernetesObject,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadata(valuesConfigMap(name)),
        data: { 'values.yaml': stringify(request.values) },
      } as KubernetesObject,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: metadata(installJob(name)),
        spec: {
          // A refused request fails the same way on a retry: report it at once.
          backoffLimit: 0,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: INSTALLER_ACCOUNT,
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'vcluster',
                  image: `${this.image}:${request.chartVersion}`,
                  // The image has no ENTRYPOINT, only `CMD /usr/local/bin/vcluster`
                  // (Dockerfile.cli.release): args alone would replace the CLI.
                  command: ['/usr/local/bin/vcluster'],
                  // The CLI's last log line (its error) becomes the pod's termination message.
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                  args: [
                    'create',
                    name,
                    '--namespace',
                    namespace,
                    '--chart-version',
                    request.chartVersion,
                    '--values',
                    '/values/values.yaml',
                    '--connect=false',
                  ],
                  volumeMounts: [{ name: 'values', mountPath: '/values' }],
                },
              ],
              volumes: [
                { name: 'values', configMap: { name: valuesConfigMap(name) } },
              ],
            },
          },
        },
      } as KubernetesObject,
    ];
  }

  installerObjects(name: string, namespace: string): ObjectRef[] {
    return [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: installJob(name),
        namespace,
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: valuesConfigMap(name),
        namespace,
      },
      ...this.installedRefs(namespace),
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        name: INSTALLER_ACCOUNT,
        namespace,
      },
    ];
  }

  /** The install Job's pod: it carries the CLI's error as its termination message. */
  watchedResource(client: HostClient): WatchedResource<InstallerRecord> {
    return listedResource(client, {
      name: 'installer-pods',
      path: '/api/v1/pods',
      labelSelector: `${MANAGED_SELECTOR},job-name`,
      reduce: reduceInstallerPod,
    });
  }

  /** Takes the installer ServiceAccount's rights away once the cluster runs. */
  installedRefs(namespace: string): ObjectRef[] {
    return [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        name: INSTALLER_ACCOUNT,
        namespace,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        name: INSTALLER_ACCOUNT,
        namespace,
      },
    ];
  }

  kubeconfigSecret(name: string) {
    return { name: `vc-${name}`, key: 'config' };
  }

  /** The syncer labels `vc-<name>` (pkg/util/kubeconfig/kubeconfig.go). */
  kubeconfigSecretSelector() {
    return { labelSelector: 'vcluster-name' };
  }

  pausePatches(): ObjectPatch[] {
    return [];
  }

  resumePatches(): ObjectPatch[] {
    return [];
  }
}

function installJob(name: string): string {
  return `${name}-install`;
}

function valuesConfigMap(name: string): string {
  return `${name}-values`;
}

interface InstallerPod extends RawObject {
  status?: RawObject['status'] & {
    phase?: string;
    containerStatuses?: Array<{
      state?: { terminated?: { reason?: string; message?: string } };
    }>;
  };
}

/** The install pod's outcome; a failure carries the CLI's error (the API server's reason). */
export function reduceInstallerPod(
  object: unknown,
): InstallerRecord | undefined {
  const { metadata, status } = object as InstallerPod;
  const job = metadata?.labels?.['job-name'];
  if (!metadata?.namespace || !job) {
    return undefined;
  }
  let state: InstallerRecord['state'] = 'pending';
  let message: string | undefined;
  if (status?.phase === 'Succeeded') {
    state = 'done';
  } else if (status?.phase === 'Failed') {
    const terminated = status.containerStatuses?.[0]?.state?.terminated;
    state = 'failed';
    message = `vcluster create failed: ${
      terminated?.message?.trim() || terminated?.reason || 'unknown reason'
    }`;
  }
  return {
    namespace: metadata.namespace,
    name: job,
    state,
    message,
    terminating: metadata.deletionTimestamp !== undefined,
  };
}
