import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  adminClients,
  AuditLog,
  eventually,
  Harness,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import { ANNOTATIONS } from '@nested-clusters/plugin-nested-clusters-node';
import { EXPIRY_TASK_ID } from '../plugin';
import {
  consistency,
  dropDatabases,
  HostInspector,
  postgresConnection as connectionString,
  reliabilityBackend,
} from './__testUtils__/checks';

jest.setTimeout(120_000);

/** Hands out the plugin's scheduler, to trigger its expiry task. */
function captureScheduler(into: SchedulerService[]) {
  return createBackendModule({
    pluginId: 'nested-clusters',
    moduleId: 'test-scheduler-capture',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          into.push(scheduler);
        },
      });
    },
  });
}

/**
 * Two backend replicas share one PostgreSQL database (the real database and
 * scheduler services), and watch one host.
 */
describe('two replicas', () => {
  const prefix = `nc_test_${randomBytes(4).toString('hex')}_`;
  const audit = new AuditLog();
  const schedulers: SchedulerService[] = [];
  let sims: SimulatedHost[];
  let replicas: Harness[] = [];

  beforeAll(async () => {
    const connection = connectionString();
    sims = await startSimulators(['host-a']);
    // One after the other: the first creates the plugin's database.
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startBackend({
          ...reliabilityBackend(sims),
          audit,
          config: {
            backend: { database: { client: 'pg', connection, prefix } },
          },
          scheduler: schedulerServiceFactory,
          features: [databaseServiceFactory, captureScheduler(schedulers)],
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    replicas = [];
    await Promise.all((sims ?? []).map(s => s.sim.stop()));
    await dropDatabases(prefix);
  });

  it('share the plugin database', async () => {
    const pg = new Client({ connectionString: connectionString() });
    await pg.connect();
    const { rows } = await pg.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    await pg.end();
    expect(rows.map(r => r.datname)).toContain(`${prefix}nested-clusters`);
    expect(schedulers).toHaveLength(2);
  });

  it('delete each expired cluster exactly once, and serve the same lists', async () => {
    const [a, b] = replicas;
    const names = ['exp-1', 'exp-2', 'exp-3', 'exp-4', 'keep-1', 'keep-2'];
    for (const [i, name] of names.entries()) {
      // Creates go to either replica.
      expect((await replicas[i % 2].api.create(name, 'host-a')).status).toBe(
        202,
      );
    }
    await eventually(async () => {
      for (const r of replicas) {
        const { items } = await r.api.list();
        expect(items.map(c => [c.name, c.status]).sort()).toEqual(
          names.map(n => [n, 'Running']).sort(),
        );
      }
    });

    // Time passes for four of them: their expires-at moves into the past.
    const { core } = adminClients(sims[0].sim);
    const expired = names.filter(n => n.startsWith('exp-'));
    for (const name of expired) {
      await core.patchNamespace({
        name: `nc-${name}`,
        body: [
          {
            op: 'replace',
            path: `/metadata/annotations/${ANNOTATIONS.expiresAt.replace(
              '/',
              '~1',
            )}`,
            value: new Date(Date.now() - 60_000).toISOString(),
          },
        ],
      });
    }
    await eventually(async () => {
      for (const r of replicas) {
        const { items } = await r.api.list();
        const past = items.filter(c => Date.parse(c.expiresAt) < Date.now());
        expect(past.map(c => c.name).sort()).toEqual(expired);
      }
    });

    // Both replicas ask for a run at once; the global task runs on one.
    await Promise.allSettled(
      schedulers.map(s => s.triggerTask(EXPIRY_TASK_ID)),
    );
    const inspector = new HostInspector(sims[0].sim);
    await eventually(
      async () =>
        expect(await inspector.clusterNamespaces()).toEqual([
          'nc-keep-1',
          'nc-keep-2',
        ]),
      30_000,
    );
    // A second round finds nothing left to expire.
    await Promise.allSettled(
      schedulers.map(s => s.triggerTask(EXPIRY_TASK_ID)),
    );
    await eventually(async () => {
      const runs = audit.events.filter(
        e => e.eventId === 'nested-cluster-expire',
      );
      expect(runs.map(e => e.meta?.name).sort()).toEqual(expired);
      expect(runs.every(e => e.outcome === 'success')).toBe(true);
    });
    await new Promise(resolve => setTimeout(resolve, 6_000));
    const expiries = audit.events.filter(
      e => e.eventId === 'nested-cluster-expire',
    );
    expect(expiries.map(e => e.meta?.name).sort()).toEqual(expired);

    // Both replicas agree with each other and with the host.
    await Promise.all(
      replicas.map(r =>
        eventually(async () =>
          expect(await consistency(r.api, sims)).toBeUndefined(),
        ),
      ),
    );
    const [listA, listB] = await Promise.all([a.api.list(), b.api.list()]);
    expect(listA).toEqual(listB);
    expect(listA.items.map(c => c.name)).toEqual(['keep-1', 'keep-2']);
  });
});
