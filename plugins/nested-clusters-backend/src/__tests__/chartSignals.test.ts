import {
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  HostSimulator,
  isolatedNetwork,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  adminClients,
  eventually,
  FAST_DELAYS,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';

jest.setTimeout(60_000);

/** What the plugin reads from the chart's objects and from the helm-job, through the real backend. */
describe('chart signals', () => {
  let sim: HostSimulator;
  let backend: Harness;

  beforeAll(async () => {
    sim = await startHostSimulator({
      delays: FAST_DELAYS,
      ...isolatedNetwork(),
    });
    backend = await startBackend({ hosts: [{ name: 'eu', sim }] });
  });

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  const get = (name: string) =>
    backend.server
      .get(`/api/nested-clusters/clusters/eu/${name}`)
      .set('Authorization', USERS.guest);

  it('reports the init container kubernetes tag and the syncer tag as two versions', async () => {
    const { core, apps } = adminClients(sim);
    // The chart's objects, made by hand: no installer of the simulator involved.
    await core.createNamespace({
      body: {
        metadata: {
          name: 'nc-byhand',
          labels: {
            'app.kubernetes.io/managed-by': 'backstage-nested-clusters',
            'nested-clusters.backstage.io/name': 'byhand',
          },
          annotations: {
            'nested-clusters.backstage.io/owner': 'group:default/team-a',
            'nested-clusters.backstage.io/created-by': 'user:default/guest',
            'nested-clusters.backstage.io/profile': 'sandbox',
            'nested-clusters.backstage.io/installer': 'helm-job',
            'nested-clusters.backstage.io/expires-at': new Date(
              Date.now() + 3_600_000,
            ).toISOString(),
          },
        },
      },
    });
    const selector = { app: 'vcluster', release: 'byhand' };
    await apps.createNamespacedStatefulSet({
      namespace: 'nc-byhand',
      body: {
        metadata: {
          name: 'byhand',
          labels: { ...selector, chart: 'vcluster-0.35.3', heritage: 'Helm' },
        },
        spec: {
          serviceName: 'byhand-headless',
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: selector },
            spec: {
              initContainers: [
                {
                  name: 'kubernetes',
                  image: 'ghcr.io/loft-sh/kubernetes:v1.33.4',
                  command: ['cp'],
                  args: ['-r', '/kubernetes/.', '/binaries/'],
                },
              ],
              containers: [
                {
                  name: 'syncer',
                  image: 'ghcr.io/loft-sh/vcluster-pro:0.35.3',
                },
              ],
            },
          },
        },
      },
    });
    const cluster = await eventually(async () => {
      const res = await get('byhand');
      expect(res.body.vclusterVersion).toBeDefined();
      return res.body;
    });
    expect(cluster.kubernetesVersion).toBe('v1.33.4');
    expect(cluster.vclusterVersion).toBe('0.35.3');
  });

  it("fails a helm-job install with the API server's reason when the installer Role misses a verb", async () => {
    // The install runs a little later, so the Role can lose a verb first.
    sim.faults.slowInstalls(20);
    try {
      const created = await backend.server
        .post('/api/nested-clusters/clusters')
        .set('Authorization', USERS.guest)
        .send({ name: 'refused', host: 'eu', profile: 'sandbox' });
      expect(created.status).toBe(202);
      const { kubeConfig } = adminClients(sim);
      const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
      const role = await eventually(() =>
        rbac.readNamespacedRole({
          namespace: 'nc-refused',
          name: 'nested-clusters-installer',
        }),
      );
      await rbac.patchNamespacedRole(
        {
          namespace: 'nc-refused',
          name: 'nested-clusters-installer',
          body: {
            rules: role.rules!.map(rule =>
              rule.resources?.includes('secrets') && rule.verbs.includes('list')
                ? { ...rule, verbs: rule.verbs.filter(v => v !== 'list') }
                : rule,
            ),
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const failed = await eventually(async () => {
        const res = await get('refused');
        expect(res.body.status).toBe('Failed');
        return res.body;
      }, 20_000);
      expect(failed.statusMessage).toBe(
        'vcluster create failed: fatal get current helm release: secrets is forbidden: User "system:serviceaccount:nc-refused:nested-clusters-installer" cannot list resource "secrets" in API group "" in the namespace "nc-refused"',
      );
    } finally {
      sim.faults.slowInstalls(1);
    }
  });
});
