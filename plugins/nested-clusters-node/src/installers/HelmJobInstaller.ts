import { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { HostClient, ObjectRef } from '../hosts/HostClient';
import {
  InstallerRecord,
  MANAGED_SELECTOR,
  RawObject,
  findCondition,
} from '../hosts/records';
import { WatchedResource } from '../hosts/ResourceWatcher';
import { InstallRequest, Installer, ObjectPatch } from './Installer';

const DEFAULT_IMAGE = 'ghcr.io/loft-sh/vcluster-cli';
const INSTALLER_ACCOUNT = 'nested-clusters-installer';

/**
 * Zero prerequisites: a Job in the cluster's namespace runs the vcluster CLI
 * image (which ships helm) with a ServiceAccount confined to that namespace.
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
        // Everything the chart creates, in this namespace only (a Role, not a ClusterRole).
        rules: [
          {
            apiGroups: [
              '',
              'apps',
              'batch',
              'rbac.authorization.k8s.io',
              'networking.k8s.io',
              'policy',
            ],
            resources: ['*'],
            verbs: ['*'],
          },
        ],
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
          backoffLimit: 2,
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
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        name: INSTALLER_ACCOUNT,
        namespace,
      },
    ];
  }

  watchedResource(client: HostClient): WatchedResource<InstallerRecord> {
    return {
      name: 'jobs',
      path: '/apis/batch/v1/jobs',
      labelSelector: MANAGED_SELECTOR,
      list: async ({ labelSelector, limit, continueToken }) => {
        const list = await client.batch.listJobForAllNamespaces({
          labelSelector,
          limit,
          _continue: continueToken,
        });
        return {
          items: list.items,
          resourceVersion: list.metadata?.resourceVersion ?? '',
          continueToken: list.metadata?._continue,
        };
      },
      reduce: reduceJob,
    };
  }

  kubeconfigSecret(name: string) {
    return { name: `vc-${name}`, key: 'config' };
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

export function reduceJob(object: unknown): InstallerRecord | undefined {
  const { metadata, status } = object as RawObject;
  if (!metadata?.name || !metadata.namespace) {
    return undefined;
  }
  const failed = findCondition(status, 'Failed');
  let state: InstallerRecord['state'] = 'pending';
  let message: string | undefined;
  if (failed?.status === 'True') {
    state = 'failed';
    message = `install job failed: ${
      failed.message ?? failed.reason ?? 'unknown reason'
    }`;
  } else if (typeof status?.succeeded === 'number' && status.succeeded > 0) {
    state = 'done';
  }
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    state,
    message,
    terminating: metadata.deletionTimestamp !== undefined,
  };
}
