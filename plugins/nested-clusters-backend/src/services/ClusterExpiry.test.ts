import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { DefaultNestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import {
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '@nested-clusters/plugin-nested-clusters-node';
import {
  adminClients,
  eventually,
  exampleEntities,
  startHostsService,
} from '@nested-clusters/test-harness';
import { ClusterExpiry } from './ClusterExpiry';
import { ClusterLifecycleService } from './ClusterLifecycleService';

const MINUTE = 60_000;

describe('ClusterExpiry', () => {
  let sim: HostSimulator;
  let hosts: DefaultNestedClustersHostsService;
  let lifecycle: ClusterLifecycleService;
  let expiry: ClusterExpiry;
  const auditor = mockServices.auditor.mock();

  beforeAll(async () => {
    sim = await startHostSimulator();
    hosts = startHostsService(sim);
    lifecycle = new ClusterLifecycleService({
      hosts,
      catalog: catalogServiceMock({ entities: exampleEntities() }),
      userInfo: mockServices.userInfo(),
      logger: mockServices.logger.mock(),
    });
    expiry = new ClusterExpiry(lifecycle, auditor, mockServices.logger.mock());
  });

  afterAll(async () => {
    hosts?.stop();
    await sim?.stop();
  });

  it('removes a create that was cut off after its namespace, and only once it is stale', async () => {
    const { core } = adminClients(sim);
    // What a create leaves behind when the backend stops between the
    // namespace and the installer objects.
    await core.createNamespace({
      body: {
        metadata: {
          name: 'nc-cut-off',
          labels: {
            [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
            [CLUSTER_NAME_LABEL]: 'cut-off',
          },
          annotations: {
            [ANNOTATIONS.owner]: 'user:default/guest',
            [ANNOTATIONS.createdBy]: 'user:default/guest',
            [ANNOTATIONS.profile]: 'sandbox',
            [ANNOTATIONS.installer]: 'helm-job',
            [ANNOTATIONS.expiresAt]: new Date(
              Date.now() + 72 * 60 * MINUTE,
            ).toISOString(),
          },
        },
      },
    });
    // A healthy cluster of the same age must stay.
    await lifecycle.create(
      await lifecycle.planCreate(
        { name: 'healthy', profile: 'sandbox' },
        mockCredentials.user('user:default/guest'),
      ),
    );
    await eventually(async () => {
      const cut = await lifecycle.getCluster('eu', 'cut-off');
      expect(cut.progress?.completedSteps).toBe(0);
      expect((await lifecycle.getCluster('eu', 'healthy')).status).toBe(
        'Running',
      );
    });

    expect(await expiry.run(new Date(Date.now() + MINUTE))).toBe(0);
    expect(await expiry.run(new Date(Date.now() + 11 * MINUTE))).toBe(1);

    await eventually(async () => {
      const names = (await core.listNamespace()).items.map(
        ns => ns.metadata?.name,
      );
      expect(names).not.toContain('nc-cut-off');
      expect(names).toContain('nc-healthy');
    });
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'nested-cluster-abandoned-create',
        meta: expect.objectContaining({ host: 'eu', name: 'cut-off' }),
      }),
    );
  });
});
