import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  eventually,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';

const ACTIONS = {
  'list-nested-clusters': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'get-nested-cluster': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'create-nested-cluster': {
    readOnly: false,
    destructive: false,
    idempotent: false,
  },
  'pause-nested-cluster': {
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  'resume-nested-cluster': {
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  'extend-nested-cluster': {
    readOnly: false,
    destructive: false,
    idempotent: false,
  },
  'delete-nested-cluster': {
    readOnly: false,
    destructive: true,
    idempotent: true,
  },
};

describe('nested-clusters MCP actions', () => {
  let sim: HostSimulator;
  let backend: Harness;
  const target = { host: 'simulated', name: 'mcp-demo' };

  beforeAll(async () => {
    sim = await startHostSimulator();
    backend = await startBackend({
      hosts: [{ name: 'simulated', sim }],
      features: [mcpActionsPlugin],
      config: {
        backend: { actions: { pluginSources: ['nested-clusters'] } },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  function invoke(action: string, input: object, user = USERS.guest) {
    return backend.server
      .post(
        `/api/nested-clusters/.backstage/actions/v1/actions/nested-clusters:${action}/invoke`,
      )
      .set('Authorization', user)
      .send(input);
  }

  it('lists every action through the MCP actions backend, with its attributes and no kubeconfig action', async () => {
    const res = await backend.server
      .post('/api/mcp-actions/v1')
      .set('Authorization', USERS.guest)
      .set('Accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    expect(res.status).toBe(200);
    // The streamable transport answers as server-sent events.
    const message = JSON.parse(
      res.text
        .split('\n')
        .find(line => line.startsWith('data: '))!
        .slice('data: '.length),
    );
    const tools = message.result.tools as Array<{
      name: string;
      description: string;
      annotations: Record<string, unknown>;
    }>;
    const ours = tools.filter(t => t.name.includes('nested-cluster'));
    expect(ours.map(t => t.name).sort()).toEqual(
      Object.keys(ACTIONS)
        .map(name => `nested-clusters.${name}`)
        .sort(),
    );
    for (const [name, attributes] of Object.entries(ACTIONS)) {
      const tool = ours.find(t => t.name === `nested-clusters.${name}`)!;
      expect(tool.description).not.toBe('');
      expect(tool.annotations).toMatchObject({
        readOnlyHint: attributes.readOnly,
        destructiveHint: attributes.destructive,
        idempotentHint: attributes.idempotent,
      });
    }
    expect(tools.some(t => /kubeconfig/i.test(t.name))).toBe(false);
  });

  it("creates, reads, pauses, resumes, extends and deletes as the owner; team-b's bob gets 403 on each", async () => {
    const created = await invoke('create-nested-cluster', {
      name: target.name,
      profile: 'sandbox',
      entityRef: 'component:default/web-shop',
    });
    expect(created.status).toBe(200);
    expect(created.body.output.cluster).toMatchObject({
      ...target,
      status: 'Provisioning',
      owner: 'group:default/team-a',
      createdBy: 'user:default/guest',
    });
    await eventually(async () => {
      const res = await invoke('get-nested-cluster', target);
      expect(res.body.output?.cluster.status).toBe('Running');
    });

    const listed = await invoke('list-nested-clusters', {
      entityRef: 'component:default/web-shop',
    });
    expect(
      listed.body.output.items.map((c: { name: string }) => c.name),
    ).toEqual([target.name]);

    // bob (team-b) may read (example policy) but not change team-a's cluster.
    for (const [action, input] of [
      ['pause-nested-cluster', target],
      ['resume-nested-cluster', target],
      ['extend-nested-cluster', { ...target, ttl: '1h' }],
      ['delete-nested-cluster', target],
    ] as const) {
      const denied = await invoke(action, input, USERS.bob);
      expect({ action, status: denied.status }).toEqual({
        action,
        status: 403,
      });
      expect(denied.body.error.name).toBe('NotAllowedError');
    }

    expect((await invoke('pause-nested-cluster', target)).status).toBe(200);
    await eventually(async () => {
      const res = await invoke('get-nested-cluster', target);
      expect(res.body.output.cluster.status).toBe('Paused');
    });
    expect((await invoke('resume-nested-cluster', target)).status).toBe(200);
    const extended = await invoke('extend-nested-cluster', {
      ...target,
      ttl: '1h',
    });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.output.cluster.expiresAt)).toBeGreaterThan(
      Date.parse(created.body.output.cluster.expiresAt),
    );
    const deleted = await invoke('delete-nested-cluster', target);
    expect(deleted.status).toBe(200);
    expect(deleted.body.output.cluster.status).toBe('Deleting');
  });

  it('decides create on the component as the REST API does: team-b’s bob gets 403 for team-a’s web-shop, and may create without a component', async () => {
    for (const dryRun of [false, true]) {
      const res = await invoke(
        'create-nested-cluster',
        {
          name: 'bob-mcp',
          profile: 'sandbox',
          entityRef: 'component:default/web-shop',
          dryRun,
        },
        USERS.bob,
      );
      expect({ dryRun, status: res.status }).toEqual({ dryRun, status: 403 });
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          'Not allowed: permission nested-clusters.cluster.create was denied for component:default/web-shop (owned by group:default/team-a)',
      });
    }
    const alone = await invoke(
      'create-nested-cluster',
      { name: 'bob-mcp', profile: 'sandbox', dryRun: true },
      USERS.bob,
    );
    expect(alone.status).toBe(200);
    expect(alone.body.output.cluster.owner).toBe('user:default/bob');
  });

  it('refuses callers that are not users: the permission framework would allow them everything', async () => {
    const res = await invoke(
      'list-nested-clusters',
      {},
      mockCredentials.service.header(),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });
});
