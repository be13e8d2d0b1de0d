import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  rawRequest,
  statusBodyOf,
  statusOf,
  cliJob,
  grantInstaller,
} from '../__testUtils__/helpers';

describe('fault injection', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;
  let batch: k8s.BatchV1Api;

  beforeAll(async () => {
    sim = await startHostSimulator({ adminApi: true });
    const kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    batch = kc.makeApiClient(k8s.BatchV1Api);
  });

  /** `vcluster create <name>` in namespace <name> (one vcluster per namespace, as the CLI wants). */
  async function install(name: string) {
    await core.createNamespace({ body: { metadata: { name } } });
    await grantInstaller(hostKubeConfig(sim), name);
    await batch.createNamespacedJob({
      namespace: name,
      body: cliJob(`install-${name}`, ['create', name, '--connect=false']),
    });
  }
  afterEach(() => sim.faults.reset());
  afterAll(() => sim.stop());

  it('fails the chosen verbs with 500 InternalError at the given rate', async () => {
    sim.faults.setErrorRate(1, { verbs: ['list'] });
    expect(await statusBodyOf(core.listNamespace())).toMatchObject({
      code: 500,
      reason: 'InternalError',
    });
    expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe(
      'default',
    );
  });

  it('adds latency per verb', async () => {
    sim.faults.setLatency({ get: 300 });
    const started = Date.now();
    await core.readNamespace({ name: 'default' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('takes the whole host down and brings it back', async () => {
    await sim.faults.setDown(true);
    await expect(core.listNamespace()).rejects.toThrow(
      /ECONNREFUSED|fetch failed|connect/i,
    );
    await sim.faults.setDown(false);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  it('makes an install fail: failed Job and a CrashLoopBackOff pod', async () => {
    sim.faults.failInstalls(true);
    await install('crashy');
    const job = await eventually(async () => {
      const j = await batch.readNamespacedJob({
        namespace: 'crashy',
        name: 'install-crashy',
      });
      return j.status?.failed ? j : undefined;
    });
    expect(
      job.status?.conditions?.find(c => c.type === 'Failed'),
    ).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    const pod = await eventually(async () => {
      const p = await core.readNamespacedPod({
        namespace: 'crashy',
        name: 'crashy-0',
      });
      return p.status?.containerStatuses?.[0].state?.waiting?.reason ===
        'CrashLoopBackOff'
        ? p
        : undefined;
    });
    expect(pod.status?.conditions?.find(c => c.type === 'Ready')?.status).toBe(
      'False',
    );
  });

  it('makes installs hang until released', async () => {
    sim.faults.hangInstalls(true);
    await install('hung');
    await eventually(
      async () =>
        (
          await batch.readNamespacedJob({
            namespace: 'hung',
            name: 'install-hung',
          })
        ).status?.active === 1,
    );
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(
      await statusOf(
        core.readNamespacedService({ namespace: 'hung', name: 'hung' }),
      ),
    ).toBe(404);
    sim.faults.hangInstalls(false);
    await eventually(() =>
      core.readNamespacedSecret({ namespace: 'hung', name: 'vc-hung' }),
    );
  });

  it('slows installs down by a factor', async () => {
    sim.faults.slowInstalls(20);
    await install('slow');
    await eventually(
      async () =>
        (
          await batch.readNamespacedJob({
            namespace: 'slow',
            name: 'install-slow',
          })
        ).status?.active === 1,
    );
    // Unslowed, the chart would be installed 150 ms after the job pod runs; slowed, it takes 3 s.
    await new Promise(resolve => setTimeout(resolve, 800));
    expect(
      await statusOf(
        core.readNamespacedService({ namespace: 'slow', name: 'slow' }),
      ),
    ).toBe(404);
    await eventually(() =>
      core.readNamespacedService({ namespace: 'slow', name: 'slow' }),
    );
  });

  it('serves /admin/faults only when enabled and only to full-access tokens', async () => {
    const set = await rawRequest(sim, '/admin/faults', {
      method: 'POST',
      body: JSON.stringify({ errorRate: 1, errorVerbs: ['get'] }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(set.json()).toMatchObject({ errorRate: 1, errorVerbs: ['get'] });
    expect(await statusOf(core.readNamespace({ name: 'default' }))).toBe(500);
    await rawRequest(sim, '/admin/faults', {
      method: 'POST',
      body: JSON.stringify({ reset: true }),
    });
    expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe(
      'default',
    );
    sim.addToken({ token: 'ns-only', namespaces: ['default'] });
    expect(
      (await rawRequest(sim, '/admin/faults', { token: 'ns-only' })).status,
    ).toBe(403);
    expect(
      (await rawRequest(sim, '/admin/faults', { token: null })).status,
    ).toBe(401);

    const closed = await startHostSimulator();
    try {
      expect((await rawRequest(closed, '/admin/faults')).status).toBe(404);
    } finally {
      await closed.stop();
    }
  });

  it('goes down for a while through the admin path', async () => {
    await rawRequest(sim, '/admin/faults', {
      method: 'POST',
      body: JSON.stringify({ down: true, downForMs: 300 }),
    });
    await expect(core.listNamespace()).rejects.toThrow();
    await eventually(() => core.listNamespace());
  });
});
