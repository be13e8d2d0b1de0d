import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { DefaultNestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import {
  eventually,
  Harness,
  startBackend,
  startHostsService,
  USERS,
} from '@nested-clusters/test-harness';
import { ReaderAccounts } from './ReaderAccounts';

describe('ReaderAccounts', () => {
  let sim: HostSimulator;
  let hosts: DefaultNestedClustersHostsService;
  let backend: Harness;
  let cluster: NestedCluster;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    sim = await startHostSimulator();
    hosts = startHostsService(sim);
    backend = await startBackend({
      hosts: [{ name: 'eu', sim, installer: 'helm-job' }],
    });
    await backend.server
      .post('/api/nested-clusters/clusters')
      .set('Authorization', USERS.guest)
      .send({
        name: 'readers',
        profile: 'sandbox',
        owner: 'group:default/team-a',
      })
      .expect(202);
    cluster = await eventually(async () => {
      const current = await hosts.getCluster('eu', 'readers');
      if (current?.status !== 'Running') {
        throw new Error(`readers is ${current?.status}`);
      }
      return current;
    });
  }, 60_000);

  afterAll(async () => {
    hosts?.stop();
    await backend?.stop();
    await sim?.stop();
  });

  afterEach(() => jest.restoreAllMocks());

  const listPods = async (token: string, url: string, caData?: string) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, caData }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    return kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'default' });
  };

  it('reuses a token until a third of its lifetime is left, then renews it', async () => {
    const kubeconfigReads = jest.fn((c: NestedCluster) =>
      hosts.adminKubeconfig(c),
    );
    const readers = new ReaderAccounts({
      adminKubeconfig: kubeconfigReads,
      logger,
      tokenTtlSeconds: 3600,
    });
    const first = (await readers.credentials(cluster))!;
    expect(first.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    await expect(
      listPods(first.token, first.url, first.caData),
    ).resolves.toBeDefined();

    expect((await readers.credentials(cluster))!.token).toBe(first.token);
    expect(kubeconfigReads).toHaveBeenCalledTimes(1);

    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 41 * 60_000);
    const renewed = (await readers.credentials(cluster))!;
    expect(renewed.token).not.toBe(first.token);
    expect(kubeconfigReads).toHaveBeenCalledTimes(2);
  });

  it('skips a cluster whose API cannot be reached, and tries again after the cooldown', async () => {
    const adminKubeconfig = jest
      .fn((c: NestedCluster) => hosts.adminKubeconfig(c))
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    const readers = new ReaderAccounts({
      adminKubeconfig,
      logger,
      failureCooldownMs: 30_000,
    });
    expect(await readers.credentials(cluster)).toBeUndefined();
    expect(await readers.credentials(cluster)).toBeUndefined();
    expect(adminKubeconfig).toHaveBeenCalledTimes(1);

    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 31_000);
    expect(await readers.credentials(cluster)).toMatchObject({
      token: expect.any(String),
    });
    expect(adminKubeconfig).toHaveBeenCalledTimes(2);
  });

  it('sets up at most issuesAtOnce clusters at a time', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const readers = new ReaderAccounts({
      adminKubeconfig: async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        try {
          return await hosts.adminKubeconfig(cluster);
        } finally {
          running -= 1;
        }
      },
      logger,
      issuesAtOnce: 2,
    });
    const many = Array.from({ length: 6 }, (_, i) => ({
      ...cluster,
      name: `readers-${i}`,
    }));
    const issued = await Promise.all(many.map(c => readers.credentials(c)));
    expect(issued.every(c => typeof c?.token === 'string')).toBe(true);
    expect(mostAtOnce).toBe(2);
  });
});
