import { mockServices } from '@backstage/backend-test-utils';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import { actionContext, checkpointStore } from '../__testUtils__/actionContext';
import { FakeNestedClustersBackend } from '../__testUtils__/FakeNestedClustersBackend';
import { createNestedClusterDeleteAction } from './delete';

type Ctx = Parameters<
  ReturnType<typeof createNestedClusterDeleteAction>['handler']
>[0];
type Input = Ctx['input'];

describe('nested-clusters:delete', () => {
  let backend: FakeNestedClustersBackend;
  let action: ReturnType<typeof createNestedClusterDeleteAction>;

  beforeEach(async () => {
    backend = await FakeNestedClustersBackend.start();
    backend.seed({ name: 'my-sandbox', status: 'Running' });
    action = createNestedClusterDeleteAction({
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

  it('deletes as the initiator and waits until the cluster is gone', async () => {
    const { ctx, lines } = context({ waitForDeletion: true });
    await action.handler(ctx);

    expect(backend.requests[0]).toEqual(
      expect.objectContaining({
        method: 'DELETE',
        path: '/clusters/simulated/my-sandbox',
        user: 'user:default/mock',
      }),
    );
    expect(backend.clusters.size).toBe(0);
    expect(lines()).toContainEqual(
      expect.stringMatching(/^simulated\/my-sandbox: deleted after \d+s$/),
    );
  });

  it('does not delete twice when the task is retried', async () => {
    const { checkpoint } = checkpointStore();
    await action.handler(context({}, { checkpoint }).ctx);
    await action.handler(context({}, { checkpoint }).ctx);
    expect(backend.requests.filter(r => r.method === 'DELETE')).toHaveLength(1);
  });

  it('accepts a cluster that an earlier attempt already started deleting', async () => {
    backend.seed({ name: 'my-sandbox', status: 'Deleting' });
    await action.handler(context({}).ctx);
    expect(backend.requests.map(r => r.method)).toEqual(['DELETE', 'GET']);
  });

  it("surfaces the backend's refusal", async () => {
    backend.failNext(
      'DELETE',
      FakeNestedClustersBackend.error(
        403,
        'NotAllowedError',
        'You are not allowed to nested-clusters.cluster.delete simulated/my-sandbox',
      ),
    );
    await expect(action.handler(context({}).ctx)).rejects.toThrow(
      'Could not delete nested cluster simulated/my-sandbox: You are not allowed to nested-clusters.cluster.delete simulated/my-sandbox',
    );
    expect(backend.clusters.get('simulated/my-sandbox')?.status).toBe(
      'Running',
    );
  });

  it('deletes nothing in a dry run', async () => {
    await action.handler(context({}, { isDryRun: true }).ctx);
    expect(backend.requests).toEqual([]);
  });
});
