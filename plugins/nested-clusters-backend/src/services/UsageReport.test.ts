import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { checkOwnerLimits, clusterRequests } from './ownerLimits';
import { usageReport } from './UsageReport';

const GI = 2 ** 30;

function cluster(
  name: string,
  owner: string,
  paused: number,
  cpuMillicores: number,
): NestedCluster {
  return {
    name,
    host: 'eu',
    namespace: `nc-${name}`,
    status: 'Running',
    owner,
    createdBy: 'user:default/guest',
    profile: 'sandbox',
    installer: 'helm-job',
    createdAt: '2026-03-01T00:00:00Z',
    expiresAt: '2026-03-20T00:00:00Z',
    requests: { cpuMillicores, memoryBytes: 2 * GI },
    usage: { cpuMillicores: 100, memoryBytes: GI, pods: 1 },
    hours: { running: 168 - paused, paused },
  };
}

const limits = { clustersPerOwner: 5, perOwner: { clusters: 5 } };
const clusters = [
  cluster('a', 'group:default/team-a', 10, 1000),
  cluster('b', 'group:default/team-a', 0, 500),
  cluster('c', 'user:default/bob', 4, 2000),
];

describe('usageReport', () => {
  it('adds up per owner and leaves the saving out without prices', () => {
    const report = usageReport(
      { limits, profiles: [] },
      { items: clusters, hostErrors: [] },
    );
    expect(report.cost).toBeUndefined();
    expect(report.owners.map(o => o.owner)).toEqual([
      'group:default/team-a',
      'user:default/bob',
    ]);
    expect(report.owners[0]).toEqual({
      owner: 'group:default/team-a',
      clusters: 2,
      requests: { cpuMillicores: 1500, memoryBytes: 4 * GI },
      usage: { cpuMillicores: 200, memoryBytes: 2 * GI },
      hours: { running: 326, paused: 10 },
      limits: { clusters: 5 },
    });
  });

  it('estimates the saving as hours paused × requests × prices', () => {
    const cost = { cpuHour: 0.05, gibHour: 0.01, currency: 'EUR' };
    const report = usageReport(
      { limits, cost, profiles: [] },
      { items: clusters, hostErrors: [] },
    );
    expect(report.cost).toEqual(cost);
    // team-a: 10 h × (1 CPU × 0.05 + 2 GiB × 0.01); b was never paused.
    expect(report.owners[0].saving).toBeCloseTo(0.7);
    // bob: 4 h × (2 CPU × 0.05 + 2 GiB × 0.01).
    expect(report.owners[1].saving).toBeCloseTo(0.48);
  });
});

describe('checkOwnerLimits', () => {
  const two = [
    { cpuMillicores: 1000, memoryBytes: 2 * GI },
    { cpuMillicores: 500, memoryBytes: 2 * GI },
  ];

  it('names the memory limit', () => {
    expect(() =>
      checkOwnerLimits(
        'group:default/team-a',
        two,
        { cpuMillicores: 200, memoryBytes: 4 * GI },
        { clusters: 5, memoryBytes: 6 * GI },
      ),
    ).toThrow(
      'owner group:default/team-a would request 8 GiB of memory with this cluster (4 GiB by its 2 clusters, 4 GiB by this profile); the memory limit is 6 GiB (limits.perOwner.memory)',
    );
  });

  it('admits a create that fits every limit', () => {
    expect(() =>
      checkOwnerLimits(
        'group:default/team-a',
        two,
        { cpuMillicores: 500, memoryBytes: GI },
        { clusters: 3, cpuMillicores: 2000, memoryBytes: 5 * GI },
      ),
    ).not.toThrow();
  });
});

describe('clusterRequests', () => {
  const team = {
    name: 'team',
    kubernetesVersion: 'v1.35.0',
    chartVersion: '0.36.1',
    ttl: '72h',
    maxTtl: '14d',
    values: {
      policies: {
        resourceQuota: { enabled: true, quota: { 'requests.cpu': 2 } },
      },
    },
    access: { clusterRole: 'cluster-admin' as const, tokenExpiration: '8h' },
    addons: [],
  };

  it('uses what was recorded at create, else what the profile requests now', () => {
    const recorded = { cpuMillicores: 300, memoryBytes: GI };
    expect(clusterRequests(recorded, 'team', [team])).toBe(recorded);
    // A cluster from before the record: the chart's 200m control plane plus the quota's 2 CPU.
    expect(clusterRequests(undefined, 'team', [team]).cpuMillicores).toBe(2200);
    expect(clusterRequests(undefined, 'gone', [team])).toEqual({
      cpuMillicores: 0,
      memoryBytes: 0,
    });
  });
});
