import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import {
  clusterEntityName,
  NestedClusterEvent,
  NestedClustersHostsService,
} from '@nested-clusters/plugin-nested-clusters-node';
import {
  NestedClusterEntityProvider,
  toResourceEntity,
} from './NestedClusterEntityProvider';

const cluster = (overrides: Partial<NestedCluster> = {}): NestedCluster => ({
  name: 'dev',
  host: 'eu',
  namespace: 'nc-dev',
  status: 'Provisioning',
  progress: { completedSteps: 1, totalSteps: 4, step: 'Installing' },
  owner: 'group:default/team-a',
  component: 'component:default/web-shop',
  createdBy: 'user:default/guest',
  profile: 'sandbox',
  installer: 'helm-job',
  kubernetesVersion: 'v1.35.0',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-04T00:00:00Z',
  ...overrides,
});

/** The hosts service's change feed, driven by the test. */
class ChangeFeed {
  private listener?: (event: NestedClusterEvent) => void;
  constructor(private readonly initial: NestedCluster[]) {}
  readonly service = {
    listClusters: async () => ({ items: this.initial, hostErrors: [] }),
    subscribe: (listener: (event: NestedClusterEvent) => void) => {
      this.listener = listener;
      return () => {
        this.listener = undefined;
      };
    },
  } as unknown as NestedClustersHostsService;
  emit(event: NestedClusterEvent) {
    this.listener!(event);
  }
}

/** Records mutations; fails the next `failures` of them. */
class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  failures = 0;
  async applyMutation(mutation: EntityProviderMutation) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('database is locked');
    }
    this.mutations.push(mutation);
  }
  async refresh() {}
}

const statusOf = (mutation: EntityProviderMutation) =>
  mutation.type === 'delta'
    ? mutation.added.map(
        d =>
          d.entity.metadata.annotations!['nested-clusters.backstage.io/status'],
      )
    : [];

/** Lets the provider's queued mutations run. */
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('NestedClusterEntityProvider', () => {
  afterEach(() => jest.useRealTimers());

  it('starts with a full mutation, then sends changes the entity shows as deltas', async () => {
    const feed = new ChangeFeed([cluster()]);
    const connection = new RecordingConnection();
    const provider = new NestedClusterEntityProvider(
      feed.service,
      'http://portal',
      mockServices.logger.mock(),
    );
    await provider.connect(connection);
    expect(connection.mutations).toEqual([
      {
        type: 'full',
        entities: [
          expect.objectContaining({ locationKey: 'nested-clusters:eu' }),
        ],
      },
    ]);

    // Progress is not on the entity: nothing to send.
    feed.emit({
      type: 'changed',
      previous: cluster(),
      cluster: cluster({
        progress: { completedSteps: 2, totalSteps: 4, step: 'Starting' },
      }),
    });
    await settle();
    expect(connection.mutations).toHaveLength(1);

    feed.emit({
      type: 'changed',
      previous: cluster(),
      cluster: cluster({ status: 'Running' }),
    });
    feed.emit({ type: 'added', cluster: cluster({ name: 'qa' }) });
    await settle();
    expect(connection.mutations.slice(1).flatMap(statusOf)).toEqual([
      'Running',
      'Provisioning',
    ]);

    feed.emit({ type: 'removed', cluster: cluster({ status: 'Running' }) });
    await settle();
    const last = connection.mutations[connection.mutations.length - 1];
    expect(last).toMatchObject({
      type: 'delta',
      added: [],
      removed: [
        expect.objectContaining({
          entity: expect.objectContaining({
            metadata: expect.objectContaining({
              name: clusterEntityName({ host: 'eu', name: 'dev' }),
            }),
          }),
        }),
      ],
    });
    provider.close();
  });

  it('retries a failed delta, with the newest state of each cluster', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const feed = new ChangeFeed([]);
    const connection = new RecordingConnection();
    const provider = new NestedClusterEntityProvider(
      feed.service,
      'http://portal',
      mockServices.logger.mock(),
    );
    await provider.connect(connection);
    connection.failures = 1;
    feed.emit({ type: 'added', cluster: cluster() });
    await settle();
    expect(connection.mutations).toHaveLength(1); // only the full one
    feed.emit({
      type: 'changed',
      previous: cluster(),
      cluster: cluster({ status: 'Running' }),
    });
    await settle();
    expect(connection.mutations).toHaveLength(1); // waiting to retry

    await jest.runOnlyPendingTimersAsync();
    await settle();
    expect(connection.mutations.slice(1).map(statusOf)).toEqual([['Running']]);
    provider.close();
  });
});

describe('toResourceEntity', () => {
  it('names the cluster for the overview card and selects all its objects for the Kubernetes tab', () => {
    const entity = toResourceEntity(cluster(), 'http://app');
    const entityName = clusterEntityName({ host: 'eu', name: 'dev' });
    expect(entity.metadata.name).toBe(entityName);
    expect(entity.metadata.annotations).toMatchObject({
      'nested-clusters.backstage.io/host': 'eu',
      'nested-clusters.backstage.io/name': 'dev',
      // The Kubernetes module's cluster of the same name, and nothing else.
      'backstage.io/kubernetes-cluster': entityName,
      'backstage.io/kubernetes-label-selector':
        '!nested-clusters.backstage.io/none',
    });
  });
});
