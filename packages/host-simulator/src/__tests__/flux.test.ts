import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  isolatedNetwork,
  kubeConfigAt,
  mergePatch,
  pausePatch,
  refused,
  resumePatch,
  statusOf,
} from '../__testUtils__/helpers';

const NS = 'nc-flux';
const NAME = 'team-f';
const HR = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  namespace: NS,
  plural: 'helmreleases',
  name: NAME,
};

type HelmRelease = {
  metadata: k8s.V1ObjectMeta;
  spec: Record<string, unknown>;
  status?: {
    conditions?: {
      type: string;
      status: string;
      reason: string;
      message: string;
    }[];
    history?: { version: number; status: string }[];
  };
};

// Each timeline waits through several reconciles; a loaded 2-core CI runner
// needs more than Jest's default 5 s for them.
jest.setTimeout(30_000);

describe('flux installer timeline', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let custom: k8s.CustomObjectsApi;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    const kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  afterAll(() => sim.stop());

  const readHr = async () =>
    (await custom.getNamespacedCustomObject(HR)) as HelmRelease;
  const ready = (hr: HelmRelease) =>
    hr.status?.conditions?.find(c => c.type === 'Ready');
  const replicas = async () =>
    (await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME })).spec
      ?.replicas;

  it('installs, pauses with suspend, resumes, corrects drift and deletes', async () => {
    await custom.createNamespacedCustomObject({
      group: HR.group,
      version: HR.version,
      namespace: NS,
      plural: HR.plural,
      body: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: NAME },
        spec: {
          interval: '10m',
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
          driftDetection: { mode: 'enabled' },
          values: {
            controlPlane: {
              service: { spec: { type: 'LoadBalancer' } },
              proxy: { extraSANs: ['team-f.example.com'] },
            },
          },
        },
      },
    });
    // Progressing first, then Ready=True once the StatefulSet is ready (helm --wait).
    const progressing = await eventually(async () => {
      const hr = await readHr();
      return ready(hr)?.status === 'Unknown' ? hr : undefined;
    });
    expect(ready(progressing)).toMatchObject({
      reason: 'Progressing',
      message: "Running 'install' action with timeout of 5m0s",
    });
    expect(progressing.metadata.finalizers).toEqual(['finalizers.fluxcd.io']);
    const installed = await eventually(async () => {
      const hr = await readHr();
      return ready(hr)?.status === 'True' ? hr : undefined;
    });
    expect(ready(installed)).toMatchObject({
      reason: 'InstallSucceeded',
      message: `Helm install succeeded for release ${NS}/${NAME}.v1 with chart vcluster@0.36.1`,
    });
    expect(
      installed.status?.conditions?.find(c => c.type === 'Released')?.status,
    ).toBe('True');
    expect(installed.status?.history?.[0]).toMatchObject({
      version: 1,
      status: 'deployed',
    });
    const sts = await apps.readNamespacedStatefulSet({
      namespace: NS,
      name: NAME,
    });
    expect(sts.metadata?.labels).toMatchObject({
      app: 'vcluster',
      release: NAME,
      'helm.toolkit.fluxcd.io/name': NAME,
      'helm.toolkit.fluxcd.io/namespace': NS,
    });
    expect(sts.status?.readyReplicas).toBe(1);
    const release = await core.readNamespacedSecret({
      namespace: NS,
      name: `sh.helm.release.v1.${NAME}.v1`,
    });
    expect(release.metadata?.labels?.status).toBe('deployed');
    const secret = await eventually(() =>
      core.readNamespacedSecret({ namespace: NS, name: `vc-${NAME}` }),
    );
    // The load balancer's address serves the Service, like `vcluster connect` finds it.
    const svc = await core.readNamespacedService({ namespace: NS, name: NAME });
    const ip = svc.status?.loadBalancer?.ingress?.[0].ip;
    expect(ip).toMatch(/^127\./);
    const nested = kubeConfigAt(
      secret,
      'config',
      `https://${ip}:8443`,
    ).makeApiClient(k8s.CoreV1Api);
    expect((await nested.listNamespace()).items.length).toBe(4);

    // Drift correction: an unsuspended release puts the replicas back.
    await apps.patchNamespacedStatefulSet(
      { namespace: NS, name: NAME, body: pausePatch(1) },
      mergePatch(),
    );
    await eventually(async () => (await replicas()) === 1);
    await eventually(() => nested.listNamespace());

    // Pause properly: suspend the release first, then the CLI patch sticks.
    await custom.patchNamespacedCustomObject(
      { ...HR, body: { spec: { suspend: true } } },
      mergePatch(),
    );
    await apps.patchNamespacedStatefulSet(
      { namespace: NS, name: NAME, body: pausePatch(1) },
      mergePatch(),
    );
    await eventually(
      async () =>
        (
          await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME })
        ).status?.replicas === 0,
    );
    expect(await refused(nested.listNamespace())).toBe(true);
    expect(await replicas()).toBe(0);
    expect(ready(await readHr())?.status).toBe('True');

    // Resume: CLI patch, then unsuspend.
    await apps.patchNamespacedStatefulSet(
      { namespace: NS, name: NAME, body: resumePatch(1) },
      mergePatch(),
    );
    await custom.patchNamespacedCustomObject(
      { ...HR, body: { spec: { suspend: false } } },
      mergePatch(),
    );
    await eventually(() => nested.listNamespace());

    // Delete: the finalizer uninstalls the release, the PVC stays (Retain).
    await custom.deleteNamespacedCustomObject(HR);
    await eventually(
      async () =>
        (await statusOf(custom.getNamespacedCustomObject(HR))) === 404,
    );
    await eventually(
      async () =>
        (await statusOf(
          apps.readNamespacedStatefulSet({ namespace: NS, name: NAME }),
        )) === 404,
    );
    expect(
      await statusOf(
        core.readNamespacedSecret({
          namespace: NS,
          name: `sh.helm.release.v1.${NAME}.v1`,
        }),
      ),
    ).toBe(404);
    expect(
      await statusOf(core.readNamespacedService({ namespace: NS, name: NAME })),
    ).toBe(404);
    await core.readNamespacedPersistentVolumeClaim({
      namespace: NS,
      name: `data-${NAME}-0`,
    });
    expect(await refused(nested.listNamespace())).toBe(true);
  });

  it('leaves paused replicas alone when drift detection ignores /spec/replicas', async () => {
    const name = 'team-g';
    await custom.createNamespacedCustomObject({
      group: HR.group,
      version: HR.version,
      namespace: NS,
      plural: HR.plural,
      body: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name },
        spec: {
          chart: {
            spec: {
              chart: 'vcluster',
              version: '0.36.x',
              sourceRef: {
                kind: 'HelmRepository',
                name: 'vcluster',
                namespace: 'flux-system',
              },
            },
          },
          driftDetection: {
            mode: 'enabled',
            ignore: [
              { paths: ['/spec/replicas'], target: { kind: 'StatefulSet' } },
            ],
          },
          values: {},
        },
      },
    });
    await eventually(
      async () =>
        ready(
          (await custom.getNamespacedCustomObject({
            ...HR,
            name,
          })) as HelmRelease,
        )?.status === 'True',
    );
    await apps.patchNamespacedStatefulSet(
      { namespace: NS, name, body: pausePatch(1) },
      mergePatch(),
    );
    await eventually(
      async () =>
        (
          await apps.readNamespacedStatefulSet({ namespace: NS, name })
        ).status?.replicas === 0,
    );
    // Give the drift corrector the time it would need to act.
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(
      (await apps.readNamespacedStatefulSet({ namespace: NS, name })).spec
        ?.replicas,
    ).toBe(0);
  });

  it('reports InstallFailed and a CrashLoopBackOff pod when installs fail', async () => {
    const name = 'team-h';
    sim.faults.failInstalls({ name });
    await custom.createNamespacedCustomObject({
      group: HR.group,
      version: HR.version,
      namespace: NS,
      plural: HR.plural,
      body: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name },
        spec: {
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
          values: {},
        },
      },
    });
    const failed = await eventually(async () => {
      const hr = (await custom.getNamespacedCustomObject({
        ...HR,
        name,
      })) as HelmRelease;
      return ready(hr)?.status === 'False' ? hr : undefined;
    });
    expect(ready(failed)?.reason).toBe('InstallFailed');
    const pod = await eventually(async () => {
      const p = await core.readNamespacedPod({
        namespace: NS,
        name: `${name}-0`,
      });
      return p.status?.containerStatuses?.[0].state?.waiting ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.reason).toBe(
      'CrashLoopBackOff',
    );
    const release = await core.readNamespacedSecret({
      namespace: NS,
      name: `sh.helm.release.v1.${name}.v1`,
    });
    expect(release.metadata?.labels?.status).toBe('failed');
    sim.faults.failInstalls(false);
  });
  it('waits for its HelmRepository source (ArtifactFailed), then installs', async () => {
    const name = 'team-s';
    const hr = { ...HR, name };
    await custom.createNamespacedCustomObject({
      group: HR.group,
      version: HR.version,
      namespace: NS,
      plural: HR.plural,
      body: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name },
        spec: {
          chart: {
            spec: {
              chart: 'vcluster',
              version: '0.36.1',
              sourceRef: { kind: 'HelmRepository', name: 'loft' },
            },
          },
          values: {},
        },
      },
    });
    const waiting = await eventually(async () => {
      const r = (await custom.getNamespacedCustomObject(hr)) as HelmRelease;
      return ready(r)?.reason === 'ArtifactFailed' ? r : undefined;
    });
    expect(ready(waiting)).toMatchObject({
      status: 'False',
      message: `HelmChart '${NS}/${NS}-${name}' is not ready: HelmRepository '${NS}/loft' not found`,
    });
    await custom.createNamespacedCustomObject({
      group: 'source.toolkit.fluxcd.io',
      version: 'v1',
      namespace: NS,
      plural: 'helmrepositories',
      body: {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: 'loft' },
        spec: { url: 'https://charts.loft.sh' },
      },
    });
    await eventually(
      async () =>
        ready((await custom.getNamespacedCustomObject(hr)) as HelmRelease)
          ?.status === 'True',
    );
  });
});
