import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  isolatedNetwork,
  kubeConfigFromSecret,
  mergePatch,
  pausePatch,
  refused,
  resumePatch,
  statusOf,
} from '../__testUtils__/helpers';

const NS = 'vc-team-a';
const NAME = 'team-a';
const VC = {
  group: 'infrastructure.cluster.x-k8s.io',
  version: 'v1alpha1',
  namespace: NS,
  plural: 'vclusters',
  name: NAME,
};
const CL = {
  group: 'cluster.x-k8s.io',
  version: 'v1beta1',
  namespace: NS,
  plural: 'clusters',
  name: NAME,
};

type Cond = {
  type: string;
  status: string;
  severity?: string;
  reason?: string;
};
type VCluster = {
  metadata: k8s.V1ObjectMeta;
  spec: { controlPlaneEndpoint?: { host: string; port: number } };
  status?: {
    ready?: boolean;
    initialized?: boolean;
    phase?: string;
    conditions?: Cond[];
  };
};
type CapiCluster = {
  metadata: k8s.V1ObjectMeta;
  status?: {
    phase?: string;
    infrastructureReady?: boolean;
    controlPlaneReady?: boolean;
  };
};

describe('capi installer timeline', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let objects: k8s.KubernetesObjectApi;
  let custom: k8s.CustomObjectsApi;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    const kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  afterAll(() => sim.stop());

  const readVc = async () =>
    (await custom.getNamespacedCustomObject(VC)) as VCluster;
  const readCluster = async () =>
    (await custom.getNamespacedCustomObject(CL)) as CapiCluster;

  it('provisions, pauses, resumes and deletes a Cluster + VCluster pair', async () => {
    // Created like a plugin would: KubernetesObjectApi resolves the kinds through discovery.
    await objects.create({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: NAME, namespace: NS },
      spec: {
        controlPlaneRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
          name: NAME,
        },
        infrastructureRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
          name: NAME,
        },
      },
    } as k8s.KubernetesObject);
    await objects.create({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
      kind: 'VCluster',
      metadata: { name: NAME, namespace: NS },
      spec: {
        // Exposed through a fixed NodePort, so the endpoint is known up front.
        controlPlaneEndpoint: { host: sim.nodeAddress, port: 31445 },
        helmRelease: {
          chart: {
            name: 'vcluster',
            repo: 'https://charts.loft.sh',
            version: '0.36.1',
          },
          values: [
            'controlPlane:',
            '  distro: {k8s: {version: v1.35.0}}',
            '  service: {spec: {type: NodePort}, httpsNodePort: 31445}',
            `  proxy: {extraSANs: ['${sim.nodeAddress}']}`,
          ].join('\n'),
        },
      },
    } as k8s.KubernetesObject);

    const pending = await eventually(async () => {
      const vc = await readVc();
      return vc.status?.phase === 'Pending' ? vc : undefined;
    });
    expect(pending.metadata.finalizers).toEqual(['vcluster.loft.sh/cleanup']);
    expect(pending.metadata.ownerReferences?.[0]).toMatchObject({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      name: NAME,
    });

    const deployed = await eventually(async () => {
      const vc = await readVc();
      return vc.status?.phase === 'Deployed' ? vc : undefined;
    });
    expect(deployed.status).toMatchObject({ ready: true, initialized: true });
    expect(
      deployed.status?.conditions
        ?.filter(c => c.status === 'True')
        .map(c => c.type)
        .sort(),
    ).toEqual([
      'ControlPlaneInitialized',
      'HelmChartDeployed',
      'KubeconfigReady',
      'Ready',
    ]);
    const cluster = await eventually(async () => {
      const c = await readCluster();
      return c.status?.phase === 'Provisioned' ? c : undefined;
    });
    expect(cluster.status).toMatchObject({
      infrastructureReady: true,
      controlPlaneReady: true,
    });
    expect(cluster.metadata.finalizers).toEqual(['cluster.cluster.x-k8s.io']);

    const kubeconfig = await core.readNamespacedSecret({
      namespace: NS,
      name: `${NAME}-kubeconfig`,
    });
    expect(kubeconfig.type).toBe('cluster.x-k8s.io/secret');
    expect(kubeconfig.metadata?.labels).toEqual({
      'cluster.x-k8s.io/cluster-name': NAME,
    });
    const nestedKc = kubeConfigFromSecret(kubeconfig, 'value');
    // The provider's kubeconfig: the syncer's, with the control-plane endpoint as server.
    expect(nestedKc.getCurrentCluster()?.server).toBe(
      `https://${sim.nodeAddress}:31445`,
    );
    const ca = await core.readNamespacedSecret({
      namespace: NS,
      name: `${NAME}-ca`,
    });
    expect(nestedKc.getCurrentCluster()?.caData).toBe(ca.data!['tls.crt']);
    const nested = nestedKc.makeApiClient(k8s.CoreV1Api);
    expect(
      (await nested.listNamespace()).items.map(n => n.metadata?.name),
    ).toContain('kube-system');

    // Pause with the CLI patch: ready goes false, phase back to Pending, the endpoint stops answering.
    await apps.patchNamespacedStatefulSet(
      { namespace: NS, name: NAME, body: pausePatch(1) },
      mergePatch(),
    );
    const paused = await eventually(async () => {
      const vc = await readVc();
      return vc.status?.ready === false ? vc : undefined;
    });
    expect(paused.status?.phase).toBe('Pending');
    expect(await refused(nested.listNamespace())).toBe(true);
    expect(
      (await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME })).spec
        ?.replicas,
    ).toBe(0);

    await apps.patchNamespacedStatefulSet(
      { namespace: NS, name: NAME, body: resumePatch(1) },
      mergePatch(),
    );
    await eventually(async () => (await readVc()).status?.phase === 'Deployed');
    await nested.listNamespace();

    // Delete the Cluster: CAPI deletes the VCluster, whose finalizer uninstalls the chart and the PVC.
    await custom.deleteNamespacedCustomObject(CL);
    await eventually(
      async () =>
        (await statusOf(custom.getNamespacedCustomObject(VC))) === 404,
    );
    await eventually(
      async () =>
        (await statusOf(custom.getNamespacedCustomObject(CL))) === 404,
    );
    expect(
      await statusOf(
        apps.readNamespacedStatefulSet({ namespace: NS, name: NAME }),
      ),
    ).toBe(404);
    await eventually(
      async () =>
        (await statusOf(
          core.readNamespacedPersistentVolumeClaim({
            namespace: NS,
            name: `data-${NAME}-0`,
          }),
        )) === 404,
    );
    await eventually(
      async () =>
        (await statusOf(
          core.readNamespacedSecret({
            namespace: NS,
            name: `${NAME}-kubeconfig`,
          }),
        )) === 404,
    );
    expect(await refused(nested.listNamespace())).toBe(true);
  });

  it('reports phase Failed with an Error-severity condition when the install fails', async () => {
    const name = 'broken';
    sim.faults.failInstalls({ name });
    await custom.createNamespacedCustomObject({
      group: CL.group,
      version: CL.version,
      namespace: NS,
      plural: CL.plural,
      body: {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'Cluster',
        metadata: { name },
        spec: {
          infrastructureRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
            kind: 'VCluster',
            name,
          },
        },
      },
    });
    await custom.createNamespacedCustomObject({
      group: VC.group,
      version: VC.version,
      namespace: NS,
      plural: VC.plural,
      body: {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
        kind: 'VCluster',
        metadata: { name },
        spec: { helmRelease: { chart: { version: 'v0.36.1' } } },
      },
    });
    const failed = await eventually(async () => {
      const vc = (await custom.getNamespacedCustomObject({
        ...VC,
        name,
      })) as VCluster;
      return vc.status?.phase === 'Failed' ? vc : undefined;
    });
    expect(
      failed.status?.conditions?.find(c => c.type === 'HelmChartDeployed'),
    ).toMatchObject({
      status: 'False',
      severity: 'Error',
      reason: 'HelmChartDeployFailed',
    });
    sim.faults.failInstalls(false);
  });
});
