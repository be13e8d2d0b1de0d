import { mockServices } from '@backstage/backend-test-utils';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import { actionContext } from '../__testUtils__/actionContext';
import { FakeNestedClustersBackend } from '../__testUtils__/FakeNestedClustersBackend';
import { createNestedClusterWaitAction } from './wait';

type Ctx = Parameters<
  ReturnType<typeof createNestedClusterWaitAction>['handler']
>[0];
type Input = Ctx['input'];

describe('nested-clusters:wait', () => {
  let backend: FakeNestedClustersBackend;
  let action: ReturnType<typeof createNestedClusterWaitAction>;

  beforeEach(async () => {
    backend = await FakeNestedClustersBackend.start();
    action = createNestedClusterWaitAction({
      api: new NestedClustersClient({ discoveryApi: backend.discovery }),
      auth: mockServices.auth(),
      appBaseUrl: 'http://portal.example.com',
      pollIntervalMs: 10,
    });
  });

  afterEach(() => backend.stop());

  const context = (input: Partial<Input>, extra: Partial<Ctx> = {}) =>
    actionContext(
      action,
      {
        host: 'simulated',
        name: 'my-sandbox',
        ...input,
      },
      extra,
    );

  it('waits until the cluster reaches the state, logging each change', async () => {
    backend.seed({ name: 'my-sandbox' });
    backend.lifecycle = [
      { status: 'Running' },
      { status: 'Pausing' },
      { status: 'Paused' },
    ];
    const { ctx, output, lines } = context({ status: 'Paused' });
    await action.handler(ctx);

    expect(output).toHaveBeenCalledWith('status', 'Paused');
    expect(output).toHaveBeenCalledWith('namespace', 'nc-my-sandbox');
    expect(lines().filter(l => l.startsWith('simulated/'))).toEqual([
      expect.stringMatching(/^simulated\/my-sandbox: Running after \d+s$/),
      expect.stringMatching(/^simulated\/my-sandbox: Pausing after \d+s$/),
      expect.stringMatching(/^simulated\/my-sandbox: Paused after \d+s$/),
    ]);
    expect(new Set(backend.requests.map(r => r.user))).toEqual(
      new Set(['user:default/mock']),
    );
  });

  it('keeps waiting through a backend that is briefly unavailable', async () => {
    backend.seed({ name: 'my-sandbox' });
    backend.failNext(
      'GET',
      FakeNestedClustersBackend.error(
        503,
        'ServiceUnavailableError',
        'host simulated is unreachable',
      ),
      2,
    );
    const { ctx, output, lines } = context({});
    await action.handler(ctx);

    expect(output).toHaveBeenCalledWith('status', 'Running');
    expect(lines()).toContain(
      'simulated/my-sandbox: could not read the cluster (503); retrying',
    );
  });

  it('fails clearly when the cluster does not exist', async () => {
    const { ctx } = context({});
    await expect(action.handler(ctx)).rejects.toThrow(
      'Nested cluster simulated/my-sandbox not found (it may have been deleted)',
    );
  });

  it('fails when the user may not read the cluster', async () => {
    backend.seed({ name: 'my-sandbox' });
    backend.failNext(
      'GET',
      FakeNestedClustersBackend.error(
        403,
        'NotAllowedError',
        'not allowed to nested-clusters.cluster.read',
      ),
    );
    await expect(action.handler(context({}).ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Could not read nested cluster simulated/my-sandbox: not allowed to nested-clusters.cluster.read',
    });
    expect(backend.requests).toHaveLength(1);
  });

  it("fails with the host's reason when the cluster fails", async () => {
    backend.seed({ name: 'my-sandbox' });
    backend.lifecycle = [
      {
        status: 'Failed',
        statusMessage: 'VCluster my-sandbox: chart not found',
      },
    ];
    await expect(action.handler(context({}).ctx)).rejects.toThrow(
      'Nested cluster simulated/my-sandbox failed: VCluster my-sandbox: chart not found',
    );
  });

  it('times out with the last known state', async () => {
    backend.seed({ name: 'my-sandbox' });
    backend.lifecycle = [{ status: 'Resuming' }];
    await expect(
      action.handler(context({ timeoutSeconds: 0.1 }).ctx),
    ).rejects.toThrow(
      /^Timed out after \d+s waiting for nested cluster simulated\/my-sandbox to be Running; it is Resuming$/,
    );
  });

  it('calls nothing in a dry run', async () => {
    const { ctx, output } = context({}, { isDryRun: true });
    await action.handler(ctx);
    expect(backend.requests).toEqual([]);
    expect(output).toHaveBeenCalledWith('status', 'Running');
  });
});
