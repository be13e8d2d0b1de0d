import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  grantInstaller,
  hostKubeConfig,
  INSTALLER,
  statusOf,
} from '../__testUtils__/helpers';

const NS = 'nc-team-a';
const NAME = 'team-a';

function kubeconfigFromSecret(secret: k8s.V1Secret) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(Buffer.from(secret.data!.config, 'base64').toString());
  return kc;
}

describe('helm-job installer timeline', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let batch: k8s.BatchV1Api;

  beforeAll(async () => {
    sim = await startHostSimulator();
    const kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    batch = kc.makeApiClient(k8s.BatchV1Api);
  });
  afterAll(() => sim.stop());

  it('creates, pauses, resumes and deletes a vcluster', async () => {
    await core.createNamespace({
      body: {
        metadata: { name: NS, labels: { 'vcluster.loft.sh/created': 'true' } },
      },
    });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: `${NAME}-values` },
        data: {
          'values.yaml':
            'controlPlane:\n  distro:\n    k8s:\n      version: v1.34.2\n',
        },
      },
    });
    await grantInstaller(hostKubeConfig(sim), NS);
    await batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: `install-${NAME}` },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              serviceAccountName: INSTALLER,
              containers: [
                {
                  name: 'vcluster',
                  image: 'ghcr.io/loft-sh/vcluster-cli:0.36.1',
                  args: [
                    'create',
                    NAME,
                    '--namespace',
                    NS,
                    '--chart-version',
                    '0.36.1',
                    '--values',
                    '/values/values.yaml',
                    '--connect=false',
                  ],
                  volumeMounts: [{ name: 'values', mountPath: '/values' }],
                },
              ],
              volumes: [
                { name: 'values', configMap: { name: `${NAME}-values` } },
              ],
            },
          },
        },
      },
    });

    // Running: the Job succeeded, the chart objects exist and the kubeconfig secret appeared.
    const job = await eventually(async () => {
      const j = await batch.readNamespacedJob({
        namespace: NS,
        name: `install-${NAME}`,
      });
      return j.status?.succeeded === 1 ? j : undefined;
    });
    expect(job.status?.conditions?.map(c => c.type)).toEqual([
      'SuccessCriteriaMet',
      'Complete',
    ]);
    // Events, as `kubectl describe job` would show them.
    const jobEvents = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=install-${NAME}`,
    });
    expect(jobEvents.items.map(e => e.reason).sort()).toEqual([
      'Completed',
      'SuccessfulCreate',
    ]);
    const sts = await eventually(async () => {
      const s = await apps.readNamespacedStatefulSet({
        namespace: NS,
        name: NAME,
      });
      return s.status?.readyReplicas === 1 ? s : undefined;
    });
    expect(sts.metadata?.labels).toMatchObject({
      app: 'vcluster',
      release: NAME,
      chart: 'vcluster-0.36.1',
      heritage: 'Helm',
    });
    expect(sts.spec?.selector.matchLabels).toEqual({
      app: 'vcluster',
      release: NAME,
    });
    expect(sts.spec?.template.spec?.containers[0]).toMatchObject({
      name: 'syncer',
      image: 'ghcr.io/loft-sh/kubernetes:v1.34.2',
    });
    const pods = await core.listNamespacedPod({
      namespace: NS,
      labelSelector: `app=vcluster,release=${NAME}`,
    });
    expect(pods.items.map(p => p.metadata?.name)).toEqual([`${NAME}-0`]);
    expect(pods.items[0].status?.phase).toBe('Running');
    const services = await core.listNamespacedService({ namespace: NS });
    expect(services.items.map(s => s.metadata?.name).sort()).toEqual([
      NAME,
      `${NAME}-headless`,
    ]);
    const svc = services.items.find(s => s.metadata?.name === NAME)!;
    expect(svc.metadata?.labels?.['vcluster.loft.sh/service']).toBe('true');
    expect(svc.spec?.ports?.[0]).toMatchObject({ port: 443, targetPort: 8443 });
    const sas = await core.listNamespacedServiceAccount({ namespace: NS });
    expect(sas.items.map(s => s.metadata?.name).sort()).toEqual([
      'default',
      `vc-${NAME}`,
      `vc-workload-${NAME}`,
      INSTALLER,
    ]);
    const pvc = await eventually(async () => {
      const p = await core.readNamespacedPersistentVolumeClaim({
        namespace: NS,
        name: `data-${NAME}-0`,
      });
      return p.status?.phase === 'Bound' ? p : undefined;
    });
    expect(pvc.spec?.resources?.requests?.storage).toBe('5Gi');
    const release = await core.readNamespacedSecret({
      namespace: NS,
      name: `sh.helm.release.v1.${NAME}.v1`,
    });
    expect(release.type).toBe('helm.sh/release.v1');
    expect(release.metadata?.labels).toMatchObject({
      name: NAME,
      owner: 'helm',
      status: 'deployed',
      version: '1',
    });
    const config = await core.readNamespacedSecret({
      namespace: NS,
      name: `vc-config-${NAME}`,
    });
    expect(
      parseYaml(Buffer.from(config.data!['config.yaml'], 'base64').toString()),
    ).toEqual({ controlPlane: { distro: { k8s: { version: 'v1.34.2' } } } });
    const secret = await eventually(() =>
      core.readNamespacedSecret({ namespace: NS, name: `vc-${NAME}` }),
    );
    expect(secret.metadata?.labels).toEqual({
      app: 'vcluster',
      'vcluster-name': NAME,
    });
    const nestedKc = kubeconfigFromSecret(secret);
    expect(nestedKc.getCurrentCluster()?.server).toBe(
      `${sim.url}/vclusters/${NS}/${NAME}`,
    );

    // The downloaded kubeconfig works: list namespaces inside the nested cluster.
    const nested = nestedKc.makeApiClient(k8s.CoreV1Api);
    const nsList = await nested.listNamespace();
    expect(nsList.items.map(n => n.metadata?.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    const version = await nestedKc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.34.2');
    // The host's token is not a credential of the nested cluster.
    const hostTokenInNested = new k8s.KubeConfig();
    hostTokenInNested.loadFromString(
      Buffer.from(secret.data!.config, 'base64').toString(),
    );
    hostTokenInNested.users[0] = {
      name: hostTokenInNested.users[0].name,
      token: sim.token,
    };
    expect(
      await statusOf(
        hostTokenInNested.makeApiClient(k8s.CoreV1Api).listNamespace(),
      ),
    ).toBe(401);

    // Pause exactly like `vcluster pause`.
    await apps.patchNamespacedStatefulSet(
      {
        namespace: NS,
        name: NAME,
        body: {
          metadata: {
            annotations: {
              'loft.sh/paused': 'true',
              'loft.sh/paused-replicas': '1',
              'loft.sh/paused-date': new Date().toISOString(),
            },
          },
          spec: { replicas: 0 },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(async () => {
      const s = await apps.readNamespacedStatefulSet({
        namespace: NS,
        name: NAME,
      });
      return (
        s.status?.replicas === 0 &&
        (
          await core.listNamespacedPod({
            namespace: NS,
            labelSelector: `app=vcluster,release=${NAME}`,
          })
        ).items.length === 0
      );
    });
    expect(await statusOf(nested.listNamespace())).toBe(503);
    // PVC, services and secrets survive the pause.
    await core.readNamespacedPersistentVolumeClaim({
      namespace: NS,
      name: `data-${NAME}-0`,
    });
    await core.readNamespacedSecret({ namespace: NS, name: `vc-${NAME}` });

    // Resume: restore the replicas and drop the annotations.
    await apps.patchNamespacedStatefulSet(
      {
        namespace: NS,
        name: NAME,
        body: {
          metadata: {
            annotations: {
              'loft.sh/paused': null,
              'loft.sh/paused-replicas': null,
              'loft.sh/paused-date': null,
            },
          },
          spec: { replicas: 1 },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(() => nested.listNamespace());
    const resumed = await apps.readNamespacedStatefulSet({
      namespace: NS,
      name: NAME,
    });
    expect(resumed.metadata?.annotations?.['loft.sh/paused']).toBeUndefined();

    // Delete: the namespace and everything in it go away.
    await core.deleteNamespace({ name: NS });
    await eventually(
      async () => (await statusOf(core.readNamespace({ name: NS }))) === 404,
    );
    expect(
      await statusOf(
        apps.readNamespacedStatefulSet({ namespace: NS, name: NAME }),
      ),
    ).toBe(404);
    expect(await statusOf(nested.listNamespace())).toBe(503);
  });

  it('fails like the CLI when the Job ServiceAccount may not create the chart objects', async () => {
    await core.createNamespace({ body: { metadata: { name: 'no-rbac' } } });
    await batch.createNamespacedJob({
      namespace: 'no-rbac',
      body: {
        metadata: { name: 'install' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'vcluster',
                  image: 'ghcr.io/loft-sh/vcluster-cli:0.36.1',
                  args: ['create', 'x', '--namespace', 'no-rbac'],
                },
              ],
            },
          },
        },
      },
    });
    const job = await eventually(async () => {
      const j = await batch.readNamespacedJob({
        namespace: 'no-rbac',
        name: 'install',
      });
      return j.status?.failed ? j : undefined;
    });
    expect(job.status?.conditions?.find(c => c.type === 'Failed')?.reason).toBe(
      'BackoffLimitExceeded',
    );
    const [pod] = (
      await core.listNamespacedPod({
        namespace: 'no-rbac',
        labelSelector: 'job-name=install',
      })
    ).items;
    expect(pod.status?.containerStatuses?.[0].state?.terminated?.message).toBe(
      'Error: serviceaccounts is forbidden: User "system:serviceaccount:no-rbac:default" cannot create resource "serviceaccounts" in API group "" in the namespace "no-rbac"',
    );
    expect(
      await statusOf(
        apps.readNamespacedStatefulSet({ namespace: 'no-rbac', name: 'x' }),
      ),
    ).toBe(404);
  });
});
