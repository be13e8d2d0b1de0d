jest.setTimeout(60_000);

import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { EXPIRY_TASK_ID } from '../plugin';
import {
  adminClients,
  eventually,
  Harness,
  startBackend,
  USERS,
} from '../__testUtils__/harness';
import { expectMatchesSpec } from '../__testUtils__/openapi';

describe.each(['capi', 'helm-job', 'flux'] as const)(
  'lifecycle with the %s installer',
  installer => {
    let sim: HostSimulator;
    let backend: Harness;
    let admin: ReturnType<typeof adminClients>;
    let nestedToken: string | undefined;
    const name = `demo-${installer}`;
    const namespace = `nc-${name}`;
    const path = `/api/nested-clusters/clusters/simulated/${name}`;

    beforeAll(async () => {
      sim = await startHostSimulator();
      admin = adminClients(sim);
      backend = await startBackend({
        hosts: [{ name: 'simulated', sim, installer }],
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await sim?.stop();
    });

    const get = (url: string, user = USERS.guest) =>
      backend.server.get(url).set('Authorization', user);
    const post = (url: string, body?: object, user = USERS.guest) =>
      backend.server.post(url).set('Authorization', user).send(body);

    async function waitForStatus(status: string) {
      return eventually(async () => {
        const res = await get(path);
        expect(res.body).toMatchObject({ status });
        return res;
      });
    }

    it('creates a cluster that reaches Running', async () => {
      const res = await post('/api/nested-clusters/clusters', {
        name,
        profile: 'sandbox',
        entityRef: 'component:default/web-shop',
      });
      expect(res.status).toBe(202);
      expectMatchesSpec('post', '/clusters', res);
      expect(res.body).toMatchObject({
        name,
        host: 'simulated',
        namespace,
        status: 'Provisioning',
        owner: 'group:default/team-a',
        component: 'component:default/web-shop',
        createdBy: 'user:default/guest',
        profile: 'sandbox',
        installer,
      });

      const ns = await admin.core.readNamespace({ name: namespace });
      expect(ns.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'backstage-nested-clusters',
      });
      expect(ns.metadata?.annotations).toMatchObject({
        'nested-clusters.backstage.io/owner': 'group:default/team-a',
        'nested-clusters.backstage.io/component': 'component:default/web-shop',
        'nested-clusters.backstage.io/created-by': 'user:default/guest',
        'nested-clusters.backstage.io/profile': 'sandbox',
        'nested-clusters.backstage.io/installer': installer,
        'nested-clusters.backstage.io/expires-at': res.body.expiresAt,
      });

      const running = await waitForStatus('Running');
      expectMatchesSpec('get', '/clusters/{host}/{name}', running);
      expect(running.body.kubernetesVersion).toBe('v1.35.0');

      const list = await get(
        '/api/nested-clusters/clusters?entityRef=component:default/web-shop',
      );
      expectMatchesSpec('get', '/clusters', list);
      expect(list.body.items.map((c: { name: string }) => c.name)).toEqual([
        name,
      ]);
      expect(list.body.hostErrors).toEqual([]);
    });

    it('pauses with the vcluster CLI patch', async () => {
      const res = await post(`${path}/pause`);
      expect(res.status).toBe(202);
      expectMatchesSpec('post', '/clusters/{host}/{name}/pause', res);
      await waitForStatus('Paused');
      const sts = await admin.apps.readNamespacedStatefulSet({
        name,
        namespace,
      });
      expect(sts.metadata?.annotations).toMatchObject({
        'loft.sh/paused': 'true',
        'loft.sh/paused-replicas': '1',
        'loft.sh/paused-date': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(sts.spec?.replicas).toBe(0);
      if (installer === 'flux') {
        const release = (await admin.custom.getNamespacedCustomObject({
          group: 'helm.toolkit.fluxcd.io',
          version: 'v2',
          namespace,
          plural: 'helmreleases',
          name,
        })) as { spec: { suspend?: boolean } };
        expect(release.spec.suspend).toBe(true);
      }
      // Pausing twice is an impossible transition.
      const again = await post(`${path}/pause`);
      expect(again.status).toBe(409);
    });

    it('resumes to Running', async () => {
      const res = await post(`${path}/resume`);
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('Resuming');
      await waitForStatus('Running');
      const sts = await admin.apps.readNamespacedStatefulSet({
        name,
        namespace,
      });
      expect(sts.metadata?.annotations?.['loft.sh/paused']).toBeUndefined();
      expect(
        sts.metadata?.annotations?.['loft.sh/paused-replicas'],
      ).toBeUndefined();
      expect(sts.spec?.replicas).toBe(1);
    });

    it('extends, and refuses to go beyond maxTtl', async () => {
      const before = (await get(path)).body;
      const res = await post(`${path}/extend`, { ttl: '24h' });
      expect(res.status).toBe(200);
      expectMatchesSpec('post', '/clusters/{host}/{name}/extend', res);
      expect(Date.parse(res.body.expiresAt)).toBe(
        Date.parse(before.expiresAt) + 24 * 3600_000,
      );
      await eventually(async () =>
        expect((await get(path)).body.expiresAt).toBe(res.body.expiresAt),
      );

      const tooFar = await post(`${path}/extend`, { ttl: '14d' });
      expect(tooFar.status).toBe(400);
      expect(tooFar.body.error.message).toMatch(/^ttl: .*maxTtl 14d/);
    });

    it('downloads a kubeconfig that works against the nested cluster', async () => {
      const res = await eventually(async () => {
        const r = await get(`${path}/kubeconfig`);
        expect(r.status).toBe(200);
        return r;
      });
      expect(res.headers['content-type']).toMatch(/^text\/yaml/);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="simulated-${name}.kubeconfig.yaml"`,
      );
      const kc = new KubeConfig();
      kc.loadFromString(res.text);
      expect(kc.getCurrentContext()).toBe(`simulated-${name}`);
      expect(kc.getCurrentCluster()?.server).toBe(
        `${sim.url}/vclusters/${namespace}/${name}`,
      );
      nestedToken = kc.getCurrentUser()?.token;
      expect(nestedToken).toBeTruthy();
      const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
      const names = namespaces.items.map(n => n.metadata?.name);
      expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));
      expect(names).not.toContain(namespace);
    });

    it('deletes it: the namespace is gone from the host', async () => {
      const res = await backend.server
        .delete(path)
        .set('Authorization', USERS.guest);
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('Deleting');
      await eventually(async () => {
        await expect(
          admin.core.readNamespace({ name: namespace }),
        ).rejects.toMatchObject({ code: 404 });
        expect((await get(path)).status).toBe(404);
      });
    });

    it('deletes expired clusters in the scheduled task', async () => {
      const expiring = `exp-${installer}`;
      const res = await post('/api/nested-clusters/clusters', {
        name: expiring,
        profile: 'sandbox',
        ttl: '1h',
      });
      expect(res.status).toBe(202);
      await eventually(async () =>
        expect(
          (await get(`/api/nested-clusters/clusters/simulated/${expiring}`))
            .status,
        ).toBe(200),
      );
      // Time passes on the host: the expiry annotation is now in the past.
      const past = new Date(Date.now() - 60_000).toISOString();
      await admin.core.patchNamespace(
        {
          name: `nc-${expiring}`,
          body: {
            metadata: {
              annotations: { 'nested-clusters.backstage.io/expires-at': past },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(async () =>
        expect(
          (await get(`/api/nested-clusters/clusters/simulated/${expiring}`))
            .body.expiresAt,
        ).toBe(past),
      );

      await backend.scheduler.triggerTask(EXPIRY_TASK_ID);

      await eventually(async () => {
        await expect(
          admin.core.readNamespace({ name: `nc-${expiring}` }),
        ).rejects.toMatchObject({ code: 404 });
      });
      expect(
        backend.logs.lines.some(
          l => l.includes('nested-cluster-expire') && l.includes(expiring),
        ),
      ).toBe(true);
    });

    it('never logs the host token or kubeconfig contents', () => {
      const all = backend.logs.lines.join('\n');
      expect(all).toContain('nested-cluster-create');
      expect(all).not.toContain(sim.token);
      expect(all).not.toContain(nestedToken);
      expect(all).not.toContain('certificate-authority-data');
      expect(all).not.toContain('BEGIN CERTIFICATE');
      expect(all).not.toContain('apiVersion: v1\nkind: Config');
    });
  },
);
