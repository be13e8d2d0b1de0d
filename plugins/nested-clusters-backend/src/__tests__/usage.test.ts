import {
  NestedCluster,
  UsageResponse,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  adminClients,
  eventually,
  Harness,
  SANDBOX_PROFILE,
  SimulatedHost,
  startBackend,
  startSimulators,
  USERS,
} from '@nested-clusters/test-harness';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MI = 2 ** 20;
const GI = 2 ** 30;

/** The chart's default control-plane request (values.yaml controlPlane.statefulSet.resources). */
const CONTROL_PLANE = { cpuMillicores: 200, memoryBytes: 256 * MI };

/** A profile that turns on vcluster's ResourceQuota: 2 CPU and 4Gi for workloads. */
const TEAM_PROFILE = {
  ...SANDBOX_PROFILE,
  name: 'team',
  values: {
    policies: {
      resourceQuota: {
        enabled: true,
        quota: { 'requests.cpu': 2, 'requests.memory': '4Gi' },
      },
    },
  },
};

const KUBECTL = process.env.KUBECTL ?? 'kubectl';

jest.setTimeout(90_000);

describe('usage, owner limits and saving', () => {
  let host: SimulatedHost;
  let harness: Harness;
  let dir: string;

  beforeAll(async () => {
    [host] = await startSimulators(['eu']);
    harness = await startBackend({
      hosts: [host],
      profiles: [SANDBOX_PROFILE, TEAM_PROFILE],
      limits: { perOwner: { clusters: 5, cpu: 3, memory: '16Gi' } },
      nestedClusters: {
        cost: { cpuHour: 0.04, gibHour: 0.005, currency: 'EUR' },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'usage-test-'));
  });
  afterAll(async () => {
    await harness?.stop();
    await host?.sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const clusterWhen = (name: string, ready: (c: NestedCluster) => boolean) =>
    eventually(async () => {
      const { body } = await harness.api.get('eu', name);
      if (!ready(body)) {
        throw new Error(`${name}: ${JSON.stringify(body)}`);
      }
      return body;
    }, 30_000);

  /** Runs the real kubectl with the kubeconfig the guest downloaded. */
  const kubectl = (kubeconfig: string, ...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        KUBECTL,
        args,
        { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 20_000 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`))
            : resolve(stdout),
      ),
    );

  it('counts the requests of pods created inside the cluster with kubectl, plus the control plane', async () => {
    expect((await harness.api.create('usage-a', 'eu')).status).toBe(202);
    const running = await clusterWhen('usage-a', c => c.status === 'Running');
    expect(running.usage).toEqual({ ...CONTROL_PLANE, pods: 0 });
    expect(running.requests).toEqual(CONTROL_PLANE);

    const res = await harness.server
      .get('/api/nested-clusters/clusters/eu/usage-a/kubeconfig')
      .set('Authorization', USERS.guest);
    expect(res.status).toBe(200);
    const kubeconfig = join(dir, 'usage-a');
    writeFileSync(kubeconfig, res.text);

    await kubectl(
      kubeconfig,
      'create',
      'deployment',
      'web',
      '--image=nginx',
      '--replicas=2',
    );
    await kubectl(
      kubeconfig,
      'set',
      'resources',
      'deployment',
      'web',
      '--requests=cpu=250m,memory=128Mi',
    );

    // Two pods of 250m/128Mi once the rollout replaced the ones without requests.
    const expected = {
      cpuMillicores: CONTROL_PLANE.cpuMillicores + 2 * 250,
      memoryBytes: CONTROL_PLANE.memoryBytes + 2 * 128 * MI,
      pods: 2,
    };
    const used = await clusterWhen(
      'usage-a',
      c => JSON.stringify(c.usage) === JSON.stringify(expected),
    );
    expect(used.usage).toEqual(expected);

    // The host pods the syncer made carry the requests (what the figure is read from).
    const { core } = adminClients(host.sim);
    const synced = await core.listNamespacedPod({
      namespace: 'nc-usage-a',
      labelSelector: 'vcluster.loft.sh/managed-by=usage-a',
    });
    expect(
      synced.items.map(p => p.spec?.containers[0].resources?.requests),
    ).toEqual([
      { cpu: '250m', memory: '128Mi' },
      { cpu: '250m', memory: '128Mi' },
    ]);
  });

  it('refuses a create over the owner CPU limit with 429 naming it, and leaves nothing behind', async () => {
    // 0.2 CPU used by usage-a; each team cluster requests 2.2 CPU; the limit is 3.
    const [first, second] = await Promise.all([
      harness.api.create('team-1', 'eu', { profile: 'team' }),
      harness.api.create('team-2', 'eu', { profile: 'team' }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([202, 429]);
    const refused = first.status === 429 ? first : second;
    const refusedName = first.status === 429 ? 'team-1' : 'team-2';
    const message = JSON.parse(refused.text).error.message;
    expect(message).toContain('the CPU limit is 3 CPU (limits.perOwner.cpu)');
    expect(message).toMatch(/would request 4\.6 CPU/);

    const { core } = adminClients(host.sim);
    await eventually(async () => {
      const names = (
        await core.listNamespace({
          labelSelector: 'nested-clusters.backstage.io/name',
        })
      ).items.map(ns => ns.metadata?.name);
      expect(names).not.toContain(`nc-${refusedName}`);
    });
    expect(
      (await harness.api.list()).items.map(c => c.name).sort(),
    ).not.toContain(refusedName);

    // A dry run says the same without creating anything.
    const dry = await harness.server
      .post('/api/nested-clusters/clusters?dryRun=true')
      .set('Authorization', USERS.guest)
      .send({ name: 'team-3', host: 'eu', profile: 'team' });
    expect(dry.status).toBe(429);
    expect(dry.body.error.message).toContain('the CPU limit is 3 CPU');
  });

  it('reports each owner: requests, usage, limits, hours and the saving of pauses', async () => {
    const admitted = (await harness.api.list()).items.find(c =>
      c.name.startsWith('team-'),
    )!;
    await clusterWhen(admitted.name, c => c.status === 'Running');

    expect((await harness.api.action('eu', 'usage-a', 'pause')).status).toBe(
      202,
    );
    await clusterWhen('usage-a', c => c.status === 'Paused');
    // vcluster pause deletes the synced pods: only requests of running pods count.
    const paused = await clusterWhen('usage-a', c => c.usage?.pods === 0);
    expect(paused.pausedAt).toBeDefined();
    await new Promise(resolve => setTimeout(resolve, 1500));
    expect((await harness.api.action('eu', 'usage-a', 'resume')).status).toBe(
      202,
    );
    const resumed = await clusterWhen(
      'usage-a',
      c => c.status === 'Running' && c.usage?.pods === 2,
    );
    expect(resumed.pausedAt).toBeUndefined();
    expect(resumed.pauses).toHaveLength(1);
    expect(resumed.hours!.paused).toBeGreaterThan(0);
    expect(resumed.hours!.running).toBeGreaterThan(0);

    const answer = await harness.api.call<UsageResponse>('GET', '/usage');
    expect(answer.status).toBe(200);
    const { owners, cost } = answer.body;
    expect(cost).toEqual({ cpuHour: 0.04, gibHour: 0.005, currency: 'EUR' });
    expect(owners).toHaveLength(1);
    const [owner] = owners;
    expect(owner.owner).toBe(resumed.owner);
    expect(owner.clusters).toBe(2);
    expect(owner.limits).toEqual({
      clusters: 5,
      cpuMillicores: 3000,
      memoryBytes: 16 * GI,
    });
    // usage-a (control plane) + the team cluster (control plane + its quota).
    expect(owner.requests).toEqual({
      cpuMillicores: 200 + 2200,
      memoryBytes: 256 * MI + 256 * MI + 4 * GI,
    });
    const listed = (await harness.api.list()).items;
    expect(owner.usage.cpuMillicores).toBe(
      listed.reduce((sum, c) => sum + (c.usage?.cpuMillicores ?? 0), 0),
    );
    expect(owner.usage.cpuMillicores).toBeGreaterThanOrEqual(200 + 500 + 200);
    expect(owner.hours.paused).toBeGreaterThan(0);
    // Paused hours × usage-a's requests × the prices.
    const pausedHours = listed.find(c => c.name === 'usage-a')!.hours!.paused;
    expect(owner.saving).toBeCloseTo(
      pausedHours * (0.2 * 0.04 + 0.25 * 0.005),
      3,
    );
  });

  it('gives no saving and no prices when nestedClusters.cost is not configured', async () => {
    // A second replica on the same host, configured without prices.
    const plain = await startBackend({
      hosts: [host],
      profiles: [SANDBOX_PROFILE, TEAM_PROFILE],
      limits: { perOwner: { clusters: 5, cpu: 3, memory: '16Gi' } },
    });
    try {
      const answer = await plain.api.call<UsageResponse>('GET', '/usage');
      expect(answer.status).toBe(200);
      expect(answer.body.cost).toBeUndefined();
      expect(answer.body.owners).toHaveLength(1);
      expect(answer.body.owners[0].saving).toBeUndefined();
      expect(answer.body.owners[0].clusters).toBe(2);
    } finally {
      await plain.stop();
    }
  });
});
