import { mockServices } from '@backstage/backend-test-utils';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import { actionContext, checkpointStore } from '../__testUtils__/actionContext';
import { FakeNestedClustersBackend } from '../__testUtils__/FakeNestedClustersBackend';
import { createNestedClusterCreateAction } from './create';

type Ctx = Parameters<
  ReturnType<typeof createNestedClusterCreateAction>['handler']
>[0];
type Input = Ctx['input'];

describe('nested-clusters:create', () => {
  let backend: FakeNestedClustersBackend;
  let action: ReturnType<typeof createNestedClusterCreateAction>;

  beforeEach(async () => {
    backend = await FakeNestedClustersBackend.start();
    action = createNestedClusterCreateAction({
      api: new NestedClustersClient({ discoveryApi: backend.discovery }),
      auth: mockServices.auth(),
      appBaseUrl: 'http://portal.example.com',
      pollIntervalMs: 10,
    });
  });

  afterEach(() => backend.stop());

  const context = (input: Partial<Input>, extra: Partial<Ctx> = {}) =>
    actionContext(action, input as Input, extra);

  const input = {
    name: 'my-sandbox',
    profile: 'sandbox',
    entityRef: 'component:default/web-shop',
  };

  it('creates the cluster as the initiator, waits until Running and logs each state change', async () => {
    const { ctx, output, lines } = context(input);
    await action.handler(ctx);

    expect(backend.creates()).toEqual([
      {
        method: 'POST',
        path: '/clusters',
        dryRun: false,
        user: 'user:default/mock',
        body: {
          name: 'my-sandbox',
          profile: 'sandbox',
          entityRef: 'component:default/web-shop',
        },
      },
    ]);
    // Every call, polls included, is made on behalf of the initiator.
    expect(new Set(backend.requests.map(r => r.user))).toEqual(
      new Set(['user:default/mock']),
    );
    expect(output).toHaveBeenCalledWith('name', 'my-sandbox');
    expect(output).toHaveBeenCalledWith('host', 'simulated');
    expect(output).toHaveBeenCalledWith('namespace', 'nc-my-sandbox');
    expect(output).toHaveBeenCalledWith('status', 'Running');
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/web-shop',
    );
    expect(output).toHaveBeenCalledWith(
      'clusterUrl',
      'http://portal.example.com/catalog/default/component/web-shop',
    );
    const progress = lines().filter(l =>
      l.startsWith('simulated/my-sandbox: '),
    );
    expect(progress).toEqual([
      expect.stringMatching(
        /^simulated\/my-sandbox: Provisioning \(1\/3 creating namespace\) after \d+s$/,
      ),
      expect.stringMatching(
        /^simulated\/my-sandbox: Provisioning \(2\/3 installing chart\) after \d+s$/,
      ),
      expect.stringMatching(/^simulated\/my-sandbox: Running after \d+s$/),
    ]);
  });

  it('normalises short refs and passes owner, host and ttl through', async () => {
    const { ctx, output } = context({
      ...input,
      entityRef: 'web-shop',
      owner: 'team-a',
      host: 'simulated',
      ttl: '24h',
      waitForReady: false,
    });
    await action.handler(ctx);

    expect(backend.creates()[0].body).toEqual({
      name: 'my-sandbox',
      profile: 'sandbox',
      host: 'simulated',
      entityRef: 'component:default/web-shop',
      owner: 'group:default/team-a',
      ttl: '24h',
    });
    expect(output).toHaveBeenCalledWith('status', 'Provisioning');
    expect(backend.requests.filter(r => r.method === 'GET')).toEqual([]);
  });

  it('links to the nested clusters page when the cluster has no component', async () => {
    const { ctx, output } = context({
      name: 'scratch',
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
    const { ctx } = context({ ...input, ...bad });
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(backend.requests).toEqual([]);
  });

  it("surfaces the backend's validation and quota errors", async () => {
    backend.failNext(
      'POST',
      FakeNestedClustersBackend.error(
        400,
        'InputError',
        'profile "huge" is not one of: sandbox',
      ),
    );
    await expect(
      action.handler(context({ ...input, profile: 'huge' }).ctx),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'Could not create nested cluster "my-sandbox": profile "huge" is not one of: sandbox',
    });

    backend.clustersPerOwner = 0;
    await expect(action.handler(context(input).ctx)).rejects.toMatchObject({
      name: 'QuotaExceededError',
      message:
        'Could not create nested cluster "my-sandbox": group:default/team-a already has 0 of 0 nested clusters',
    });
    expect(backend.clusters.size).toBe(0);
  });

  describe('on retry', () => {
    it('replays the checkpoint instead of creating a second cluster', async () => {
      const { checkpoint, saved } = checkpointStore();
      const first = context(input, { checkpoint });
      await action.handler(first.ctx);
      const retry = context(input, { checkpoint });
      await action.handler(retry.ctx);

      expect(backend.creates()).toHaveLength(1);
      expect(backend.clusters.size).toBe(1);
      expect([...saved.keys()]).toEqual([
        'nested-clusters.create.my-sandbox.started',
        'nested-clusters.create.my-sandbox',
      ]);
      expect(retry.output).toHaveBeenCalledWith('host', 'simulated');
      expect(retry.output).toHaveBeenCalledWith('status', 'Running');
    });

    it('recognises its own cluster when the first attempt died before saving the checkpoint', async () => {
      const store = checkpointStore({
        crashAfter: 'nested-clusters.create.my-sandbox',
      });
      await expect(
        action.handler(context(input, { checkpoint: store.checkpoint }).ctx),
      ).rejects.toThrow('worker died');

      const retry = context(input, { checkpoint: store.checkpoint });
      await action.handler(retry.ctx);

      expect(backend.creates()).toHaveLength(2); // the second answered 409
      expect(backend.clusters.size).toBe(1);
      expect(retry.lines()).toContain(
        'simulated/my-sandbox was created by an earlier attempt of this task; continuing with it',
      );
      expect(retry.output).toHaveBeenCalledWith('status', 'Running');
    });

    it('still reports a taken name when the cluster predates the task', async () => {
      backend.seed({
        name: 'my-sandbox',
        component: 'component:default/web-shop',
        createdBy: 'user:default/mock',
        createdAt: new Date(Date.now() - 3_600_000).toISOString(),
      });
      await expect(action.handler(context(input).ctx)).rejects.toThrow(
        'Could not create nested cluster "my-sandbox": A nested cluster named my-sandbox already exists on simulated',
      );
    });
  });

  it('validates against the backend in a dry run and creates nothing', async () => {
    const { ctx, output, lines } = context(input, { isDryRun: true });
    await action.handler(ctx);

    expect(backend.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/clusters',
        dryRun: true,
        user: 'user:default/mock',
      }),
    ]);
    expect(backend.clusters.size).toBe(0);
    expect(output).toHaveBeenCalledWith('host', 'simulated');
    expect(output).toHaveBeenCalledWith('namespace', 'nc-my-sandbox');
    expect(lines()).toContain(
      'Dry run: simulated/my-sandbox would be created in namespace nc-my-sandbox; nothing was created',
    );
  });

  it('fails a dry run the backend refuses', async () => {
    backend.failNext(
      'POST',
      FakeNestedClustersBackend.error(
        403,
        'NotAllowedError',
        'You are not allowed to nested-clusters.cluster.create',
      ),
    );
    await expect(
      action.handler(context(input, { isDryRun: true }).ctx),
    ).rejects.toThrow(/cannot be created: You are not allowed/);
  });

  it('fails with the last state when the cluster is not Running in time', async () => {
    backend.lifecycle = [
      {
        status: 'Provisioning',
        progress: {
          completedSteps: 2,
          totalSteps: 5,
          step: 'installing chart',
        },
      },
    ];
    const { ctx } = context({ ...input, timeoutSeconds: 0.2 });
    await expect(action.handler(ctx)).rejects.toThrow(
      /^Timed out after \d+s waiting for nested cluster simulated\/my-sandbox to be Running; it is Provisioning \(2\/5 installing chart\)$/,
    );
  });

  it("fails the step with the host's reason when the cluster fails", async () => {
    backend.lifecycle = [
      { status: 'Provisioning' },
      {
        status: 'Failed',
        statusMessage: 'Job my-sandbox failed: BackoffLimitExceeded',
      },
    ];
    const { ctx, output, lines } = context(input);
    await expect(action.handler(ctx)).rejects.toThrow(
      'Nested cluster simulated/my-sandbox failed: Job my-sandbox failed: BackoffLimitExceeded',
    );
    expect(lines()).toContainEqual(
      expect.stringMatching(
        /^simulated\/my-sandbox: Failed: Job my-sandbox failed: BackoffLimitExceeded after \d+s$/,
      ),
    );
    expect(output).not.toHaveBeenCalledWith('status', expect.anything());
  });

  it('outputs no credentials: never asks for a kubeconfig, only names and status', async () => {
    const { ctx, output } = context(input);
    await action.handler(ctx);
    expect(backend.requests.map(r => r.path)).not.toContainEqual(
      expect.stringContaining('kubeconfig'),
    );
    const schema = action.schema?.output as { properties?: object };
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual([
      'clusterUrl',
      'entityRef',
      'host',
      'name',
      'namespace',
      'status',
    ]);
    for (const [, value] of output.mock.calls) {
      expect(String(value)).not.toMatch(/token|BEGIN|apiVersion: v1/i);
    }
  });
});
