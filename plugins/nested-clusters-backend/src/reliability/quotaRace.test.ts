import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { randomBytes } from 'node:crypto';
import {
  eventually,
  Harness,
  RestApi,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import {
  dropDatabases,
  HostInspector,
  postgresConnection,
} from './__testUtils__/checks';

jest.setTimeout(120_000);

const CREATES = 50;
const LIMIT = 5;

/**
 * Fires CREATES creates with distinct names at once, spread over the given
 * REST clients, and waits until the host holds only what they left behind.
 */
async function race(
  sim: SimulatedHost,
  apis: RestApi[],
  prefix: string,
): Promise<{ statuses: Record<number, number>; left: string[] }> {
  const answers = await Promise.all(
    Array.from({ length: CREATES }, (_, i) =>
      apis[i % apis.length].create(`${prefix}-${i}`, sim.name),
    ),
  );
  const statuses: Record<number, number> = {};
  for (const { status } of answers) {
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const accepted = statuses[202] ?? 0;
  const inspector = new HostInspector(sim.sim);
  // Losers' namespaces are being deleted; wait until they are gone.
  const left = await eventually(async () => {
    const namespaces = await inspector.clusterNamespaces();
    expect(namespaces).toHaveLength(accepted);
    return namespaces;
  }, 60_000);
  // eslint-disable-next-line no-console
  console.log(
    `quota race ${prefix}: ${CREATES} creates through ${apis.length} client(s) ->`,
    statuses,
    `${left.length} namespaces left`,
  );
  return { statuses, left };
}

/** What a race must leave: LIMIT × 202, the rest 429, only the winners on the host. */
function outcome(
  { statuses, left }: Awaited<ReturnType<typeof race>>,
  prefix: string,
) {
  return {
    statuses,
    left: left.length,
    foreign: left.filter(n => !n.startsWith(`nc-${prefix}-`)),
  };
}

const EXACT = {
  statuses: { 202: LIMIT, 429: CREATES - LIMIT },
  left: LIMIT,
  foreign: [],
};

describe('quotas under parallel creates (example policy)', () => {
  let sims: SimulatedHost[] = [];
  let backend: Harness | undefined;

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await Promise.all(sims.map(s => s.sim.stop()));
    sims = [];
  });

  it(`keeps clustersPerOwner ${LIMIT} for ${CREATES} parallel creates by one owner`, async () => {
    sims = await startSimulators(['host-a']);
    backend = await startBackend({
      hosts: sims.map(s => ({ ...s, maxClusters: 1000 })),
      limits: { clustersPerOwner: LIMIT },
      fastHosts: true,
    });
    expect(outcome(await race(sims[0], [backend.api], 'own'), 'own')).toEqual(
      EXACT,
    );
    // The backend's cache agrees with the host.
    await eventually(async () =>
      expect((await backend!.api.list()).items).toHaveLength(LIMIT),
    );
  });

  it(`keeps a host's maxClusters ${LIMIT} for ${CREATES} parallel creates by three users`, async () => {
    sims = await startSimulators(['host-a']);
    backend = await startBackend({
      hosts: sims.map(s => ({ ...s, maxClusters: LIMIT })),
      limits: { clustersPerOwner: 1000 },
      fastHosts: true,
    });
    const users = [
      'user:default/guest',
      'user:default/bob',
      'user:default/carol',
    ];
    const result = await race(
      sims[0],
      users.map(u => backend!.api.as(u)),
      'full',
    );
    expect(outcome(result, 'full')).toEqual(EXACT);
  });
});

/** Two replicas on one PostgreSQL (the real database and scheduler services). */
describe('quotas under parallel creates on two replicas', () => {
  const prefix = `nc_quota_${randomBytes(4).toString('hex')}_`;
  let sims: SimulatedHost[] = [];
  const replicas: Harness[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await Promise.all(sims.map(s => s.sim.stop()));
    await dropDatabases(prefix);
  });

  it(`keeps clustersPerOwner ${LIMIT} for ${CREATES} creates split over both`, async () => {
    const connection = postgresConnection();
    sims = await startSimulators(['host-a']);
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startBackend({
          hosts: sims.map(s => ({ ...s, maxClusters: 1000 })),
          limits: { clustersPerOwner: LIMIT },
          fastHosts: true,
          config: {
            backend: { database: { client: 'pg', connection, prefix } },
          },
          scheduler: schedulerServiceFactory,
          features: [databaseServiceFactory],
        }),
      );
    }
    expect(
      outcome(
        await race(
          sims[0],
          replicas.map(r => r.api),
          'two',
        ),
        'two',
      ),
    ).toEqual(EXACT);
  });
});
