import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { readNestedClustersConfig } from '../config';
import {
  adminClients,
  CapturingLogger,
  eventually,
  hostConfig,
} from '@nested-clusters/test-harness';
import {
  DefaultNestedClustersHostsService,
  NestedClusterEvent,
} from './HostsService';

jest.setTimeout(60_000);

/** The watch cache against the simulator: list+watch, 410, dropped watches, a host going down. */
describe('DefaultNestedClustersHostsService', () => {
  let sim: HostSimulator;
  let hosts: DefaultNestedClustersHostsService;
  const events: NestedClusterEvent[] = [];
  const logs = new CapturingLogger();

  async function addNamespace(name: string, component?: string) {
    await adminClients(sim).core.createNamespace({
      body: {
        metadata: {
          name: `nc-${name}`,
          labels: {
            'app.kubernetes.io/managed-by': 'backstage-nested-clusters',
            'nested-clusters.backstage.io/name': name,
          },
          annotations: {
            'nested-clusters.backstage.io/owner': 'group:default/team-a',
            ...(component
              ? { 'nested-clusters.backstage.io/component': component }
              : {}),
          },
        },
      },
    });
  }

  const names = async () =>
    (await hosts.listClusters()).items.map(c => c.name).sort();

  beforeAll(async () => {
    sim = await startHostSimulator();
    hosts = new DefaultNestedClustersHostsService({
      config: readNestedClustersConfig(
        new ConfigReader({
          nestedClusters: {
            hosts: [hostConfig({ name: 'sim', sim, installer: 'helm-job' })],
          },
        }),
      ),
      logger: logs,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    hosts.subscribe(event => events.push(event));
    hosts.start();
  });

  afterAll(async () => {
    hosts?.stop();
    await sim?.stop();
  });

  it('lists, then follows changes through the watch', async () => {
    await addNamespace('one', 'component:default/web-shop');
    await eventually(async () => expect(await names()).toEqual(['one']));
    expect(hosts.host('sim').cache.health()).toMatchObject({
      healthy: true,
      synced: true,
      lastSyncAt: expect.any(String),
    });
    expect(events).toContainEqual({
      type: 'added',
      cluster: expect.objectContaining({ name: 'one', host: 'sim' }),
    });
  });

  it('answers reads from the cache, without asking the host', async () => {
    sim.faults.setErrorRate(1, { verbs: ['list', 'get'] });
    try {
      const { items, hostErrors } = await hosts.listClusters({
        component: 'component:default/web-shop',
      });
      expect(items.map(c => c.name)).toEqual(['one']);
      expect(hostErrors).toEqual([]);
      expect((await hosts.getCluster('sim', 'one'))?.owner).toBe(
        'group:default/team-a',
      );
    } finally {
      sim.faults.setErrorRate(0);
    }
  });

  it('keeps an index by component and owner', async () => {
    await addNamespace('two', 'component:default/checkout-api');
    await eventually(async () => expect(await names()).toEqual(['one', 'two']));
    const byComponent = await hosts.listClusters({
      component: 'component:default/checkout-api',
    });
    expect(byComponent.items.map(c => c.name)).toEqual(['two']);
    const byOwner = await hosts.listClusters({ owner: 'group:default/team-a' });
    expect(byOwner.items.map(c => c.name)).toEqual(['one', 'two']);
    expect(
      (await hosts.listClusters({ owner: 'group:default/team-b' })).items,
    ).toEqual([]);
  });

  it('re-lists after 410 Gone', async () => {
    sim.faults.forceGone();
    await addNamespace('three');
    await eventually(async () =>
      expect(await names()).toEqual(['one', 'three', 'two']),
    );
  });

  it('re-watches after dropped watches and reports changes and removals', async () => {
    sim.faults.dropWatches();
    const { core } = adminClients(sim);
    await core.patchNamespace(
      {
        name: 'nc-two',
        body: {
          metadata: {
            annotations: {
              'nested-clusters.backstage.io/owner': 'group:default/team-b',
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespace({ name: 'nc-three' });
    await eventually(async () => {
      expect(await names()).toEqual(['one', 'two']);
      expect(
        (await hosts.listClusters({ owner: 'group:default/team-b' })).items,
      ).toHaveLength(1);
    });
    expect(events.map(e => `${e.type} ${e.cluster.name}`)).toEqual(
      expect.arrayContaining(['changed two', 'removed three']),
    );
  });

  it('reports a host that is down, backs off, and recovers', async () => {
    await sim.faults.setDown(true);
    await eventually(async () =>
      expect(hosts.host('sim').cache.health()).toMatchObject({
        healthy: false,
        message: expect.stringContaining('host "sim" is unreachable'),
      }),
    );
    const down = await hosts.listClusters();
    expect(down.hostErrors).toEqual([
      { host: 'sim', message: expect.stringContaining('"sim"') },
    ]);
    expect(down.items.map(c => c.status)).toEqual(['Unknown', 'Unknown']);
    await expect(hosts.getCluster('sim', 'one')).rejects.toThrow(
      /host "sim" is unreachable/,
    );

    await sim.faults.setDown(false);
    await addNamespace('four');
    await eventually(async () => {
      expect(hosts.host('sim').cache.health().healthy).toBe(true);
      expect(await names()).toEqual(['four', 'one', 'two']);
    });
    const all = logs.lines.join('\n');
    expect(all).toContain('retrying with backoff');
    expect(all).not.toContain(sim.token);
  });

  it('names the key of an invalid config', () => {
    expect(() =>
      readNestedClustersConfig(
        mockServices.rootConfig({
          data: {
            nestedClusters: { hosts: [{ name: 'x', installer: 'Helm Job' }] },
          },
        }),
      ),
    ).toThrow('nestedClusters.hosts[0].installer');
  });
});
