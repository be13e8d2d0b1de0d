import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubeConfig } from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  adminClients,
  CapturingLogger,
  eventually,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import {
  ListClustersResponse,
  nestedClusterCreatePermission,
} from '@nested-clusters/plugin-nested-clusters-common';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { GENERIC_HOST_MESSAGE } from '../services/ClusterAccess';

jest.setTimeout(60_000);

const API = '/api/nested-clusters';

/**
 * Refusals, quotas, a host that goes down, a create that fails halfway, and a
 * restart, against two simulated hosts: alpha (helm-job, up) and beta (flux, goes down).
 */
describe('refusals and failures', () => {
  let alpha: HostSimulator;
  let beta: HostSimulator;
  let backend: Harness;
  const logs = new CapturingLogger();
  const secrets: string[] = [];

  const hosts = () => [
    {
      name: 'alpha',
      sim: alpha,
      installer: 'helm-job' as const,
      maxClusters: 4,
    },
    { name: 'beta', sim: beta, installer: 'flux' as const },
  ];

  beforeAll(async () => {
    [alpha, beta] = await Promise.all([
      startHostSimulator(),
      startHostSimulator(),
    ]);
    secrets.push(alpha.token, beta.token);
    backend = await startBackend({
      hosts: hosts(),
      limits: { clustersPerOwner: 2 },
      logs,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([alpha?.stop(), beta?.stop()]);
  });

  const create = (body: object, user = USERS.guest, query = '') =>
    backend.server
      .post(`${API}/clusters${query}`)
      .set('Authorization', user)
      .send(body);
  const get = (path: string, user = USERS.guest) =>
    backend.server.get(`${API}${path}`).set('Authorization', user);

  async function waitForRunning(host: string, name: string) {
    await eventually(async () =>
      expect((await get(`/clusters/${host}/${name}`)).body.status).toBe(
        'Running',
      ),
    );
  }

  it('refuses callers without user credentials', async () => {
    const none = await get('/clusters', mockCredentials.none.header());
    expect(none.status).toBe(401);
    // A plain service token would be allowed everything by the permission
    // client; the API only accepts users (and services acting for users).
    const service = await get('/clusters', mockCredentials.service.header());
    expect(service.status).toBe(403);
  });

  it('lets team-a create a cluster for its component', async () => {
    const res = await create({
      name: 'team-a-box',
      profile: 'sandbox',
      host: 'alpha',
      entityRef: 'component:default/web-shop',
    });
    expect(res.status).toBe(202);
    expect(res.body.owner).toBe('group:default/team-a');
    await waitForRunning('alpha', 'team-a-box');
  });

  it.each([
    ['kubeconfig', 'get', '/kubeconfig', 'nested-clusters.cluster.kubeconfig'],
    ['pause', 'post', '/pause', 'nested-clusters.cluster.update'],
    ['extend', 'post', '/extend', 'nested-clusters.cluster.update'],
    ['delete', 'delete', '', 'nested-clusters.cluster.delete'],
  ] as const)(
    'refuses %s of team-a’s cluster to a team-b member (403 naming the permission)',
    async (_action, method, suffix, permission) => {
      const res = await backend.server[method](
        `${API}/clusters/alpha/team-a-box${suffix}`,
      )
        .set('Authorization', USERS.bob)
        .send(suffix === '/extend' ? { ttl: '1h' } : undefined);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(permission);
      expectMatchesSpec(
        method,
        `/clusters/{host}/{name}${suffix}`,
        res as unknown as Parameters<typeof expectMatchesSpec>[2],
      );
    },
  );

  it('still lets team-b read it, and a team-a member download its kubeconfig', async () => {
    const read = await get('/clusters/alpha/team-a-box', USERS.bob);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('Running');

    const kubeconfig = await get(
      '/clusters/alpha/team-a-box/kubeconfig',
      USERS.carol,
    );
    expect(kubeconfig.status).toBe(200);
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig.text);
    secrets.push(kc.getCurrentUser()!.token!);
  });

  it('refuses to give a cluster to a group the caller is not in', async () => {
    const res = await create(
      { name: 'not-mine', profile: 'sandbox', owner: 'group:default/team-a' },
      USERS.bob,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'owner: group:default/team-a is not you or one of your groups',
    );
    expect((await get('/clusters/alpha/not-mine', USERS.bob)).status).toBe(404);
  });

  it.each([
    ['a create', ''],
    ['a dry run', '?dryRun=true'],
  ])(
    'refuses %s for another team’s component (403 naming the permission, the component and its owner)',
    async (_what, query) => {
      const res = await create(
        {
          name: 'bob-on-web-shop',
          profile: 'sandbox',
          host: 'alpha',
          entityRef: 'component:default/web-shop',
        },
        USERS.bob,
        query,
      );
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          'Not allowed: permission nested-clusters.cluster.create was denied for component:default/web-shop (owned by group:default/team-a)',
      });
      expectMatchesSpec(
        'post',
        '/clusters',
        res as unknown as Parameters<typeof expectMatchesSpec>[2],
      );
      expect((await get('/clusters/alpha/bob-on-web-shop')).status).toBe(404);
    },
  );

  it('lets a member of the component’s owner create for it, also as their own cluster, and anyone create without a component', async () => {
    const carol = await create(
      {
        name: 'carol-on-billing',
        profile: 'sandbox',
        host: 'alpha',
        entityRef: 'component:default/billing-service',
        owner: 'user:default/carol',
      },
      USERS.carol,
      '?dryRun=true',
    );
    expect(carol.status).toBe(200);
    expect(carol.body).toMatchObject({
      owner: 'user:default/carol',
      component: 'component:default/billing-service',
    });
    const bob = await create(
      { name: 'bob-alone', profile: 'sandbox', host: 'alpha' },
      USERS.bob,
      '?dryRun=true',
    );
    expect(bob.status).toBe(200);
    expect(bob.body.owner).toBe('user:default/bob');
  });

  it('answers another plugin asking about a component by its entity ref, through the permission backend', async () => {
    const ask = (user: string) =>
      backend.server
        .post('/api/permission/authorize')
        .set('Authorization', user)
        .send({
          items: [
            {
              id: 'web-shop',
              permission: nestedClusterCreatePermission,
              resourceRef: 'component:default/web-shop',
            },
          ],
        });
    // The permission backend sends the conditions to this plugin, which reads
    // web-shop from the catalog and applies IS_COMPONENT_OWNER.
    expect((await ask(USERS.guest)).body.items).toEqual([
      { id: 'web-shop', result: AuthorizeResult.ALLOW },
    ]);
    expect((await ask(USERS.bob)).body.items).toEqual([
      { id: 'web-shop', result: AuthorizeResult.DENY },
    ]);
  });

  it('refuses a taken name with 409', async () => {
    const res = await create({
      name: 'team-a-box',
      profile: 'sandbox',
      host: 'alpha',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^name: .*team-a-box.*alpha/);
  });

  it('refuses with 409 when the namespace already exists on the host, and leaves it alone', async () => {
    const { core } = adminClients(alpha);
    await core.createNamespace({
      body: { metadata: { name: 'nc-squatter', labels: { team: 'other' } } },
    });
    const res = await create({
      name: 'squatter',
      profile: 'sandbox',
      host: 'alpha',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('nc-squatter');
    const ns = await core.readNamespace({ name: 'nc-squatter' });
    expect(ns.metadata?.labels).toEqual(
      expect.objectContaining({ team: 'other' }),
    );
    expect(ns.metadata?.annotations ?? {}).toEqual({});
  });

  it.each([
    ['uppercase', 'Team-A'],
    ['41 characters', 'a'.repeat(41)],
    ['a path', '../x'],
    ['empty', ''],
    ['unicode', 'ünïcode'],
  ])('refuses a bad name (%s) with 400 naming the field', async (_, name) => {
    const res = await create({ name, profile: 'sandbox', host: 'alpha' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^name: /);
    expectMatchesSpec('post', '/clusters', res);
  });

  it.each([
    [{ profile: 'huge' }, /^profile: unknown profile "huge"/],
    [{ host: 'nowhere' }, /^host: unknown host "nowhere"/],
    [{ ttl: '30d' }, /^ttl: 30d exceeds the maxTtl 14d/],
    [{ ttl: 'forever' }, /^ttl: /],
    [
      { owner: 'component:default/web-shop' },
      /^owner: must be a group or user/,
    ],
    [{ entityRef: 'component:default/missing' }, /^entityRef: no entity/],
    [{ values: { evil: true } }, /values/],
  ])('refuses %j with 400 naming the field', async (override, message) => {
    const res = await create({
      name: 'fine-name',
      profile: 'sandbox',
      host: 'alpha',
      ...override,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('validates a dry run completely and creates nothing', async () => {
    const res = await create(
      { name: 'dry', profile: 'sandbox', host: 'alpha' },
      USERS.guest,
      '?dryRun=true',
    );
    expect(res.status).toBe(200);
    expectMatchesSpec('post', '/clusters', res);
    expect(res.body).toMatchObject({ name: 'dry', status: 'Provisioning' });
    await expect(
      adminClients(alpha).core.readNamespace({ name: 'nc-dry' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('puts a cluster without a host on the reachable host with the most free capacity', async () => {
    // alpha: maxClusters 4 with one cluster; beta: maxClusters 10, empty.
    const res = await create({ name: 'anywhere', profile: 'sandbox' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      host: 'beta',
      installer: 'flux',
      owner: 'user:default/guest',
    });
    await waitForRunning('beta', 'anywhere');
  });

  it('reports Failed with the installer’s reason, and still deletes the cluster', async () => {
    beta.faults.failInstalls({ name: 'doomed' });
    try {
      const res = await create({
        name: 'doomed',
        profile: 'sandbox',
        host: 'beta',
      });
      expect(res.status).toBe(202);
      const failed = await eventually(async () => {
        const r = await get('/clusters/beta/doomed');
        expect(r.body.status).toBe('Failed');
        return r;
      });
      expect(failed.body.statusMessage).toEqual(expect.any(String));
      const pause = await backend.server
        .post(`${API}/clusters/beta/doomed/pause`)
        .set('Authorization', USERS.guest);
      expect(pause.status).toBe(409);
      expect(pause.body.error.message).toContain('it is Failed, not Running');

      const deleted = await backend.server
        .delete(`${API}/clusters/beta/doomed`)
        .set('Authorization', USERS.guest);
      expect(deleted.status).toBe(202);
      await eventually(async () =>
        expect((await get('/clusters/beta/doomed')).status).toBe(404),
      );
    } finally {
      beta.faults.failInstalls(false);
    }
  });

  it('refuses more clusters than clustersPerOwner', async () => {
    for (const name of ['bob-1', 'bob-2']) {
      const res = await create(
        { name, profile: 'sandbox', host: 'alpha' },
        USERS.bob,
      );
      expect(res.status).toBe(202);
    }
    await eventually(async () =>
      expect(
        (
          await get('/clusters?owner=user:default/bob', USERS.bob)
        ).body.items,
      ).toHaveLength(2),
    );
    const res = await create(
      { name: 'bob-3', profile: 'sandbox', host: 'alpha' },
      USERS.bob,
    );
    expect(res.status).toBe(429);
    expect(res.body.error.message).toContain('user:default/bob');
    expectMatchesSpec('post', '/clusters', res);
  });

  it('refuses more clusters than the host’s maxClusters', async () => {
    const fourth = await create(
      { name: 'carol-1', profile: 'sandbox', host: 'alpha' },
      USERS.carol,
    );
    expect(fourth.status).toBe(202);
    await eventually(async () =>
      expect(
        (
          await get('/hosts')
        ).body.items.find((h: { name: string }) => h.name === 'alpha')
          .clusterCount,
      ).toBe(4),
    );
    const res = await create(
      { name: 'carol-2', profile: 'sandbox', host: 'alpha' },
      USERS.carol,
    );
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/host "alpha" is full/);
  });

  it('answers 503 naming a host that is down, and still lists the others', async () => {
    await beta.faults.setDown(true);
    const hostList = await eventually(async () => {
      const res = await get('/hosts');
      const b = res.body.items.find((h: { name: string }) => h.name === 'beta');
      expect(b.healthy).toBe(false);
      return res;
    });
    expectMatchesSpec('get', '/hosts', hostList);
    expect(
      hostList.body.items.find((h: { name: string }) => h.name === 'alpha')
        .healthy,
    ).toBe(true);

    const list = await get('/clusters');
    expect(list.status).toBe(200);
    expectMatchesSpec('get', '/clusters', list);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['team-a-box', 'bob-1', 'bob-2', 'carol-1']),
    );
    // Host details (addresses, API errors) only for nested-clusters.host.read:
    // the example policy gives it to platform-admins (dana), not to guest.
    const betaOf = (res: typeof hostList) =>
      res.body.items.find((h: { name: string }) => h.name === 'beta');
    expect(betaOf(hostList).message).toBe(GENERIC_HOST_MESSAGE);
    expect(list.body.hostErrors).toEqual([
      { host: 'beta', message: `Host "beta": ${GENERIC_HOST_MESSAGE}` },
    ]);
    const dana = mockCredentials.user.header('user:default/dana');
    const details = betaOf(await get('/hosts', dana)).message;
    expect(details).not.toBe(GENERIC_HOST_MESSAGE);
    expect(details).toBeTruthy();
    const danaList = await get('/clusters', dana);
    expect(danaList.body.hostErrors).toEqual([
      { host: 'beta', message: expect.stringContaining('"beta"') },
    ]);
    expect(danaList.body.hostErrors[0].message).not.toContain(
      GENERIC_HOST_MESSAGE,
    );
    // beta's clusters are still listed from the cache, as Unknown.
    expect(
      list.body.items.find((c: { name: string }) => c.name === 'anywhere'),
    ).toMatchObject({ host: 'beta', status: 'Unknown' });

    const one = await get('/clusters/beta/anything');
    expect(one.status).toBe(503);
    expect(one.body.error.message).toContain('"beta"');

    const created = await create({
      name: 'on-beta',
      profile: 'sandbox',
      host: 'beta',
    });
    expect(created.status).toBe(503);
    expect(created.body.error.message).toContain('"beta"');
  });

  it('rebuilds everything from the hosts after a restart', async () => {
    await beta.faults.setDown(false);
    for (const [host, name] of [
      ['alpha', 'team-a-box'],
      ['alpha', 'bob-1'],
      ['alpha', 'bob-2'],
      ['alpha', 'carol-1'],
      ['beta', 'anywhere'],
    ]) {
      await waitForRunning(host, name);
    }
    const before = (await get('/clusters')).body;
    expect(before.items).toHaveLength(5);
    expect(before.hostErrors).toEqual([]);

    await backend.stop();
    backend = await startBackend({
      hosts: hosts(),
      limits: { clustersPerOwner: 2 },
      logs,
    });
    // Hours are counted at read time, so they moved on between the reads.
    const withoutHours = (body: ListClustersResponse) => ({
      ...body,
      items: body.items.map(({ hours: _hours, ...rest }) => rest),
    });
    expect(withoutHours((await get('/clusters')).body)).toEqual(
      withoutHours(before),
    );
  });

  it('never logs a host token or kubeconfig contents', () => {
    const all = logs.lines.join('\n');
    expect(all).toContain('nested-cluster-kubeconfig');
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain('certificate-authority-data');
    expect(all).not.toContain('BEGIN CERTIFICATE');
  });
});
