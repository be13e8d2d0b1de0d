/* eslint-disable jest/no-export -- a suite that several test files register, not a test file itself */
import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { EXPIRY_TASK_ID } from '../plugin';
import {
  AdminClients,
  eventually,
  Harness,
  USERS,
} from '@nested-clusters/test-harness';
import { expectMatchesSpec } from './openapi';

/** Where the lifecycle runs: a simulated or a real host behind a test backend. */
export interface LifecycleTarget {
  backend: Harness;
  admin: AdminClients;
  host: string;
  installer: 'capi' | 'helm-job' | 'flux';
  namespacePrefix: string;
  /** The kubeconfig server the host's exposure gives a cluster. */
  server(name: string, namespace: string): string | Promise<string>;
  /** Values that must never appear in a log line. */
  secrets: string[];
  /** How long to wait for a state change. */
  timeoutMs: number;
}

/**
 * The lifecycle acceptance steps, in order: create → Running, pause, resume,
 * extend and its maxTtl refusal, a working kubeconfig, delete, expiry, and no
 * secret in the logs. Registers its tests in the calling describe block.
 */
export function lifecycleSuite(
  target: () => LifecycleTarget,
  options: { name: string; installer: LifecycleTarget['installer'] },
) {
  const { name, installer } = options;
  let t: LifecycleTarget;
  let namespace: string;
  let path: string;

  beforeAll(() => {
    t = target();
    namespace = `${t.namespacePrefix}${name}`;
    path = `/api/nested-clusters/clusters/${t.host}/${name}`;
  });

  const get = (url: string) =>
    t.backend.server.get(url).set('Authorization', USERS.guest);
  const post = (url: string, body?: object) =>
    t.backend.server.post(url).set('Authorization', USERS.guest).send(body);

  async function waitForStatus(status: string) {
    return eventually(async () => {
      const res = await get(path);
      expect(res.body).toMatchObject({ status });
      return res;
    }, t.timeoutMs);
  }

  async function expectNamespaceGone(ns: string) {
    await eventually(
      () =>
        expect(t.admin.core.readNamespace({ name: ns })).rejects.toMatchObject({
          code: 404,
        }),
      t.timeoutMs,
    );
  }

  it('creates a cluster that reaches Running', async () => {
    const res = await post('/api/nested-clusters/clusters', {
      name,
      profile: 'sandbox',
      host: t.host,
      entityRef: 'component:default/web-shop',
    });
    expect(res.status).toBe(202);
    expectMatchesSpec('post', '/clusters', res);
    expect(res.body).toMatchObject({
      name,
      host: t.host,
      namespace,
      status: 'Provisioning',
      owner: 'group:default/team-a',
      component: 'component:default/web-shop',
      createdBy: 'user:default/guest',
      profile: 'sandbox',
      installer: t.installer,
    });

    const ns = await t.admin.core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'backstage-nested-clusters',
    });
    expect(ns.metadata?.annotations).toMatchObject({
      'nested-clusters.backstage.io/owner': 'group:default/team-a',
      'nested-clusters.backstage.io/component': 'component:default/web-shop',
      'nested-clusters.backstage.io/created-by': 'user:default/guest',
      'nested-clusters.backstage.io/profile': 'sandbox',
      'nested-clusters.backstage.io/installer': t.installer,
      'nested-clusters.backstage.io/expires-at': res.body.expiresAt,
    });

    const running = await waitForStatus('Running');
    expectMatchesSpec('get', '/clusters/{host}/{name}', running);
    expect(running.body.kubernetesVersion).toBe('v1.35.0');

    const list = await get(
      '/api/nested-clusters/clusters?entityRef=component:default/web-shop',
    );
    expectMatchesSpec('get', '/clusters', list);
    expect(list.body.items.map((c: { name: string }) => c.name)).toContain(
      name,
    );
    expect(list.body.hostErrors).toEqual([]);
  });

  it('pauses with the vcluster CLI patch', async () => {
    const res = await post(`${path}/pause`);
    expect(res.status).toBe(202);
    expectMatchesSpec('post', '/clusters/{host}/{name}/pause', res);
    await waitForStatus('Paused');
    const sts = await t.admin.apps.readNamespacedStatefulSet({
      name,
      namespace,
    });
    expect(sts.metadata?.annotations).toMatchObject({
      'loft.sh/paused': 'true',
      'loft.sh/paused-replicas': '1',
      'loft.sh/paused-date': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(sts.spec?.replicas).toBe(0);
    // Pausing twice is an impossible transition.
    expect((await post(`${path}/pause`)).status).toBe(409);
  });

  if (installer === 'flux') {
    it('keeps the Flux release suspended while paused', async () => {
      const release = (await t.admin.custom.getNamespacedCustomObject({
        group: 'helm.toolkit.fluxcd.io',
        version: 'v2',
        namespace,
        plural: 'helmreleases',
        name,
      })) as { spec: { suspend?: boolean } };
      expect(release.spec.suspend).toBe(true);
    });
  }

  it('resumes to Running', async () => {
    const res = await post(`${path}/resume`);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('Resuming');
    await waitForStatus('Running');
    const sts = await t.admin.apps.readNamespacedStatefulSet({
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
    // Running means the kubeconfig is there: no waiting.
    const res = await get(`${path}/kubeconfig`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/yaml/);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${t.host}-${name}.kubeconfig.yaml"`,
    );
    const kc = new KubeConfig();
    kc.loadFromString(res.text);
    expect(kc.getCurrentContext()).toBe(`${t.host}-${name}`);
    expect(kc.getCurrentCluster()?.server).toBe(
      await t.server(name, namespace),
    );
    // TLS is verified against the CA the kubeconfig carries.
    expect(kc.getCurrentCluster()?.caData).toBeTruthy();
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
    const user = kc.getCurrentUser();
    t.secrets.push(
      ...[user?.token, user?.keyData].filter((v): v is string => !!v),
    );
    const namespaces = await eventually(
      () => kc.makeApiClient(CoreV1Api).listNamespace(),
      t.timeoutMs,
    );
    const names = namespaces.items.map(n => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));
    expect(names).not.toContain(namespace);
  });

  it('deletes it: the namespace is gone from the host', async () => {
    const res = await t.backend.server
      .delete(path)
      .set('Authorization', USERS.guest);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('Deleting');
    await expectNamespaceGone(namespace);
    await eventually(async () => expect((await get(path)).status).toBe(404));
  });

  it('deletes expired clusters in the scheduled task', async () => {
    const expiring = `${name}-exp`;
    const expiringPath = `/api/nested-clusters/clusters/${t.host}/${expiring}`;
    const res = await post('/api/nested-clusters/clusters', {
      name: expiring,
      profile: 'sandbox',
      host: t.host,
      ttl: '1h',
    });
    expect(res.status).toBe(202);
    await eventually(async () =>
      expect((await get(expiringPath)).status).toBe(200),
    );
    // Time passes on the host: the expiry annotation is now in the past.
    const past = new Date(Date.now() - 60_000).toISOString();
    await t.admin.core.patchNamespace(
      {
        name: `${t.namespacePrefix}${expiring}`,
        body: {
          metadata: {
            annotations: { 'nested-clusters.backstage.io/expires-at': past },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(async () =>
      expect((await get(expiringPath)).body.expiresAt).toBe(past),
    );

    await t.backend.triggerTask(EXPIRY_TASK_ID);

    await expectNamespaceGone(`${t.namespacePrefix}${expiring}`);
    expect(
      t.backend.logs.lines.some(
        l => l.includes('nested-cluster-expire') && l.includes(expiring),
      ),
    ).toBe(true);
  });

  it('never logs a host credential or kubeconfig contents', () => {
    const all = t.backend.logs.lines.join('\n');
    expect(all).toContain('nested-cluster-kubeconfig');
    for (const secret of t.secrets) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain('certificate-authority-data');
    expect(all).not.toContain('BEGIN CERTIFICATE');
    expect(all).not.toContain('kind: Config');
  });
}
