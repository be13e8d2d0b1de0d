import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  AddonStatus,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  eventually,
  Harness,
  SANDBOX_PROFILE,
  SimulatedHost,
  startBackend,
  startSimulators,
  USERS,
} from '@nested-clusters/test-harness';

/** The example `ci` profile of app-config.yaml: Tekton Pipelines' CRDs from a file, and Tekton Chains' chart. */
const CI_PROFILE = {
  ...SANDBOX_PROFILE,
  name: 'ci',
  title: 'CI (Tekton)',
  addons: [
    { name: 'tekton-pipelines', file: 'examples/addons/tekton-pipelines.yaml' },
    {
      name: 'tekton-chains',
      chart: {
        name: 'tekton-chains',
        repo: 'https://cdfoundation.github.io/tekton-helm-chart',
        version: '0.26.0',
      },
      release: { namespace: 'tekton-chains' },
      values: { controller: { replicas: 1 } },
      timeout: '180s',
    },
  ],
};

const TEKTON_CRDS = [
  'pipelineruns.tekton.dev',
  'pipelines.tekton.dev',
  'taskruns.tekton.dev',
  'tasks.tekton.dev',
];

/** Polls the cluster until `ready` holds for it (or fails with what it last was). */
function clusterWhen(
  harness: Harness,
  name: string,
  ready: (cluster: NestedCluster) => boolean,
) {
  return eventually(async () => {
    const { body } = await harness.api.get('eu', name);
    if (!ready(body)) {
      throw new Error(`${name} is not there yet: ${JSON.stringify(body)}`);
    }
    return body;
  });
}

const phases = (addons: AddonStatus[] | undefined) =>
  Object.fromEntries((addons ?? []).map(a => [a.name, a.phase]));

describe.each(['capi', 'helm-job', 'flux'] as const)(
  'profile add-ons with the %s installer',
  installer => {
    let host: SimulatedHost;
    let harness: Harness;

    beforeAll(async () => {
      [host] = await startSimulators(['eu']);
      harness = await startBackend({
        hosts: [{ ...host, installer }],
        profiles: [SANDBOX_PROFILE, CI_PROFILE],
      });
    });
    afterAll(async () => {
      await harness?.stop();
      await host?.sim.stop();
    });

    /** Creates a `ci` cluster and resolves once it is Running, with ms from the create. */
    async function createCi(name: string) {
      const started = Date.now();
      const created = await harness.api.create(name, 'eu', { profile: 'ci' });
      expect(created.status).toBe(202);
      await clusterWhen(harness, name, c => c.status === 'Running');
      return started;
    }

    /** The kubeconfig a user downloads, loaded by client-node. */
    async function downloadedKubeConfig(name: string) {
      const res = await harness.server
        .get(`/api/nested-clusters/clusters/eu/${name}/kubeconfig`)
        .set('Authorization', USERS.guest);
      expect(res.status).toBe(200);
      const kc = new KubeConfig();
      kc.loadFromString(res.text);
      return kc;
    }

    it('deploys the manifests and the chart inside a ci cluster and reports both Success', async () => {
      const started = await createCi('pipelines');
      const ready = await clusterWhen(harness, 'pipelines', c =>
        (c.addons ?? []).every(a => a.phase === 'Success'),
      );
      // eslint-disable-next-line no-console
      console.log(
        `${installer}: create → all add-ons ready in ${
          Date.now() - started
        } ms (test delays)`,
      );
      expect(ready.status).toBe('Running');
      expect(ready.addons).toEqual([
        { name: 'tekton-pipelines', type: 'manifests', phase: 'Success' },
        {
          name: 'tekton-chains',
          type: 'chart',
          chart: { name: 'tekton-chains', version: '0.26.0' },
          release: { name: 'tekton-chains', namespace: 'tekton-chains' },
          phase: 'Success',
        },
      ]);
      // The MCP get action reports the same.
      const viaMcp = await harness.server
        .post(
          '/api/nested-clusters/.backstage/actions/v1/actions/nested-clusters:get-nested-cluster/invoke',
        )
        .set('Authorization', USERS.guest)
        .send({ host: 'eu', name: 'pipelines' });
      expect(viaMcp.status).toBe(200);
      expect(viaMcp.body.output.cluster.addons).toEqual(ready.addons);
      const listed = await harness.api.list();
      expect(
        phases(listed.items.find(c => c.name === 'pipelines')?.addons),
      ).toEqual({ 'tekton-pipelines': 'Success', 'tekton-chains': 'Success' });

      // Inside the cluster, through the kubeconfig a user downloads.
      const kc = await downloadedKubeConfig('pipelines');
      const crds = await kc
        .makeApiClient(ApiextensionsV1Api)
        .listCustomResourceDefinition();
      expect(
        crds.items
          .map(c => c.metadata!.name!)
          .filter(n => n.endsWith('.tekton.dev'))
          .sort(),
      ).toEqual(TEKTON_CRDS);
      const custom = kc.makeApiClient(CustomObjectsApi);
      await custom.createNamespacedCustomObject({
        group: 'tekton.dev',
        version: 'v1',
        namespace: 'default',
        plural: 'tasks',
        body: {
          apiVersion: 'tekton.dev/v1',
          kind: 'Task',
          metadata: { name: 'hello' },
          spec: {
            steps: [{ name: 'echo', image: 'alpine', script: 'echo hello' }],
          },
        },
      });
      await custom.createNamespacedCustomObject({
        group: 'tekton.dev',
        version: 'v1',
        namespace: 'default',
        plural: 'pipelineruns',
        body: {
          apiVersion: 'tekton.dev/v1',
          kind: 'PipelineRun',
          metadata: { name: 'hello-run' },
          spec: {
            pipelineSpec: {
              tasks: [{ name: 'hello', taskRef: { name: 'hello' } }],
            },
          },
        },
      });
      const runs = await custom.listNamespacedCustomObject({
        group: 'tekton.dev',
        version: 'v1',
        namespace: 'default',
        plural: 'pipelineruns',
      });
      expect(runs.items.map((r: any) => r.metadata.name)).toEqual([
        'hello-run',
      ]);
    });

    it("shows a failing chart's message while the cluster stays Running and usable", async () => {
      host.sim.faults.failAddonCharts({ release: 'tekton-chains' });
      try {
        await createCi('broken');
        const failed = await clusterWhen(
          harness,
          'broken',
          c => phases(c.addons)['tekton-chains'] === 'Failed',
        );
        expect(failed.status).toBe('Running');
        expect(failed.addons?.[0]).toMatchObject({
          name: 'tekton-pipelines',
          phase: 'Success',
        });
        // The first install, or vcluster's retry of it (an upgrade).
        expect(failed.addons?.[1]).toMatchObject({
          name: 'tekton-chains',
          phase: 'Failed',
          reason: expect.stringMatching(/^(Install|Upgrade)Failed$/),
          message: expect.stringMatching(
            /^error executing helm (install|upgrade) tekton-chains .*context deadline exceeded$/,
          ),
        });
        const kc = await downloadedKubeConfig('broken');
        await kc
          .makeApiClient(CoreV1Api)
          .createNamespace({ body: { metadata: { name: 'still-usable' } } });
      } finally {
        host.sim.faults.failAddonCharts(false);
      }
      // vcluster retries the chart; once it installs, the status follows.
      await clusterWhen(
        harness,
        'broken',
        c => phases(c.addons)['tekton-chains'] === 'Success',
      );
    });
  },
);
