import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  NestedCluster,
  nestedClusterReadPermission,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  createNestedClusterConditionalDecision,
  nestedClusterConditions,
} from '@nested-clusters/plugin-nested-clusters-node';
import {
  eventually,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { seedCluster } from '../../bench/seed';

jest.setTimeout(60_000);

const API = '/api/nested-clusters';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

/**
 * Reading is limited to owners (the owning group's members, or the creator),
 * except for carol, who reads everything: the per-item authorization that
 * pages must apply before they cut.
 */
const ownersReadPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'owners-read-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
      },
      async init({ policy, userInfo, auth }) {
        policy.setPolicy({
          async handle(request, user) {
            if (
              request.permission.name !== nestedClusterReadPermission.name ||
              !user ||
              !auth.isPrincipal(user.credentials, 'user')
            ) {
              return { result: AuthorizeResult.ALLOW };
            }
            if (
              user.credentials.principal.userEntityRef === 'user:default/carol'
            ) {
              return { result: AuthorizeResult.ALLOW };
            }
            const { ownershipEntityRefs } = await userInfo.getUserInfo(
              user.credentials,
            );
            return createNestedClusterConditionalDecision(
              nestedClusterReadPermission,
              nestedClusterConditions.isOwner({ claims: ownershipEntityRefs }),
            );
          },
        });
      },
    });
  },
});

/**
 * The REST list in pages: `limit` and an opaque cursor, filters on the
 * server, authorization per cluster before the page is cut. 40 clusters on
 * two hosts, owned in turn by team-a and team-b; bob (team-b) created two of
 * team-a's.
 */
describe('GET /clusters in pages', () => {
  let alpha: HostSimulator;
  let beta: HostSimulator;
  let backend: Harness;

  const list = (query: string, user = USERS.guest) =>
    backend.server.get(`${API}/clusters?${query}`).set('Authorization', user);

  /** Every page of a query, following nextCursor. */
  async function allPages(query: string, limit: number, user = USERS.guest) {
    const pages: Array<{
      items: NestedCluster[];
      totalItems?: number;
      nextCursor?: string;
    }> = [];
    let cursor: string | undefined;
    do {
      const res = await list(
        `${query}&limit=${limit}${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
        user,
      );
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor);
    return pages;
  }

  const key = (c: NestedCluster) => `${c.host}/${c.name}`;

  beforeAll(async () => {
    [alpha, beta] = await Promise.all([
      startHostSimulator(),
      startHostSimulator(),
    ]);
    for (let i = 0; i < 40; i++) {
      const sim = i % 4 < 2 ? alpha : beta;
      seedCluster(sim.host, {
        name: `c-${String(i).padStart(2, '0')}`,
        owner: i % 2 === 0 ? TEAM_A : TEAM_B,
        createdBy: i === 10 || i === 20 ? 'user:default/bob' : undefined,
      });
    }
    backend = await startBackend({
      hosts: [
        { name: 'alpha', sim: alpha, installer: 'helm-job' },
        { name: 'beta', sim: beta, installer: 'helm-job' },
      ],
      policy: ownersReadPolicy,
    });
    await eventually(async () => {
      const running = (await list('status=Running', USERS.carol)).body.items;
      if (running.length !== 40) {
        throw new Error(`${running.length} of 40 clusters Running`);
      }
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([alpha?.stop(), beta?.stop()]);
  });

  it('pages through exactly what the caller may read, full pages until the last', async () => {
    const everything = (await list('', USERS.guest)).body.items.map(key);
    // guest (team-a) reads team-a's 20 clusters, not team-b's.
    expect(everything).toHaveLength(20);

    const pages = await allPages('', 6);
    expect(pages.map(p => p.items.length)).toEqual([6, 6, 6, 2]);
    expect(pages.every(p => p.totalItems === 20)).toBe(true);
    expect(pages.flatMap(p => p.items).map(key)).toEqual(everything);
    expect(pages.flatMap(p => p.items).every(c => c.owner === TEAM_A)).toBe(
      true,
    );
    expect(pages[pages.length - 1].nextCursor).toBeUndefined();
  });

  it('counts the clusters another caller may read in their own pages', async () => {
    // bob reads team-b's 20 and the two team-a clusters he created.
    const pages = await allPages('', 5, USERS.bob);
    const items = pages.flatMap(p => p.items);
    expect(pages[0].totalItems).toBe(22);
    expect(items).toHaveLength(22);
    // In list order: host, then name (c-20 is on alpha, c-10 on beta).
    expect(items.filter(c => c.owner === TEAM_A).map(key)).toEqual([
      'alpha/c-20',
      'beta/c-10',
    ]);
  });

  it('filters on the server before it pages: host, owner, status, name search and mine', async () => {
    const byHost = await allPages('host=beta', 4, USERS.carol);
    expect(byHost[0].totalItems).toBe(20);
    expect(byHost.flatMap(p => p.items).every(c => c.host === 'beta')).toBe(
      true,
    );

    const byOwner = await allPages(
      `owner=${encodeURIComponent(TEAM_B)}`,
      7,
      USERS.carol,
    );
    expect(byOwner.flatMap(p => p.items)).toHaveLength(20);

    const searched = await allPages('search=C-1', 3, USERS.carol);
    expect(
      searched
        .flatMap(p => p.items)
        .map(c => c.name)
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `c-1${i}`));

    const running = await list('status=Running&limit=1', USERS.carol);
    expect(running.body.totalItems).toBe(40);
    const paused = await list('status=Paused&limit=1', USERS.carol);
    expect(paused.body).toMatchObject({ items: [], totalItems: 0 });
    expect(paused.body.nextCursor).toBeUndefined();

    // mine: the caller's groups' clusters and the ones they created.
    const mine = await allPages('mine=true', 10, USERS.bob);
    expect(mine[0].totalItems).toBe(22);
    const carolsMine = await list('mine=true&limit=50', USERS.carol);
    // carol is in team-a and team-b: every cluster is hers.
    expect(carolsMine.body.totalItems).toBe(40);
  });

  it('continues after the cursor when the cluster it names is gone', async () => {
    const first = await list('limit=3', USERS.carol);
    const cursor = first.body.nextCursor as string;
    const next = await list(
      `limit=3&cursor=${encodeURIComponent(cursor)}`,
      USERS.carol,
    );
    const last = first.body.items[2] as NestedCluster;
    const { api, context } = (last.host === 'alpha' ? alpha : beta).host;
    api.delete(context.kinds.namespace, undefined, last.namespace);
    await eventually(async () => {
      const all = await list('', USERS.carol);
      expect(all.body.items.map(key)).not.toContain(key(last));
    });
    const again = await list(
      `limit=3&cursor=${encodeURIComponent(cursor)}`,
      USERS.carol,
    );
    expect(again.body.items.map(key)).toEqual(next.body.items.map(key));
  });

  it('refuses a bad limit or cursor with a 400 that names it', async () => {
    for (const [query, message] of [
      ['limit=0', 'limit: must be at least 1'],
      ['limit=501', 'limit: must be at most 500'],
      ['limit=ten', 'limit: must be a number'],
      ['limit=2.5', 'limit: must be a whole number'],
      ['limit=5&cursor=bm90LWEtY3Vyc29y', 'cursor: not a cursor this API'],
      ['limit=5&cursor=%25%25', 'cursor: not a cursor this API'],
      ['cursor=eyJob3N0IjoiYSIsIm5hbWUiOiJiIn0', 'cursor: needs a limit'],
      ['status=Sleeping', 'status'],
    ]) {
      const res = await list(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toContain(message);
    }
  });
});
