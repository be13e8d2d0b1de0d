import {
  createRunningCluster,
  eventually,
} from '@nested-clusters/test-harness';
import { actionContext, checkpointStore } from '../__testUtils__/actionContext';
import {
  ActionsBackend,
  initiatedBy,
  startActionsBackend,
} from '../__testUtils__/realBackend';
import { createNestedClusterDeleteAction } from './delete';

type Ctx = Parameters<
  ReturnType<typeof createNestedClusterDeleteAction>['handler']
>[0];
type Input = Ctx['input'];

/* Against the real backend and a simulated host; see create.test.ts. */
jest.setTimeout(60_000);

describe('nested-clusters:delete', () => {
  let backend: ActionsBackend;
  let action: ReturnType<typeof createNestedClusterDeleteAction>;

  beforeAll(async () => {
    // Uninstalling takes a couple of seconds, so a delete can be seen under way.
    backend = await startActionsBackend({
      delays: { uninstallMs: 1_500, podTerminateMs: 500 },
    });
    action = createNestedClusterDeleteAction(backend.actionOptions);
  });

  afterAll(() => backend?.stop());

  beforeEach(() => {
    backend.requests.length = 0;
  });

  const context = (
    name: string,
    input: Partial<Input> = {},
    extra: Partial<Ctx> = {},
  ) =>
    actionContext(
      action,
      { host: 'simulated', name, ...input },
      { ...initiatedBy(), ...extra },
    );

  const running = async (name: string) => {
    await createRunningCluster(backend.harness, { name });
    backend.requests.length = 0;
  };
  const onHost = (name: string) => backend.harness.api.get('simulated', name);

  it('deletes as the initiator and waits until the cluster is gone', async () => {
    await running('del-wait');
    const { ctx, lines } = context('del-wait', { waitForDeletion: true });
    await action.handler(ctx);

    expect(backend.requests[0]).toEqual({
      method: 'DELETE',
      path: '/clusters/simulated/del-wait',
    });
    expect((await onHost('del-wait')).status).toBe(404);
    expect(lines()).toContainEqual(
      expect.stringMatching(/^simulated\/del-wait: deleted after \d+s$/),
    );
  });

  it('does not delete twice when the task is retried', async () => {
    await running('del-retry');
    const { checkpoint } = checkpointStore();
    await action.handler(context('del-retry', {}, { checkpoint }).ctx);
    await action.handler(context('del-retry', {}, { checkpoint }).ctx);
    expect(backend.requests.filter(r => r.method === 'DELETE')).toHaveLength(1);
  });

  it('accepts a cluster that an earlier attempt already started deleting', async () => {
    await running('del-started');
    expect(
      (await backend.harness.api.delete('simulated', 'del-started')).status,
    ).toBe(202);
    await eventually(async () =>
      expect((await onHost('del-started')).body.status).toBe('Deleting'),
    );
    backend.requests.length = 0;

    await action.handler(context('del-started').ctx);
    expect(backend.requests.map(r => r.method)).toEqual(['DELETE']);
  });

  it("surfaces the backend's refusal", async () => {
    await running('del-refused');
    // bob is in team-b; the cluster belongs to guest's team-a.
    await expect(
      action.handler(
        context('del-refused', {}, initiatedBy('user:default/bob')).ctx,
      ),
    ).rejects.toThrow(
      /^Could not delete nested cluster simulated\/del-refused: .+/,
    );
    expect((await onHost('del-refused')).body.status).toBe('Running');
  });

  it('deletes nothing in a dry run', async () => {
    await running('del-dry');
    await action.handler(context('del-dry', {}, { isDryRun: true }).ctx);
    expect(backend.requests).toEqual([]);
    expect((await onHost('del-dry')).body.status).toBe('Running');
  });
});
