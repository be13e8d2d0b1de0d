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
import { ClusterOwnership } from '../permissions/ClusterOwnership';
import { ClusterCommands } from './ClusterCommands';
import { NestedUserAccess } from './UserAccess';
import { ClusterQueries } from './ClusterQueries';
import { CreatePlanner } from './CreatePlanner';

const MINUTE = 60_000;

describe('ClusterExpiry', () => {
  let sim: HostSimulator;
  let hosts: DefaultNestedClustersHostsService;
  let queries: ClusterQueries;
  let commands: ClusterCommands;
  let planner: CreatePlanner;
  let expiry: ClusterExpiry;
  const auditor = mockServices.auditor.mock();

  beforeAll(async () => {
    sim = await startHostSimulator();
    hosts = startHostsService(sim);
    queries = new ClusterQueries(hosts);
    commands = new ClusterCommands(
      hosts,
      mockServices.logger.mock(),
      new NestedUserAccess(hosts),
    );
    planner = new CreatePlanner(
      hosts,
      queries,
      catalogServiceMock({ entities: exampleEntities() }),
      new ClusterOwnership(mockServices.userInfo()),
    );
    expiry = new ClusterExpiry(
      queries,
      commands,
      auditor,
      mockServices.logger.mock(),
    );
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
    await commands.create(
      await planner.plan(
        { name: 'healthy', profile: 'sandbox' },
        mockCredentials.user('user:default/guest'),
        undefined,
      ),
    );
    await eventually(async () => {
      const cut = await queries.getCluster('eu', 'cut-off');
      expect(cut.progress?.completedSteps).toBe(0);
      expect((await queries.getCluster('eu', 'healthy')).status).toBe(
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
