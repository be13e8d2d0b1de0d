import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  kubeConfigFromSecret,
  mergePatch,
  pausePatch,
  resumePatch,
  cliJob,
  grantInstaller,
  isolatedNetwork,
} from '../__testUtils__/helpers';

describe('nested cluster endpoints', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    const kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'nc-w' } } });
    await core.createNamespacedConfigMap({
      namespace: 'nc-w',
      body: {
        metadata: { name: 'values' },
        data: {
          'values.yaml': `exportKubeConfig:\n  server: https://${sim.nodeAddress}:31444\n  context: w-context\ncontrolPlane:\n  service: {spec: {type: NodePort}, httpsNodePort: 31444}\n  proxy:\n    extraSANs: [w.nc-w.svc]\n`,
        },
      },
    });
    await grantInstaller(kc, 'nc-w');
    await kc.makeApiClient(k8s.BatchV1Api).createNamespacedJob({
      namespace: 'nc-w',
      body: cliJob(
        'install',
        ['create', 'w', '-n', 'nc-w', '-f', '/values/values.yaml'],
        'values',
      ),
    });
  });
  afterAll(() => sim.stop());

  it('honours exportKubeConfig and runs workloads inside the nested cluster', async () => {
    const secret = await eventually(() =>
      core.readNamespacedSecret({ namespace: 'nc-w', name: 'vc-w' }),
    );
    const kc = kubeConfigFromSecret(secret, 'config');
    expect(kc.getCurrentContext()).toBe('w-context');
    const certs = await core.readNamespacedSecret({
      namespace: 'nc-w',
      name: 'w-certs',
    });
    expect(kc.getCurrentCluster()?.caData).toBe(certs.data!['ca.crt']);
    const nestedApps = kc.makeApiClient(k8s.AppsV1Api);
    const nestedCore = kc.makeApiClient(k8s.CoreV1Api);
    await nestedApps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      },
    });
    const deployment = await eventually(async () => {
      const d = await nestedApps.readNamespacedDeployment({
        namespace: 'default',
        name: 'web',
      });
      return d.status?.readyReplicas === 2 ? d : undefined;
    });
    expect(
      deployment.status?.conditions?.find(c => c.type === 'Available')?.status,
    ).toBe('True');
    const pods = await nestedCore.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'app=web',
    });
    expect(pods.items.map(p => p.status?.phase)).toEqual([
      'Running',
      'Running',
    ]);
    // The nested cluster is separate from the host.
    expect(
      (await core.listNamespacedPod({ namespace: 'default' })).items,
    ).toEqual([]);
  });

  it('syncs nested pods to the host namespace, through the CLI pause/resume cycle', async () => {
    const apps = hostKubeConfig(sim).makeApiClient(k8s.AppsV1Api);
    const managed = async () =>
      (
        await core.listNamespacedPod({
          namespace: 'nc-w',
          labelSelector: 'vcluster.loft.sh/managed-by=w',
        })
      ).items.filter(p => !p.metadata?.deletionTimestamp);
    const synced = await eventually(async () => {
      const pods = await managed();
      return pods.length === 2 ? pods : undefined;
    });
    expect(synced[0].metadata?.name).toMatch(
      /^web-[a-z0-9]+-[a-z0-9]+-x-default-x-w$/,
    );
    expect(synced[0].metadata?.labels).toEqual({
      'vcluster.loft.sh/managed-by': 'w',
      'vcluster.loft.sh/namespace': 'default',
    });
    expect(synced[0].metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Service',
      name: 'w',
    });

    // vcluster pause: scale to 0, then delete the managed pods; nothing brings them back while paused.
    await apps.patchNamespacedStatefulSet(
      { namespace: 'nc-w', name: 'w', body: pausePatch(1) },
      mergePatch(),
    );
    for (const pod of synced) {
      await core.deleteNamespacedPod({
        namespace: 'nc-w',
        name: pod.metadata!.name!,
      });
    }
    await eventually(
      async () =>
        (
          await apps.readNamespacedStatefulSet({ namespace: 'nc-w', name: 'w' })
        ).status?.readyReplicas === 0,
    );
    await eventually(async () => (await managed()).length === 0);
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(await managed()).toEqual([]);

    // Resume: the syncer recreates them from the virtual pods.
    await apps.patchNamespacedStatefulSet(
      { namespace: 'nc-w', name: 'w', body: resumePatch(1) },
      mergePatch(),
    );
    await eventually(async () => (await managed()).length === 2);
  });
});
