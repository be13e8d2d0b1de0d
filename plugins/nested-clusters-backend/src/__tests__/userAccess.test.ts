import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ApiException,
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  AuditLog,
  createRunningCluster,
  eventually,
  FAST_DELAYS,
  Harness,
  SANDBOX_PROFILE,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { parse } from 'yaml';

/**
 * Per-user kubeconfigs through the real backend: a ServiceAccount per user
 * inside the nested cluster, short-lived tokens, revocation, and the admin
 * kubeconfig for platform admins only. Clusters are reached through their
 * NodePort, as on a real host.
 */

const DANA = 'user:default/dana';

jest.setTimeout(60_000);

/** A simulator on its own loopback /24, so parallel suites never share NodePorts. */
async function simulatedHost(name: string) {
  const nodeAddress = `127.${10 + Math.floor(Math.random() * 200)}.${Math.floor(
    Math.random() * 250,
  )}.1`;
  const sim = await startHostSimulator({ delays: FAST_DELAYS, nodeAddress });
  return { name, sim };
}

function hostEntry({ name, sim }: { name: string; sim: HostSimulator }) {
  return {
    config: {
      name,
      url: sim.url,
      installer: 'helm-job',
      auth: { type: 'serviceAccount', token: sim.token, caData: sim.caPem },
      exposure: { type: 'nodePort', nodeAddress: sim.nodeAddress },
    },
  };
}

describe('per-user kubeconfigs', () => {
  let eu: { name: string; sim: HostSimulator };
  let harness: Harness;
  const audit = new AuditLog();

  beforeAll(async () => {
    eu = await simulatedHost('eu');
    harness = await startBackend({
      hosts: [hostEntry(eu)],
      profiles: [
        SANDBOX_PROFILE,
        {
          ...SANDBOX_PROFILE,
          name: 'viewer',
          title: 'Read-only',
          access: { clusterRole: 'view', tokenExpiration: '1h' },
        },
      ],
      audit,
    });
    // Owned by team-a: guest and carol both own it, bob (team-b) does not.
    await createRunningCluster(harness, {
      name: 'work',
      host: 'eu',
      owner: 'group:default/team-a',
    });
    await createRunningCluster(harness, {
      name: 'readonly',
      host: 'eu',
      profile: 'viewer',
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await eu?.sim.stop();
  });

  const path = (host: string, name: string) =>
    `/api/nested-clusters/clusters/${host}/${name}`;

  /** Downloads the kubeconfig as `user`, as the card does (JSON with the expiry). */
  async function download(
    user: string,
    host = 'eu',
    name = 'work',
    query = '',
  ) {
    const res = await harness.server
      .get(`${path(host, name)}/kubeconfig${query}`)
      .set('Authorization', user)
      .set('Accept', 'application/json');
    expect(res.status).toBe(200);
    const kc = new KubeConfig();
    kc.loadFromString(res.body.kubeconfig);
    return {
      body: res.body as {
        kubeconfig: string;
        serviceAccount: string;
        clusterRole: string;
        expiresAt: string;
      },
      kc,
      core: kc.makeApiClient(CoreV1Api),
    };
  }

  const statusOf = async (call: Promise<unknown>) => {
    try {
      await call;
      return 200;
    } catch (error) {
      if (error instanceof ApiException) {
        return error.code;
      }
      throw error;
    }
  };

  it('issues a kubeconfig of the user’s own ServiceAccount, whose calls succeed', async () => {
    const before = Date.now();
    const { body, kc, core } = await download(USERS.guest);
    expect(body.serviceAccount).toMatch(
      /^kube-system\/backstage-guest-[0-9a-f]{10}$/,
    );
    expect(body.clusterRole).toBe('cluster-admin');
    const lifetime = new Date(body.expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(8 * 3600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(8 * 3600_000 + 60_000);

    const doc = parse(body.kubeconfig);
    expect(doc.users.map((u: { name: string }) => u.name)).toEqual([
      'guest@eu-work',
    ]);
    expect(doc['current-context']).toBe('eu-work');
    expect(kc.getCurrentCluster()?.server).toMatch(
      new RegExp(
        `^https://${eu.sim.nodeAddress.replaceAll('.', '\\.')}:3\\d{4}$`,
      ),
    );

    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    await core.createNamespace({ body: { metadata: { name: 'mine' } } });

    // The same user gets the same ServiceAccount again; a download as YAML works too.
    expect((await download(USERS.guest)).body.serviceAccount).toBe(
      body.serviceAccount,
    );
    const yaml = await harness.server
      .get(`${path('eu', 'work')}/kubeconfig`)
      .set('Authorization', USERS.guest);
    expect(yaml.headers['content-type']).toMatch(/^text\/yaml/);
    expect(yaml.headers['content-disposition']).toBe(
      'attachment; filename="eu-work.kubeconfig.yaml"',
    );
  });

  it('answers SelfSubjectReview (kubectl auth whoami) with the user’s ServiceAccount', async () => {
    const { body, kc } = await download(USERS.carol);
    const [namespace, name] = body.serviceAccount.split('/');
    const review = await kc
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(
      `system:serviceaccount:${namespace}:${name}`,
    );
    const admin = await harness.server
      .get(`${path('eu', 'work')}/kubeconfig/admin`)
      .set('Authorization', mockCredentials.user.header(DANA))
      .expect(200);
    const adminKc = new KubeConfig();
    adminKc.loadFromString(admin.text);
    const account = await adminKc
      .makeApiClient(CoreV1Api)
      .readNamespacedServiceAccount({
        namespace,
        name,
      });
    expect(
      account.metadata?.annotations?.['nested-clusters.backstage.io/user'],
    ).toBe('user:default/carol');
  });

  it('audits the download with the ServiceAccount and the expiry, never the token', async () => {
    const { body, kc } = await download(USERS.guest);
    const token = kc.getCurrentUser()!.token!;
    const events = audit.succeeded('nested-cluster-kubeconfig');
    expect(events.at(-1)?.meta).toMatchObject({
      host: 'eu',
      name: 'work',
      serviceAccount: body.serviceAccount,
      expiresAt: body.expiresAt,
    });
    expect(JSON.stringify(audit.events)).not.toContain(token);
    expect(harness.logs.lines.join('\n')).not.toContain(token);
  });

  it('with a view profile, reading works and creating anything is refused', async () => {
    const { body, core } = await download(USERS.guest, 'eu', 'readonly');
    expect(body.clusterRole).toBe('view');
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    expect(
      await statusOf(
        core.createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: 'nope' } },
        }),
      ),
    ).toBe(403);
    expect(
      await statusOf(
        core.createNamespace({ body: { metadata: { name: 'nope' } } }),
      ),
    ).toBe(403);
  });

  it('issues shorter tokens on request and refuses expirations outside the profile’s range', async () => {
    for (const [query, problem] of [
      ['?expiration=5m', 'expiration: expected a duration from 10m to 24h'],
      ['?expiration=soon', 'expiration: expected a duration such as 30m or 8h'],
      ['?expiration=2h', 'expiration: at most 1h for profile "viewer"'],
    ]) {
      const res = await harness.server
        .get(`${path('eu', 'readonly')}/kubeconfig${query}`)
        .set('Authorization', USERS.guest);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(problem);
    }
    const { body } = await download(
      USERS.guest,
      'eu',
      'work',
      '?expiration=30m',
    );
    const lifetime = new Date(body.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);
  });

  it('refuses a token past its expiry with 401 (the shortest, 10 minutes)', async () => {
    const { core } = await download(
      USERS.guest,
      'eu',
      'work',
      '?expiration=10m',
    );
    expect(await statusOf(core.listNamespace())).toBe(200);
    eu.sim.faults.setClockOffset(10 * 60_000 + 1_000);
    try {
      expect(await statusOf(core.listNamespace())).toBe(401);
    } finally {
      eu.sim.faults.setClockOffset(0);
    }
  });

  it('revokes my access (401 at once), keeps others’; only owners revoke everyone’s', async () => {
    const guest = await download(USERS.guest);
    const carol = await download(USERS.carol);
    const mine = await harness.server
      .delete(`${path('eu', 'work')}/access/me`)
      .set('Authorization', USERS.guest);
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({ revoked: [guest.body.serviceAccount] });
    expect(await statusOf(guest.core.listNamespace())).toBe(401);
    expect(await statusOf(carol.core.listNamespace())).toBe(200);

    // Bob (team-b) may read the cluster and revoke his own access, not everyone's.
    const bobs = await harness.server
      .delete(`${path('eu', 'work')}/access`)
      .set('Authorization', USERS.bob);
    expect(bobs.status).toBe(403);
    expect(
      (
        await harness.server
          .delete(`${path('eu', 'work')}/access/me`)
          .set('Authorization', USERS.bob)
      ).body,
    ).toEqual({ revoked: [] });

    const all = await harness.server
      .delete(`${path('eu', 'work')}/access`)
      .set('Authorization', USERS.guest);
    expect(all.status).toBe(200);
    expect(all.body.revoked).toContain(carol.body.serviceAccount);
    expect(await statusOf(carol.core.listNamespace())).toBe(401);
    // A new download works again.
    expect(
      await statusOf((await download(USERS.guest)).core.listNamespace()),
    ).toBe(200);
  });

  it('gives the admin kubeconfig only to platform-admins, audited at high severity', async () => {
    const denied = await harness.server
      .get(`${path('eu', 'work')}/kubeconfig/admin`)
      .set('Authorization', USERS.guest);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'nested-clusters.cluster.kubeconfig.admin',
    );
    const res = await harness.server
      .get(`${path('eu', 'work')}/kubeconfig/admin`)
      .set('Authorization', mockCredentials.user.header(DANA));
    expect(res.status).toBe(200);
    const kc = new KubeConfig();
    kc.loadFromString(res.text);
    expect(
      (await kc.makeApiClient(CoreV1Api).listNamespace()).items.length,
    ).toBeGreaterThan(0);
    const event = audit.events.find(
      e =>
        e.eventId === 'nested-cluster-kubeconfig-admin' &&
        e.outcome === 'success',
    );
    expect(event?.severityLevel).toBe('high');
  });

  /** Pauses or resumes the cluster and waits until it settles. */
  async function transition(action: string, status: string) {
    await harness.server
      .post(`${path('eu', 'work')}/${action}`)
      .set('Authorization', USERS.guest)
      .expect(202);
    await eventually(async () => {
      const res = await harness.server
        .get(path('eu', 'work'))
        .set('Authorization', USERS.guest);
      expect(res.body.status).toBe(status);
    });
  }

  it('pausing revokes nothing: the token works again after resume', async () => {
    const { core } = await download(USERS.guest);
    await transition('pause', 'Paused');
    await transition('resume', 'Running');
    expect(await eventually(() => core.listNamespace())).toBeDefined();
  });

  it('deleting the cluster revokes everything: 401 while the host still removes it', async () => {
    const { core } = await download(USERS.guest);
    expect(await statusOf(core.listNamespace())).toBe(200);
    // Slow host deletes keep the nested API server up while the delete runs.
    eu.sim.faults.setLatency({ delete: 1_000 });
    try {
      const deleting = harness.server
        .delete(path('eu', 'work'))
        .set('Authorization', USERS.guest);
      const answered = deleting.then(res => res.status);
      await eventually(
        async () => expect(await statusOf(core.listNamespace())).toBe(401),
        900,
      );
      expect(await answered).toBe(202);
    } finally {
      eu.sim.faults.setLatency(0);
    }
  });
});
