import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  installVcluster,
  isolatedNetwork,
  kubeConfigFromSecret,
} from '../__testUtils__/helpers';

const MANIFESTS = readFileSync(
  resolve(__dirname, '../../../../examples/addons/tekton-pipelines.yaml'),
  'utf8',
);
const CHAINS = {
  chart: {
    name: 'tekton-chains',
    repo: 'https://charts.example.com/tekton',
    version: '0.26.0',
  },
  release: { name: 'tekton-chains', namespace: 'tekton-chains' },
  values: 'controller:\n  replicas: 1\n',
};

/** The status vcluster's deploy controller wrote in the nested cluster. */
async function deployStatus(core: k8s.CoreV1Api) {
  const cm = await core.readNamespacedConfigMap({
    namespace: 'kube-system',
    name: 'vcluster-deploy',
  });
  return JSON.parse(cm.metadata!.annotations!['vcluster.loft.sh/status']);
}

describe('vcluster deploy controller (experimental.deploy.vcluster)', () => {
  let sim: HostSimulator;
  let port = 31500;

  beforeEach(async () => {
    sim = await startHostSimulator(isolatedNetwork());
  });
  afterEach(() => sim.stop());

  /** A vcluster exposed on a NodePort with these deploy values; its admin clients. */
  async function nestedCluster(name: string, deploy: object) {
    port++;
    const secret = await installVcluster(sim, `nc-${name}`, name, {
      exportKubeConfig: { server: `https://${sim.nodeAddress}:${port}` },
      controlPlane: {
        service: { spec: { type: 'NodePort' }, httpsNodePort: port },
      },
      experimental: { deploy: { vcluster: deploy } },
    });
    const kc = kubeConfigFromSecret(secret, 'config');
    return {
      core: kc.makeApiClient(k8s.CoreV1Api),
      custom: kc.makeApiClient(k8s.CustomObjectsApi),
    };
  }

  it('applies the manifests, installs the charts and records both in kube-system/vcluster-deploy', async () => {
    const { core, custom } = await nestedCluster('ci', {
      manifests: MANIFESTS,
      helm: [CHAINS],
    });
    const status = await eventually(async () => {
      const s = await deployStatus(core);
      expect(s.phase).toBe('Success');
      return s;
    });
    expect(status).toEqual({
      phase: 'Success',
      charts: [
        {
          name: 'tekton-chains',
          namespace: 'tekton-chains',
          phase: 'Success',
          lastAppliedChartConfigHash: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
      ],
      manifests: {
        phase: 'Success',
        lastAppliedManifests: expect.any(String),
      },
    });
    expect(
      gunzipSync(
        Buffer.from(status.manifests.lastAppliedManifests, 'base64'),
      ).toString(),
    ).toBe(MANIFESTS);

    await core.readNamespace({ name: 'tekton-pipelines' });
    const created = await custom.createNamespacedCustomObject({
      group: 'tekton.dev',
      version: 'v1',
      namespace: 'default',
      plural: 'tasks',
      body: {
        apiVersion: 'tekton.dev/v1',
        kind: 'Task',
        metadata: { name: 'hello' },
        spec: { steps: [{ name: 'echo', image: 'alpine', script: 'echo hi' }] },
      },
    });
    expect(created.kind).toBe('Task');

    const secrets = await core.listNamespacedSecret({
      namespace: 'tekton-chains',
      labelSelector: 'owner=helm,name=tekton-chains',
    });
    expect(secrets.items.map(s => [s.metadata!.name, s.type])).toEqual([
      ['sh.helm.release.v1.tekton-chains.v1', 'helm.sh/release.v1'],
    ]);
    expect(secrets.items[0].metadata!.labels).toMatchObject({
      status: 'deployed',
      version: '1',
    });
  }, 20000);

  it("reports Pending while a chart installs, Failed with helm's message under the fault, and Success after a retry once it clears", async () => {
    sim.faults.failAddonCharts({ release: 'tekton-chains' });
    sim.faults.slowInstalls(4);
    const { core } = await nestedCluster('broken', {
      manifests: MANIFESTS,
      helm: [CHAINS],
    });
    const pending = await eventually(() => deployStatus(core));
    expect(pending.phase).toBe('Pending');
    expect(pending.manifests.phase).toBe('Success');
    expect(pending.charts).toBeUndefined();
    sim.faults.slowInstalls(1);

    const failed = await eventually(async () => {
      const s = await deployStatus(core);
      expect(s.phase).toBe('Failed');
      return s;
    });
    expect(failed).toMatchObject({
      phase: 'Failed',
      reason: 'InstallFailed',
      message: expect.stringContaining(
        'error executing helm install tekton-chains',
      ),
      charts: [
        {
          name: 'tekton-chains',
          phase: 'Failed',
          reason: 'InstallFailed',
          message: failed.message,
        },
      ],
      manifests: { phase: 'Success' },
    });
    // The cluster stays usable while its chart fails.
    await core.createNamespace({ body: { metadata: { name: 'work' } } });

    sim.faults.failAddonCharts(false);
    await eventually(async () => {
      expect((await deployStatus(core)).phase).toBe('Success');
      return true;
    });
    const labels = (
      await core.listNamespacedSecret({
        namespace: 'tekton-chains',
        labelSelector: 'owner=helm,name=tekton-chains',
      })
    ).items.map(s => s.metadata!.labels!.status);
    expect(labels.sort()).toEqual(['deployed', 'failed']);
  }, 30000);
});
