import { USERS } from '@nested-clusters/test-harness';
import { actionContext, checkpointStore } from '../__testUtils__/actionContext';
import {
  ActionsBackend,
  initiatedBy,
  startActionsBackend,
} from '../__testUtils__/realBackend';
import { createNestedClusterCreateAction } from './create';

type Ctx = Parameters<
  ReturnType<typeof createNestedClusterCreateAction>['handler']
>[0];
type Input = Ctx['input'];

/*
 * Against the real backend and a simulated host. The only stand-in is the
 * scaffolder's checkpoint store (actionContext.ts), which can lose a value as
 * a worker dying between the backend's 202 and saving the checkpoint would.
 */
jest.setTimeout(60_000);

describe('nested-clusters:create', () => {
  let backend: ActionsBackend;
  let action: ReturnType<typeof createNestedClusterCreateAction>;

  beforeAll(async () => {
    backend = await startActionsBackend();
    action = createNestedClusterCreateAction(backend.actionOptions);
  });

  afterAll(() => backend?.stop());

  beforeEach(() => {
    backend.requests.length = 0;
  });

  afterEach(() => backend.host.sim.faults.reset());

  const context = (input: Partial<Input>, extra: Partial<Ctx> = {}) =>
    actionContext(action, input as Input, { ...initiatedBy(), ...extra });

  const forWebShop = (name: string) => ({
    name,
    profile: 'sandbox',
    entityRef: 'component:default/web-shop',
  });

  const onHost = (name: string) => backend.harness.api.get('simulated', name);
  const creates = () =>
    backend.requests.filter(r => r.method === 'POST' && r.path === '/clusters');

  it('creates the cluster as the initiator, waits until Running and logs each state change', async () => {
    const { ctx, output, lines } = context(forWebShop('cr-basic'));
    await action.handler(ctx);

    expect(creates()).toHaveLength(1);
    expect((await onHost('cr-basic')).body).toMatchObject({
      status: 'Running',
      createdBy: 'user:default/guest',
      owner: 'group:default/team-a',
      component: 'component:default/web-shop',
    });
    expect(output).toHaveBeenCalledWith('name', 'cr-basic');
    expect(output).toHaveBeenCalledWith('host', 'simulated');
    expect(output).toHaveBeenCalledWith('namespace', 'nc-cr-basic');
    expect(output).toHaveBeenCalledWith('status', 'Running');
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/web-shop',
    );
    expect(output).toHaveBeenCalledWith(
      'clusterUrl',
      'http://portal.example.com/catalog/default/component/web-shop',
    );
    const progress = lines().filter(l => l.startsWith('simulated/cr-basic: '));
    expect(progress[0]).toMatch(
      /^simulated\/cr-basic: Provisioning \(\d+\/\d+ [^)]+\) after \d+s$/,
    );
    expect(progress[progress.length - 1]).toMatch(
      /^simulated\/cr-basic: Running after \d+s$/,
    );
  });

  it('normalises short refs and passes owner, host and ttl through', async () => {
    const { ctx, output } = context({
      ...forWebShop('cr-refs'),
      entityRef: 'web-shop',
      owner: 'team-a',
      host: 'simulated',
      ttl: '24h',
      waitForReady: false,
    });
    await action.handler(ctx);

    const cluster = (await onHost('cr-refs')).body;
    expect(cluster).toMatchObject({
      component: 'component:default/web-shop',
      owner: 'group:default/team-a',
    });
    expect(
      Date.parse(cluster.expiresAt) - Date.parse(cluster.createdAt),
    ).toBeGreaterThan(23.9 * 3_600_000);
    expect(
      Date.parse(cluster.expiresAt) - Date.parse(cluster.createdAt),
    ).toBeLessThanOrEqual(24 * 3_600_000 + 1_000);
    expect(output).toHaveBeenCalledWith('status', 'Provisioning');
    expect(backend.requests.filter(r => r.method === 'GET')).toEqual([]);
  });

  it('links to the nested clusters page when the cluster has no component', async () => {
    const { ctx, output } = context({
      name: 'cr-scratch',
      profile: 'sandbox',
      waitForReady: false,
    });
    await action.handler(ctx);

    expect(output).toHaveBeenCalledWith(
      'clusterUrl',
      'http://portal.example.com/nested-clusters',
    );
    expect(output).not.toHaveBeenCalledWith('entityRef', expect.anything());
  });

  it.each([
    [
      { name: 'My_Sandbox' },
      /Invalid input "name": name must consist of lowercase letters/,
    ],
    [
      { name: 'a'.repeat(41) },
      /Invalid input "name": name must be at most 40 characters, got 41/,
    ],
    [{ ttl: 'forever' }, /Invalid input "ttl": "forever" is not a duration/],
    [
      { entityRef: 'component:' },
      /entityRef: "component:" is not an entity ref/,
    ],
    [{ profile: '' }, /Invalid input "profile"/],
  ])('rejects %j before calling the backend', async (bad, message) => {
    const { ctx } = context({ ...forWebShop('cr-rejected'), ...bad });
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(backend.requests).toEqual([]);
  });

  it("surfaces the backend's validation and quota errors", async () => {
    await expect(
      action.handler(
        context({ ...forWebShop('cr-huge'), profile: 'huge' }).ctx,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^Could not create nested cluster "cr-huge": .*huge/,
      ),
    });
    expect((await onHost('cr-huge')).status).toBe(404);

    // A backend that allows one cluster per owner, already used.
    const strict = await startActionsBackend({ clustersPerOwner: 1 });
    try {
      const strictAction = createNestedClusterCreateAction(
        strict.actionOptions,
      );
      const run = (name: string) =>
        strictAction.handler(
          actionContext(
            strictAction,
            { ...forWebShop(name), waitForReady: false } as Input,
            initiatedBy(),
          ).ctx,
        );
      await run('cr-first');
      await expect(run('cr-second')).rejects.toMatchObject({
        name: 'QuotaExceededError',
        message: expect.stringMatching(
          /^Could not create nested cluster "cr-second": .*group:default\/team-a/,
        ),
      });
      expect((await strict.harness.api.list()).items.map(c => c.name)).toEqual([
        'cr-first',
      ]);
    } finally {
      await strict.stop();
    }
  });

  describe('on retry', () => {
    it('replays the checkpoint instead of creating a second cluster', async () => {
      const { checkpoint, saved } = checkpointStore();
      await action.handler(
        context(forWebShop('cr-replay'), { checkpoint }).ctx,
      );
      const retry = context(forWebShop('cr-replay'), { checkpoint });
      await action.handler(retry.ctx);

      expect(creates()).toHaveLength(1);
      expect([...saved.keys()]).toEqual([
        'nested-clusters.create.cr-replay.started',
        'nested-clusters.create.cr-replay',
      ]);
      expect(retry.output).toHaveBeenCalledWith('host', 'simulated');
      expect(retry.output).toHaveBeenCalledWith('status', 'Running');
    });

    it('recognises its own cluster when the first attempt died before saving the checkpoint', async () => {
      const store = checkpointStore({
        crashAfter: 'nested-clusters.create.cr-crash',
      });
      await expect(
        action.handler(
          context(forWebShop('cr-crash'), { checkpoint: store.checkpoint }).ctx,
        ),
      ).rejects.toThrow('worker died');

      const retry = context(forWebShop('cr-crash'), {
        checkpoint: store.checkpoint,
      });
      await action.handler(retry.ctx);

      expect(creates()).toHaveLength(2); // the second answered 409
      expect(
        (await backend.harness.api.list()).items.filter(
          c => c.name === 'cr-crash',
        ),
      ).toHaveLength(1);
      expect(retry.lines()).toContain(
        'simulated/cr-crash was created by an earlier attempt of this task; continuing with it',
      );
      expect(retry.output).toHaveBeenCalledWith('status', 'Running');
    });

    it('still reports a taken name when someone else created the cluster', async () => {
      // carol (team-a) created it for web-shop before this task ran.
      const earlier = await backend.harness.server
        .post('/api/nested-clusters/clusters')
        .set('Authorization', USERS.carol)
        .send(forWebShop('cr-taken'));
      expect(earlier.status).toBe(202);

      await expect(
        action.handler(context(forWebShop('cr-taken')).ctx),
      ).rejects.toThrow(
        /^Could not create nested cluster "cr-taken": .*cr-taken.*already exists/,
      );
    });
  });

  it('validates against the backend in a dry run and creates nothing', async () => {
    const { ctx, output, lines } = context(forWebShop('cr-dry'), {
      isDryRun: true,
    });
    await action.handler(ctx);

    expect(backend.requests).toEqual([{ method: 'POST', path: '/clusters' }]);
    expect((await onHost('cr-dry')).status).toBe(404);
    expect(output).toHaveBeenCalledWith('host', 'simulated');
    expect(output).toHaveBeenCalledWith('namespace', 'nc-cr-dry');
    expect(lines()).toContain(
      'Dry run: simulated/cr-dry would be created in namespace nc-cr-dry; nothing was created',
    );
  });

  it('fails a dry run the backend refuses', async () => {
    // bob is in team-b; web-shop belongs to team-a.
    await expect(
      action.handler(
        context(forWebShop('cr-refused'), {
          isDryRun: true,
          ...initiatedBy('user:default/bob'),
        }).ctx,
      ),
    ).rejects.toThrow(
      'Nested cluster "cr-refused" cannot be created: Not allowed: permission nested-clusters.cluster.create was denied for component:default/web-shop (owned by group:default/team-a)',
    );
    expect(creates()).toHaveLength(1);
  });

  it('fails with the last state when the cluster is not Running in time', async () => {
    backend.host.sim.faults.hangInstalls(true);
    const { ctx } = context({
      ...forWebShop('cr-slow'),
      timeoutSeconds: 0.5,
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /^Timed out after \d+s waiting for nested cluster simulated\/cr-slow to be Running; it is Provisioning \(\d+\/\d+ [^)]+\)$/,
    );
  });

  it("fails the step with the host's reason when the cluster fails", async () => {
    backend.host.sim.faults.failInstalls({ name: 'cr-failing' });
    const { ctx, output, lines } = context(forWebShop('cr-failing'));
    const error = await action.handler(ctx).catch((e: Error) => e);
    const { statusMessage } = (await onHost('cr-failing')).body;
    expect(statusMessage).toBeTruthy();
    expect(error).toEqual(
      new Error(`Nested cluster simulated/cr-failing failed: ${statusMessage}`),
    );
    expect(lines()).toContainEqual(
      expect.stringMatching(/^simulated\/cr-failing: Failed: .+ after \d+s$/),
    );
    expect(output).not.toHaveBeenCalledWith('status', expect.anything());
  });
});
