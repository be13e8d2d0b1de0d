import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { ConflictError } from '@backstage/errors';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  adminClients,
  AuditLog,
  createRunningCluster,
  eventually,
  Harness,
  SANDBOX_PROFILE,
  SimulatedHost,
  startBackend,
  StartBackendOptions,
  startSimulators,
} from '@nested-clusters/test-harness';
import { nestedClustersClockServiceRef, SLEEP_TASK_ID } from '..';
import {
  dropDatabases,
  postgresConnection,
} from '../reliability/__testUtils__/checks';

jest.setTimeout(120_000);

/** Weeknights 20:00 to 08:00 in Berlin, as in the issue. */
const BERLIN = {
  schedule: '0 20 * * 1-5',
  wakeup: '0 8 * * 1-5',
  timezone: 'Europe/Berlin',
};

/**
 * Times in Berlin in the week of Monday 2026-12-07 (CET, UTC+1), after the
 * clusters are created (real time), so every event is one they follow.
 */
const BERLIN_TIME = {
  mon1000: new Date('2026-12-07T09:00:00Z'),
  mon1959: new Date('2026-12-07T18:59:00Z'),
  mon2000: new Date('2026-12-07T19:00:30Z'),
  mon2200: new Date('2026-12-07T21:00:00Z'),
  mon2201: new Date('2026-12-07T21:01:00Z'),
  tue0800: new Date('2026-12-08T07:00:30Z'),
};

/** A clock the test moves; the plugin reads it instead of the real time. */
class FakeClock {
  constructor(public time: Date) {}
  now = () => new Date(this.time);
  factory() {
    return createServiceFactory({
      service: nestedClustersClockServiceRef,
      deps: {},
      factory: () => ({ now: this.now }),
    });
  }
}

function backendOptions(
  sims: SimulatedHost[],
  clock: FakeClock,
  audit: AuditLog,
): StartBackendOptions {
  return {
    hosts: sims,
    profiles: [{ ...SANDBOX_PROFILE, sleep: BERLIN }],
    fastHosts: true,
    audit,
    features: [clock.factory()],
  };
}

async function statefulSetAnnotations(
  sim: SimulatedHost,
  name: string,
): Promise<Record<string, string>> {
  const sts = await adminClients(sim.sim).apps.readNamespacedStatefulSet({
    name,
    namespace: `nc-${name}`,
  });
  return sts.metadata?.annotations ?? {};
}

async function waitForStatus(harness: Harness, name: string, status: string) {
  await eventually(async () => {
    const res = await harness.api.get('host-a', name);
    expect(res.body.status).toBe(status);
  }, 20_000);
}

function events(audit: AuditLog, eventId: string, name: string) {
  return audit.succeeded(eventId).filter(e => e.meta?.name === name);
}

describe('sleep schedules (fake time, one replica)', () => {
  let sims: SimulatedHost[];
  let backend: Harness;
  const clock = new FakeClock(BERLIN_TIME.mon1000);
  const audit = new AuditLog();

  beforeAll(async () => {
    sims = await startSimulators(['host-a']);
    backend = await startBackend(backendOptions(sims, clock, audit));
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all(sims.map(s => s.sim.stop()));
  });

  it('pauses at 20:00 and resumes at 08:00 Europe/Berlin, once each, with the CLI annotations', async () => {
    clock.time = BERLIN_TIME.mon1959;
    await createRunningCluster(backend, { name: 'night', host: 'host-a' });
    const before = await backend.api.get('host-a', 'night');
    expect(before.body.sleep).toEqual({
      ...BERLIN,
      next: { action: 'sleep', at: '2026-12-07T19:00:00.000Z' },
    });
    await backend.triggerTask(SLEEP_TASK_ID);
    expect(events(audit, 'nested-cluster-sleep', 'night')).toHaveLength(0);

    clock.time = BERLIN_TIME.mon2000;
    await backend.triggerTask(SLEEP_TASK_ID);
    await waitForStatus(backend, 'night', 'Paused');
    const paused = await statefulSetAnnotations(sims[0], 'night');
    expect(paused).toMatchObject({
      'loft.sh/paused': 'true',
      'loft.sh/paused-replicas': '1',
      'nested-clusters.backstage.io/slept-by-schedule': 'true',
      'nested-clusters.backstage.io/sleep-event': '2026-12-07T19:00:00.000Z',
    });
    expect(paused['loft.sh/paused-date']).toBeDefined();
    expect((await backend.api.get('host-a', 'night')).body.sleep?.next).toEqual(
      { action: 'wake', at: '2026-12-08T07:00:00.000Z' },
    );
    // Later runs in the same night change nothing.
    await backend.triggerTask(SLEEP_TASK_ID);
    expect(events(audit, 'nested-cluster-sleep', 'night')).toHaveLength(1);

    clock.time = BERLIN_TIME.tue0800;
    await backend.triggerTask(SLEEP_TASK_ID);
    await waitForStatus(backend, 'night', 'Running');
    const resumed = await statefulSetAnnotations(sims[0], 'night');
    expect(resumed['loft.sh/paused']).toBeUndefined();
    expect(
      resumed['nested-clusters.backstage.io/slept-by-schedule'],
    ).toBeUndefined();
    await backend.triggerTask(SLEEP_TASK_ID);
    expect(events(audit, 'nested-cluster-sleep', 'night')).toHaveLength(1);
    expect(events(audit, 'nested-cluster-wake', 'night')).toHaveLength(1);
  });

  it('never wakes a cluster paused by hand', async () => {
    clock.time = BERLIN_TIME.mon1000;
    await createRunningCluster(backend, { name: 'by-hand', host: 'host-a' });
    expect(
      (await backend.api.action('host-a', 'by-hand', 'pause')).status,
    ).toBe(202);
    await waitForStatus(backend, 'by-hand', 'Paused');
    for (const time of [BERLIN_TIME.mon2000, BERLIN_TIME.tue0800]) {
      clock.time = time;
      await backend.triggerTask(SLEEP_TASK_ID);
    }
    expect(events(audit, 'nested-cluster-sleep', 'by-hand')).toHaveLength(0);
    expect(events(audit, 'nested-cluster-wake', 'by-hand')).toHaveLength(0);
    expect((await backend.api.get('host-a', 'by-hand')).body.status).toBe(
      'Paused',
    );
  });

  it('does not pause again a cluster its owner resumed at night', async () => {
    clock.time = BERLIN_TIME.mon1959;
    await createRunningCluster(backend, { name: 'owl', host: 'host-a' });
    clock.time = BERLIN_TIME.mon2000;
    await backend.triggerTask(SLEEP_TASK_ID);
    await waitForStatus(backend, 'owl', 'Paused');
    clock.time = BERLIN_TIME.mon2200;
    expect((await backend.api.action('host-a', 'owl', 'resume')).status).toBe(
      202,
    );
    await waitForStatus(backend, 'owl', 'Running');
    clock.time = BERLIN_TIME.mon2201;
    await backend.triggerTask(SLEEP_TASK_ID);
    expect((await backend.api.get('host-a', 'owl')).body.status).toBe(
      'Running',
    );
    expect(events(audit, 'nested-cluster-sleep', 'owl')).toHaveLength(1);
  });

  it('leaves a cluster alone that vCluster Platform put to sleep', async () => {
    clock.time = BERLIN_TIME.mon1959;
    await createRunningCluster(backend, { name: 'platform', host: 'host-a' });
    // What Platform's sleep mode records (agentapi sleepmodeconfig_types.go).
    await adminClients(sims[0].sim).apps.patchNamespacedStatefulSet(
      {
        name: 'platform',
        namespace: 'nc-platform',
        body: {
          metadata: {
            annotations: {
              'sleepmode.loft.sh/sleeping-since': '1796670000',
              'sleepmode.loft.sh/sleep-schedule': '0 18 * * *',
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const before = await statefulSetAnnotations(sims[0], 'platform');
    clock.time = BERLIN_TIME.mon2000;
    await backend.triggerTask(SLEEP_TASK_ID);
    expect(events(audit, 'nested-cluster-sleep', 'platform')).toHaveLength(0);
    expect(await statefulSetAnnotations(sims[0], 'platform')).toEqual(before);
  });

  it("refuses an owner's schedule that keeps the cluster awake longer than the profile's", async () => {
    const longer = await backend.api.create('late', 'host-a', {
      sleep: { ...BERLIN, schedule: '0 22 * * 1-5' },
    });
    expect(longer.status).toBe(400);
    expect(JSON.parse(longer.text).error.message).toMatch(
      /sleep: this schedule keeps the cluster awake 70 h a week, more than the 60 h of profile "sandbox"/,
    );
    const badCron = await backend.api.create('late', 'host-a', {
      sleep: { ...BERLIN, wakeup: '0 8 * *' },
    });
    expect(badCron.status).toBe(400);
    expect(JSON.parse(badCron.text).error.message).toMatch(
      /sleep\.wakeup: expected a cron expression/,
    );
    const shorter = await backend.api.create('early', 'host-a', {
      sleep: { schedule: '0 18 * * *', wakeup: '0 9 * * 1-5', timezone: 'UTC' },
    });
    expect(shorter.status).toBe(202);
    expect(shorter.body.sleep).toMatchObject({
      schedule: '0 18 * * *',
      wakeup: '0 9 * * 1-5',
      timezone: 'UTC',
    });
  });
});

/** Two replicas on one PostgreSQL: the real database and scheduler services. */
describe('sleep schedules on two replicas (fake time)', () => {
  const prefix = `nc_sleep_${randomBytes(4).toString('hex')}_`;
  let sims: SimulatedHost[] = [];
  const replicas: Harness[] = [];
  const schedulers: SchedulerService[] = [];
  const clock = new FakeClock(BERLIN_TIME.mon1959);
  const audit = new AuditLog();

  /** Hands the test each replica's plugin scheduler, to trigger the task on both. */
  const capture = createBackendModule({
    pluginId: 'nested-clusters',
    moduleId: 'test-scheduler-capture',
    register(reg) {
      reg.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          schedulers.push(scheduler);
        },
      });
    },
  });

  async function triggerOnBoth() {
    await Promise.all(
      schedulers.map(s =>
        s.triggerTask(SLEEP_TASK_ID).catch(error => {
          // Already running on the other replica: that is the point.
          if (
            !(error instanceof ConflictError) &&
            error.name !== 'ConflictError'
          ) {
            throw error;
          }
        }),
      ),
    );
  }

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await Promise.all(sims.map(s => s.sim.stop()));
    await dropDatabases(prefix);
  });

  it('pauses at 20:00 and resumes at 08:00 Europe/Berlin exactly once across both', async () => {
    const connection = postgresConnection();
    sims = await startSimulators(['host-a']);
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startBackend({
          ...backendOptions(sims, clock, audit),
          config: {
            backend: { database: { client: 'pg', connection, prefix } },
          },
          scheduler: schedulerServiceFactory,
          features: [databaseServiceFactory, clock.factory(), capture],
        }),
      );
    }
    await createRunningCluster(replicas[0], { name: 'shared', host: 'host-a' });

    clock.time = BERLIN_TIME.mon2000;
    await triggerOnBoth();
    await waitForStatus(replicas[1], 'shared', 'Paused');
    // Both replicas ask again while it sleeps: nothing more happens.
    await triggerOnBoth();
    await new Promise(resolve => setTimeout(resolve, 7_000));
    expect(events(audit, 'nested-cluster-sleep', 'shared')).toHaveLength(1);

    clock.time = BERLIN_TIME.tue0800;
    await triggerOnBoth();
    await waitForStatus(replicas[0], 'shared', 'Running');
    await triggerOnBoth();
    await new Promise(resolve => setTimeout(resolve, 7_000));
    expect(events(audit, 'nested-cluster-sleep', 'shared')).toHaveLength(1);
    expect(events(audit, 'nested-cluster-wake', 'shared')).toHaveLength(1);
    // eslint-disable-next-line no-console
    console.log(
      'sleep schedule on two replicas:',
      audit.events
        .filter(
          e =>
            e.eventId.startsWith('nested-cluster-sleep') ||
            e.eventId.startsWith('nested-cluster-wake'),
        )
        .map(e => `${e.eventId} ${e.outcome} ${e.meta?.scheduledAt}`),
    );
  });
});
