import {
  ApiAnswer,
  eventually,
  Harness,
  INSTALL_TIMEOUT_MS,
  RestApi,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import {
  clearError,
  consistency,
  HostInspector,
  reliabilityBackend,
} from './__testUtils__/checks';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Each fault of the simulator, against the real plugin: afterwards no cluster
 * is lost or duplicated, nothing on a host is orphaned or hidden, and every
 * answer was correct or a clear error (4xx, or 503 naming the host).
 */
describe('fault matrix', () => {
  let sims: SimulatedHost[];
  let a: SimulatedHost;
  let b: SimulatedHost;
  let portal: Harness;
  let api: RestApi;

  const expectConsistent = () =>
    eventually(async () =>
      expect(await consistency(api, sims)).toBeUndefined(),
    );

  const expectStatus = (host: string, name: string, status: string) =>
    eventually(async () =>
      expect((await api.get(host, name)).body).toMatchObject({ status }),
    );

  /** 202, or a clear error naming the host. */
  const expectAcceptedOrClear = (answer: ApiAnswer, host: string) =>
    expect(answer.status === 202 ? undefined : clearError(answer, host)).toBe(
      undefined,
    );

  /** Deletes a cluster (retrying a 503) and waits until nothing of it is left. */
  const deleteCompletely = async (host: SimulatedHost, name: string) => {
    await eventually(async () => {
      const answer = await api.delete(host.name, name);
      expect([202, 404]).toContain(answer.status);
    });
    const inspector = new HostInspector(host.sim);
    await eventually(async () =>
      expect(await inspector.clusterNamespaces()).not.toContain(`nc-${name}`),
    );
  };

  beforeAll(async () => {
    sims = await startSimulators(['host-a', 'host-b']);
    [a, b] = sims;
    portal = await startBackend(reliabilityBackend(sims));
    api = portal.api;
    for (const [host, name] of [
      [a, 'steady-a'],
      [b, 'steady-b'],
    ] as const) {
      const created = await api.create(name, host.name);
      if (created.status !== 202) {
        throw new Error(`could not create ${name}: ${created.text}`);
      }
      await expectStatus(host.name, name, 'Running');
    }
  });

  afterEach(async () => {
    await Promise.all(sims.map(s => s.sim.faults.reset()));
    await expectConsistent();
  });

  afterAll(async () => {
    await portal?.stop();
    await Promise.all((sims ?? []).map(s => s.sim.stop()));
  });

  it('a host that goes down during lists: the others are listed, the down host is named', async () => {
    const answers: Array<Promise<ApiAnswer>> = [];
    const list = () => answers.push(api.call('GET', '/clusters'));
    for (let i = 0; i < 5; i++) list();
    await a.sim.faults.setDown(true);
    for (let i = 0; i < 5; i++) list();
    // The watch notices the cut connection; then reads say so.
    await eventually(async () =>
      expect((await api.list()).hostErrors).toEqual([
        { host: 'host-a', message: expect.stringContaining('host-a') },
      ]),
    );
    for (let i = 0; i < 5; i++) list();
    for (const answer of await Promise.all(answers)) {
      expect(answer.status).toBe(200);
      const body = answer.body as {
        items: Array<{ name: string }>;
        hostErrors: Array<{ host: string; message: string }>;
      };
      expect(body.items.map(c => c.name)).toContain('steady-b');
      for (const e of body.hostErrors) {
        expect(e.message).toContain(e.host);
      }
    }
    expect(clearError(await api.get('host-a', 'steady-a'), 'host-a')).toBe(
      undefined,
    );
    expect((await api.get('host-a', 'steady-a')).status).toBe(503);
    expect((await api.get('host-b', 'steady-b')).status).toBe(200);
    // A create on the down host fails clearly; the other host still takes one.
    const refused = await api.create('while-down', 'host-a');
    expect(refused.status).toBe(503);
    expect(clearError(refused, 'host-a')).toBeUndefined();
    expect((await api.create('beside-down', 'host-b')).status).toBe(202);
    await a.sim.faults.setDown(false);
    await expectStatus('host-a', 'steady-a', 'Running');
    await expectConsistent();
    await deleteCompletely(b, 'beside-down');
  });

  it('a host that goes down during a create: accepted and kept, or refused and visible for clean-up', async () => {
    a.sim.faults.setLatency(80);
    const pending = api.create('mid-create', 'host-a');
    await sleep(250);
    await a.sim.faults.setDown(true);
    const answer = await pending;
    expectAcceptedOrClear(answer, 'host-a');
    await sleep(300);
    await a.sim.faults.reset();
    await expectConsistent();
    const listed = (await api.list('?host=host-a')).items.map(c => c.name);
    // Not lost: an accepted create is there.
    expect(answer.status !== 202 || listed.includes('mid-create')).toBe(true);
    if (listed.includes('mid-create')) {
      await deleteCompletely(a, 'mid-create');
    }
  });

  it('a host that goes down during a delete: the delete completes once retried', async () => {
    expect((await api.create('mid-delete', 'host-a')).status).toBe(202);
    await expectStatus('host-a', 'mid-delete', 'Running');
    a.sim.faults.setLatency(80);
    const pending = api.delete('host-a', 'mid-delete');
    await sleep(150);
    await a.sim.faults.setDown(true);
    expectAcceptedOrClear(await pending, 'host-a');
    await sleep(300);
    await a.sim.faults.reset();
    await deleteCompletely(a, 'mid-delete');
    await expectConsistent();
  });

  it('watches dropped every second: the cache still follows every change', async () => {
    const dropper = setInterval(
      () => sims.forEach(s => s.sim.faults.dropWatches()),
      1000,
    );
    try {
      for (const name of ['drop-1', 'drop-2', 'drop-3']) {
        expect((await api.create(name, 'host-b')).status).toBe(202);
      }
      await expectStatus('host-b', 'drop-1', 'Running');
      await expectStatus('host-b', 'drop-2', 'Running');
      expect((await api.action('host-b', 'drop-2', 'pause')).status).toBe(202);
      expect((await api.delete('host-b', 'drop-3')).status).toBe(202);
      await sleep(2500);
    } finally {
      clearInterval(dropper);
    }
    await expectStatus('host-b', 'drop-1', 'Running');
    await expectStatus('host-b', 'drop-2', 'Paused');
    await eventually(async () =>
      expect((await api.get('host-b', 'drop-3')).status).toBe(404),
    );
    await expectConsistent();
    await deleteCompletely(b, 'drop-1');
    await deleteCompletely(b, 'drop-2');
  });

  it('410 Gone: the cache re-lists and misses nothing that changed meanwhile', async () => {
    expect((await api.create('gone-1', 'host-a')).status).toBe(202);
    expect((await api.create('gone-2', 'host-a')).status).toBe(202);
    await expectStatus('host-a', 'gone-2', 'Running');
    a.sim.faults.forceGone();
    expect((await api.delete('host-a', 'gone-2')).status).toBe(202);
    a.sim.faults.forceGone();
    await expectStatus('host-a', 'gone-1', 'Running');
    await eventually(async () =>
      expect((await api.get('host-a', 'gone-2')).status).toBe(404),
    );
    await expectConsistent();
    await deleteCompletely(a, 'gone-1');
  });

  it('20% of host calls fail with 500: every answer is correct or a clear 503, nothing is lost', async () => {
    a.sim.faults.setErrorRate(0.2);
    const names = Array.from({ length: 8 }, (_, i) => `flaky-${i}`);
    const creates = await Promise.all(names.map(n => api.create(n, 'host-a')));
    creates.forEach(answer => expectAcceptedOrClear(answer, 'host-a'));
    // The fault did bite (48 host calls at 20%: all passing is a 1 in 45,000 chance).
    expect(creates.some(answer => answer.status === 503)).toBe(true);
    for (let i = 0; i < 10; i++) {
      const list = await api.call('GET', '/clusters');
      expect(list.status).toBe(200);
      const get = await api.get('host-b', 'steady-b');
      expect([200, 503]).toContain(get.status);
    }
    const accepted = names.filter((_, i) => creates[i].status === 202);
    const deletes = await Promise.all(
      accepted.slice(0, 3).map(n => api.delete('host-a', n)),
    );
    deletes
      .filter(answer => answer.status !== 404)
      .forEach(answer => expectAcceptedOrClear(answer, 'host-a'));
    await a.sim.faults.reset();
    await expectConsistent();
    const listed = (await api.list('?host=host-a')).items.map(c => c.name);
    // Not lost: every accepted create is there, unless it was deleted since.
    for (const name of accepted.slice(3)) {
      expect(listed).toContain(name);
    }
    for (const name of listed.filter(n => n.startsWith('flaky-'))) {
      await deleteCompletely(a, name);
    }
  });

  it('an install fails: the cluster says Failed with the reason and deletes cleanly', async () => {
    a.sim.faults.failInstalls({ name: 'broken' });
    expect((await api.create('broken', 'host-a')).status).toBe(202);
    await eventually(async () => {
      const { body } = await api.get('host-a', 'broken');
      expect(body.status).toBe('Failed');
      expect(body.statusMessage).toMatch(/\w/);
    });
    await deleteCompletely(a, 'broken');
  });

  it('an install hangs past its timeout: the cluster turns Failed saying so, and deletes cleanly', async () => {
    a.sim.faults.hangInstalls(true);
    expect((await api.create('stuck', 'host-a')).status).toBe(202);
    await expectStatus('host-a', 'stuck', 'Provisioning');
    await eventually(async () => {
      const { body } = await api.get('host-a', 'stuck');
      expect(body.status).toBe('Failed');
      expect(body.statusMessage).toContain(
        `did not finish within ${INSTALL_TIMEOUT_MS / 1000}s`,
      );
    });
    await deleteCompletely(a, 'stuck');
  });

  it('the backend restarts mid-create: the new backend shows the cluster or nothing, never a hidden leftover', async () => {
    a.sim.faults.setLatency(60);
    const pending = api
      .create('restarted', 'host-a')
      .catch((error: Error) => error);
    await sleep(200);
    await portal.stop();
    const answer = await pending;
    portal = await startBackend(reliabilityBackend(sims));
    api = portal.api;
    await a.sim.faults.reset();
    // The request may also have been cut off by the shutdown.
    const answered = answer instanceof Error ? undefined : answer;
    expect(
      answered && answered.status !== 202
        ? clearError(answered, 'host-a')
        : undefined,
    ).toBeUndefined();
    await expectConsistent();
    const listed = (await api.list('?host=host-a')).items.map(c => c.name);
    expect(answered?.status !== 202 || listed.includes('restarted')).toBe(true);
    if (listed.includes('restarted')) {
      await deleteCompletely(a, 'restarted');
    }
  });
});
