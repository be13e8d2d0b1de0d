import { parse } from 'yaml';
import { CapiInstaller, reduceVCluster } from './CapiInstaller';
import { FluxInstaller, reduceRelease } from './FluxInstaller';
import { HelmJobInstaller, reduceInstallerPod } from './HelmJobInstaller';
import { InstallRequest } from './Installer';

const request: InstallRequest = {
  name: 'demo',
  namespace: 'nc-demo',
  chartVersion: '0.36.1',
  values: { exportKubeConfig: { server: 'https://demo.vc.example.com' } },
  labels: { 'app.kubernetes.io/managed-by': 'backstage-nested-clusters' },
};

describe('HelmJobInstaller', () => {
  const installer = new HelmJobInstaller();
  const manifests = installer.manifests(request);

  it('runs the vcluster CLI image in a Job with the values mounted', () => {
    expect(manifests.find(m => m.kind === 'Job')).toMatchObject({
      spec: {
        template: {
          spec: {
            serviceAccountName: 'nested-clusters-installer',
            restartPolicy: 'Never',
            containers: [
              {
                image: 'ghcr.io/loft-sh/vcluster-cli:0.36.1',
                command: ['/usr/local/bin/vcluster'],
                args: [
                  'create',
                  'demo',
                  '--namespace',
                  'nc-demo',
                  '--chart-version',
                  '0.36.1',
                  '--values',
                  '/values/values.yaml',
                  '--connect=false',
                ],
                volumeMounts: [{ name: 'values', mountPath: '/values' }],
              },
            ],
            volumes: [{ name: 'values', configMap: { name: 'demo-values' } }],
          },
        },
      },
    });
    const configMap = manifests.find(
      m => m.kind === 'ConfigMap',
    ) as unknown as {
      data: Record<string, string>;
    };
    expect(parse(configMap.data['values.yaml'])).toEqual(request.values);
  });

  it('confines its account to the namespace', () => {
    expect(manifests.map(m => m.kind)).toEqual([
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'ConfigMap',
      'Job',
    ]);
    for (const manifest of manifests) {
      expect(manifest.metadata).toMatchObject({
        namespace: 'nc-demo',
        labels: request.labels,
      });
    }
    // Deletion removes every installer object, in reverse order.
    expect(
      installer.installerObjects('demo', 'nc-demo').map(o => o.kind),
    ).toEqual(['Job', 'ConfigMap', 'RoleBinding', 'Role', 'ServiceAccount']);
  });

  it('reads progress and the CLI error from the install pod', () => {
    const pod = (status: object) => ({
      metadata: {
        name: 'demo-install-x1',
        namespace: 'nc-demo',
        labels: { 'job-name': 'demo-install' },
      },
      status,
    });
    expect(reduceInstallerPod(pod({ phase: 'Running' }))?.state).toBe(
      'pending',
    );
    expect(reduceInstallerPod(pod({ phase: 'Succeeded' }))?.state).toBe('done');
    expect(
      reduceInstallerPod(
        pod({
          phase: 'Failed',
          containerStatuses: [
            {
              state: {
                terminated: {
                  reason: 'Error',
                  message:
                    'fatal get current helm release: secrets is forbidden\n',
                },
              },
            },
          ],
        }),
      ),
    ).toEqual({
      namespace: 'nc-demo',
      name: 'demo-install',
      state: 'failed',
      message:
        'vcluster create failed: fatal get current helm release: secrets is forbidden',
      terminating: false,
    });
  });

  it("runs the CLI image's binary with a Role holding only what the install needs", () => {
    const job = manifests.find(m => m.kind === 'Job') as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      command: ['/usr/local/bin/vcluster'],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    const role = manifests.find(m => m.kind === 'Role') as unknown as {
      rules: { verbs: string[]; resources: string[] }[];
    };
    expect(role.rules.flatMap(r => r.verbs)).not.toContain('*');
    expect(role.rules.flatMap(r => r.resources)).not.toContain('*');
    expect(installer.installedRefs('nc-demo').map(r => r.kind)).toEqual([
      'RoleBinding',
      'Role',
    ]);
  });
});

describe('CapiInstaller', () => {
  const manifests = new CapiInstaller().manifests(request);

  it('creates a Cluster that points at a VCluster with the chart and values', () => {
    expect(manifests.map(m => `${m.apiVersion} ${m.kind}`)).toEqual([
      'cluster.x-k8s.io/v1beta1 Cluster',
      'infrastructure.cluster.x-k8s.io/v1alpha1 VCluster',
    ]);
    const ref = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
      kind: 'VCluster',
      name: 'demo',
    };
    expect(manifests[0]).toMatchObject({
      spec: { controlPlaneRef: ref, infrastructureRef: ref },
    });
    expect(manifests[1]).toMatchObject({
      spec: {
        helmRelease: {
          chart: {
            name: 'vcluster',
            repo: 'https://charts.loft.sh',
            version: '0.36.1',
          },
        },
      },
    });
    const { spec } = manifests[1] as {
      spec?: { helmRelease?: { values?: string } };
    };
    expect(parse(spec?.helmRelease?.values ?? '')).toEqual(request.values);
  });

  it('reads the VCluster phase', () => {
    const vc = (status: object, deleting = false) => ({
      metadata: {
        name: 'demo',
        namespace: 'nc-demo',
        ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      },
      status,
    });
    expect(reduceVCluster(vc({ phase: 'Pending' }))?.state).toBe('pending');
    expect(reduceVCluster(vc({ phase: 'Deployed', ready: true }))?.state).toBe(
      'done',
    );
    expect(
      reduceVCluster(vc({ phase: 'Failed', message: 'chart not found' })),
    ).toMatchObject({ state: 'failed', message: 'chart not found' });
    expect(reduceVCluster(vc({}, true))?.terminating).toBe(true);
  });
});

describe('FluxInstaller', () => {
  const installer = new FluxInstaller();

  it('creates a HelmRelease whose drift detection leaves replicas alone', () => {
    const [release] = installer.manifests(request);
    expect(release).toMatchObject({
      spec: {
        releaseName: 'demo',
        chart: {
          spec: {
            chart: 'vcluster',
            version: '0.36.1',
            sourceRef: {
              kind: 'HelmRepository',
              name: 'vcluster',
              namespace: 'flux-system',
            },
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
    });
  });

  it('suspends the release while paused', () => {
    expect(installer.pausePatches('demo', 'nc-demo')).toEqual([
      {
        ref: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          name: 'demo',
          namespace: 'nc-demo',
        },
        patch: { spec: { suspend: true } },
      },
    ]);
    expect(installer.resumePatches('demo', 'nc-demo')[0].patch).toEqual({
      spec: { suspend: false },
    });
  });

  it('reads the Ready condition', () => {
    const hr = (ready?: object) => ({
      metadata: { name: 'demo', namespace: 'nc-demo' },
      spec: { suspend: true },
      status: { conditions: ready ? [{ type: 'Ready', ...ready }] : [] },
    });
    expect(reduceRelease(hr())).toMatchObject({
      state: 'pending',
      suspended: true,
    });
    expect(reduceRelease(hr({ status: 'True' }))?.state).toBe('done');
    expect(
      reduceRelease(
        hr({ status: 'False', reason: 'InstallFailed', message: 'x' }),
      ),
    ).toMatchObject({ state: 'failed', message: 'x' });
    expect(
      reduceRelease(hr({ status: 'False', reason: 'Progressing' }))?.state,
    ).toBe('pending');
  });
});
