import { V1PodTemplateSpec } from '@kubernetes/client-node';
import { mockCredentials } from '@backstage/backend-test-utils';
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
import { expectMatchesSpec } from '../__testUtils__/openapi';

jest.setTimeout(60_000);

/** Allowed nested-clusters.host.read by the example policy (platform-admins). */
const DANA = mockCredentials.user.header('user:default/dana');

/**
 * The control plane's pod template as chart 0.36.1 renders it
 * (chart/templates/statefulset.yaml, _init-containers.tpl): labels app and
 * release, init container `kubernetes`, container `syncer`.
 */
function controlPlane(release: string, k8s: string, vcluster: string) {
  const selector = { app: 'vcluster', release };
  const template: V1PodTemplateSpec = {
    metadata: { labels: selector },
    spec: {
      initContainers: [
        {
          name: 'kubernetes',
          image: `ghcr.io/loft-sh/kubernetes:${k8s}`,
          command: ['cp'],
          args: ['-r', '/kubernetes/.', '/binaries/'],
        },
      ],
      containers: [
        { name: 'syncer', image: `ghcr.io/loft-sh/vcluster-pro:${vcluster}` },
      ],
    },
  };
  return {
    metadata: {
      name: release,
      labels: {
        ...selector,
        chart: `vcluster-${vcluster}`,
        heritage: 'Helm',
      },
    },
    spec: { replicas: 1, selector: { matchLabels: selector }, template },
  };
}

/** vclusters installed by the vcluster CLI, which carry none of the plugin's labels. */
describe('unmanaged vclusters', () => {
  let sim: HostSimulator;
  let backend: Harness;

  const get = (path: string, user: string = USERS.guest) =>
    backend.server
      .get(`/api/nested-clusters${path}`)
      .set('Authorization', user);

  beforeAll(async () => {
    sim = await startHostSimulator({
      delays: FAST_DELAYS,
      ...isolatedNetwork(),
    });
    backend = await startBackend({ hosts: [{ name: 'eu', sim }] });
    const { core, apps } = adminClients(sim);
    // As `vcluster create dev -n team-a-dev` leaves them: a plain namespace
    // and the chart's StatefulSet, no installer of the simulator involved.
    await core.createNamespace({ body: { metadata: { name: 'team-a-dev' } } });
    const dev = controlPlane('dev', 'v1.33.4', '0.36.1');
    await apps.createNamespacedStatefulSet({
      namespace: 'team-a-dev',
      body: { ...dev, spec: { ...dev.spec, serviceName: 'dev-headless' } },
    });
    // The chart's Deployment (no persistence), in a namespace that has the
    // plugin's prefix but not its labels.
    await core.createNamespace({ body: { metadata: { name: 'nc-legacy' } } });
    await apps.createNamespacedDeployment({
      namespace: 'nc-legacy',
      body: controlPlane('legacy', 'v1.32.1', '0.35.3'),
    });
    // And one of the plugin's own clusters, which must not be listed as unmanaged.
    const created = await backend.server
      .post('/api/nested-clusters/clusters')
      .set('Authorization', USERS.guest)
      .send({ name: 'mine', host: 'eu', profile: 'sandbox' });
    if (created.status !== 202) {
      throw new Error(`create answered ${created.status}`);
    }
    await eventually(async () => {
      const { status } = (await get('/clusters/eu/mine')).body;
      if (status !== 'Running') {
        throw new Error(`cluster mine is ${status}`);
      }
    }, 30_000);
  });

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  it('lists them on their host with both versions', async () => {
    const res = await eventually(async () => {
      const hosts = await get('/hosts', DANA);
      const eu = hosts.body.items.find(
        (h: { name: string }) => h.name === 'eu',
      );
      expect(eu.unmanaged).toHaveLength(2);
      expect(eu.unmanaged.map((u: { status: string }) => u.status)).toEqual([
        'Running',
        'Running',
      ]);
      return hosts;
    }, 20_000);
    expectMatchesSpec('get', '/hosts', res);
    expect(res.body.items[0].unmanaged).toEqual([
      {
        namespace: 'nc-legacy',
        name: 'legacy',
        kind: 'Deployment',
        status: 'Running',
        kubernetesVersion: 'v1.32.1',
        vclusterVersion: '0.35.3',
      },
      {
        namespace: 'team-a-dev',
        name: 'dev',
        kind: 'StatefulSet',
        status: 'Running',
        kubernetesVersion: 'v1.33.4',
        vclusterVersion: '0.36.1',
      },
    ]);
    // They are not the plugin's clusters: the host's count leaves them out.
    expect(res.body.items[0].clusterCount).toBe(1);
  });

  it('lists them to every signed-in caller, without the host.read details', async () => {
    const res = await get('/hosts');
    expect(res.status).toBe(200);
    expect(
      res.body.items[0].unmanaged.map(
        (u: { namespace: string; name: string }) => `${u.namespace}/${u.name}`,
      ),
    ).toEqual(['nc-legacy/legacy', 'team-a-dev/dev']);
  });

  it('keeps them out of the managed clusters, and no route acts on them', async () => {
    const list = await get('/clusters', DANA);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual([
      'mine',
    ]);
    expect((await get('/clusters/eu/legacy', DANA)).status).toBe(404);
    expect((await get('/clusters/eu/dev', DANA)).status).toBe(404);
    expect((await get('/clusters/eu/legacy/kubeconfig', DANA)).status).toBe(
      404,
    );
    expect(
      (await get('/clusters/eu/legacy/kubeconfig/admin', DANA)).status,
    ).toBe(404);
    for (const action of ['pause', 'resume', 'extend']) {
      const res = await backend.server
        .post(`/api/nested-clusters/clusters/eu/legacy/${action}`)
        .set('Authorization', DANA)
        .send(action === 'extend' ? { ttl: '1h' } : {});
      expect([action, res.status]).toEqual([action, 404]);
    }
    const deleted = await backend.server
      .delete('/api/nested-clusters/clusters/eu/legacy')
      .set('Authorization', DANA);
    expect(deleted.status).toBe(404);
    // Untouched on the host.
    const { apps } = adminClients(sim);
    const deployment = await apps.readNamespacedDeployment({
      namespace: 'nc-legacy',
      name: 'legacy',
    });
    expect(deployment.metadata?.deletionTimestamp).toBeUndefined();
    expect(
      deployment.metadata?.annotations?.['loft.sh/paused'],
    ).toBeUndefined();
  });
});
