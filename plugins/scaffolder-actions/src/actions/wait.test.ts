import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { nestedClusterReadPermission } from '@nested-clusters/plugin-nested-clusters-common';
import { NestedClustersExamplePolicy } from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import {
  createRunningCluster,
  eventually,
} from '@nested-clusters/test-harness';
import { actionContext } from '../__testUtils__/actionContext';
import {
  ActionsBackend,
  initiatedBy,
  startActionsBackend,
} from '../__testUtils__/realBackend';
import { createNestedClusterWaitAction } from './wait';

type Ctx = Parameters<
  ReturnType<typeof createNestedClusterWaitAction>['handler']
>[0];
type Input = Ctx['input'];

/* Against the real backend and a simulated host; see create.test.ts. */
jest.setTimeout(60_000);

/**
 * The example policy, except that team-b's bob may read no nested cluster
 * (the example policy lets everyone signed in read them).
 */
const bobReadsNothingPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'bob-reads-nothing-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, auth, userInfo }) {
        const example = new NestedClustersExamplePolicy(auth, userInfo);
        policy.setPolicy({
          async handle(request, user) {
            return request.permission.name ===
              nestedClusterReadPermission.name &&
              user?.info.userEntityRef === 'user:default/bob'
              ? { result: AuthorizeResult.DENY }
              : example.handle(request, user);
          },
        });
      },
    });
  },
});

describe('nested-clusters:wait', () => {
  let backend: ActionsBackend;
  let action: ReturnType<typeof createNestedClusterWaitAction>;

  beforeAll(async () => {
    backend = await startActionsBackend({ policy: bobReadsNothingPolicy });
    action = createNestedClusterWaitAction(backend.actionOptions);
  });

  afterAll(() => backend?.stop());

  beforeEach(() => {
    backend.requests.length = 0;
  });

  afterEach(() => backend.host.sim.faults.reset());

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

  const create = (name: string) =>
    backend.harness.api.create(name, 'simulated');

  it('waits until the cluster reaches the state, logging each change', async () => {
    await createRunningCluster(backend.harness, { name: 'wt-pause' });
    expect(
      (await backend.harness.api.action('simulated', 'wt-pause', 'pause'))
        .status,
    ).toBe(202);
    const { ctx, output, lines } = context('wt-pause', { status: 'Paused' });
    await action.handler(ctx);

    expect(output).toHaveBeenCalledWith('status', 'Paused');
    expect(output).toHaveBeenCalledWith('namespace', 'nc-wt-pause');
    const changes = lines().filter(l => l.startsWith('simulated/'));
    expect(changes[changes.length - 1]).toMatch(
      /^simulated\/wt-pause: Paused after \d+s$/,
    );
    expect(changes.every(l => /: (Pausing|Paused) after \d+s$/.test(l))).toBe(
      true,
    );
  });

  it('keeps waiting through a backend that is briefly unavailable', async () => {
    expect((await create('wt-flaky')).status).toBe(202);
    // The real backend answers 503 only while a host is unreachable; here the
    // first two reads fail at the client instead, then reach the backend.
    const { api } = backend.actionOptions;
    let failures = 2;
    const flaky = Object.assign(Object.create(api), {
      async getCluster(...args: Parameters<typeof api.getCluster>) {
        if (failures-- > 0) {
          throw await ResponseError.fromResponse(
            new Response(
              JSON.stringify({
                error: {
                  name: 'ServiceUnavailableError',
                  message: 'host simulated is unreachable',
                },
                response: { statusCode: 503 },
              }),
              { status: 503, headers: { 'content-type': 'application/json' } },
            ),
          );
        }
        return api.getCluster(...args);
      },
    });
    const flakyAction = createNestedClusterWaitAction({
      ...backend.actionOptions,
      api: flaky,
    });
    const { ctx, output, lines } = actionContext(
      flakyAction,
      { host: 'simulated', name: 'wt-flaky' },
      initiatedBy(),
    );
    await flakyAction.handler(ctx);

    expect(output).toHaveBeenCalledWith('status', 'Running');
    expect(lines()).toContain(
      'simulated/wt-flaky: could not read the cluster (503); retrying',
    );
  });

  it('fails clearly when the cluster does not exist', async () => {
    await expect(action.handler(context('wt-missing').ctx)).rejects.toThrow(
      'Nested cluster simulated/wt-missing not found (it may have been deleted)',
    );
  });

  it('fails when the user may not read the cluster', async () => {
    expect((await create('wt-private')).status).toBe(202);
    // bob may read no cluster under this suite's policy.
    await expect(
      action.handler(
        context('wt-private', {}, initiatedBy('user:default/bob')).ctx,
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^Could not read nested cluster simulated\/wt-private: .+/,
      ),
    });
    expect(backend.requests).toHaveLength(1);
  });

  it("fails with the host's reason when the cluster fails", async () => {
    backend.host.sim.faults.failInstalls({ name: 'wt-failing' });
    expect((await create('wt-failing')).status).toBe(202);
    const statusMessage = await eventually(async () => {
      const { body } = await backend.harness.api.get('simulated', 'wt-failing');
      expect(body.status).toBe('Failed');
      return body.statusMessage;
    });
    await expect(action.handler(context('wt-failing').ctx)).rejects.toThrow(
      `Nested cluster simulated/wt-failing failed: ${statusMessage}`,
    );
  });

  it('times out with the last known state', async () => {
    backend.host.sim.faults.hangInstalls(true);
    expect((await create('wt-hung')).status).toBe(202);
    await expect(
      action.handler(context('wt-hung', { timeoutSeconds: 0.3 }).ctx),
    ).rejects.toThrow(
      /^Timed out after \d+s waiting for nested cluster simulated\/wt-hung to be Running; it is Provisioning( \(.+\))?$/,
    );
  });

  it('calls nothing in a dry run', async () => {
    const { ctx, output } = context('wt-dry', {}, { isDryRun: true });
    await action.handler(ctx);
    expect(backend.requests).toEqual([]);
    expect(output).toHaveBeenCalledWith('status', 'Running');
  });
});
