import { mockServices } from '@backstage/backend-test-utils';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import {
  clusterEntityName,
  NestedClustersHostsService,
} from '@nested-clusters/plugin-nested-clusters-node';
import { pipeline } from 'node:stream/promises';
import {
  NestedClusterCollatorFactory,
  NestedClusterDocument,
} from './NestedClusterCollatorFactory';

const cluster = (
  name: string,
  owner: string,
  component: string,
): NestedCluster => ({
  name,
  host: 'eu',
  namespace: `nc-${name}`,
  status: 'Running',
  owner: `group:default/${owner}`,
  component: `component:default/${component}`,
  createdBy: 'user:default/carol',
  profile: 'sandbox',
  installer: 'helm-job',
  kubernetesVersion: 'v1.35.0',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-04T00:00:00Z',
});

// Two teams with clusters for the same components: their documents must not
// share a location, which the Lunr engine uses as the document key.
const CLUSTERS = [
  cluster('shop-a', 'team-a', 'web-shop'),
  cluster('shop-b', 'team-b', 'web-shop'),
  cluster('billing-b', 'team-b', 'billing-service'),
  cluster('billing-a', 'team-a', 'billing-service'),
];

function collatorFactory(clusters: NestedCluster[]) {
  const hosts = {
    listClusters: async () => ({ items: clusters, hostErrors: [] }),
    subscribe: () => () => undefined,
  } as unknown as NestedClustersHostsService;
  return new NestedClusterCollatorFactory(hosts);
}

/** The collator's documents in the portal's default engine. */
async function indexed() {
  const factory = collatorFactory(CLUSTERS);
  const engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
  await pipeline(
    await factory.getCollator(),
    await engine.getIndexer(factory.type),
  );
  return async (term: string) => {
    const { results } = await engine.query({ term, types: [factory.type] });
    return results.map(r => r.document as NestedClusterDocument);
  };
}

describe('NestedClusterCollatorFactory', () => {
  it('links each cluster to its own entity page', async () => {
    const search = await indexed();
    const [hit] = await search('shop-b');
    expect(hit).toMatchObject({
      title: 'shop-b',
      owner: 'group:default/team-b',
      location: `/catalog/default/resource/${clusterEntityName({
        host: 'eu',
        name: 'shop-b',
      })}`,
    });
  });

  it("ranks the owner's clusters before another team's", async () => {
    const search = await indexed();
    const owners = async (term: string) =>
      (await search(term))
        .filter(d => d.owner)
        .map(d => `${d.title} ${d.owner.split('/')[1]}`);

    const forTeamA = await owners('team-a');
    expect(forTeamA.slice(0, 2).sort()).toEqual([
      'billing-a team-a',
      'shop-a team-a',
    ]);
    const forTeamB = await owners('team-b');
    expect(forTeamB.slice(0, 2).sort()).toEqual([
      'billing-b team-b',
      'shop-b team-b',
    ]);
  });

  it('lets the backend do other work while it streams thousands of clusters', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      cluster(`c-${i}`, 'team-a', 'web-shop'),
    );
    const collator = await collatorFactory(many).getCollator();
    let read = 0;
    let readWhenOtherWorkRan: number | undefined;
    setImmediate(() => {
      readWhenOtherWorkRan = read;
    });
    for await (const document of collator) {
      expect(document).toBeDefined();
      read++;
    }
    expect(read).toBe(3001);
    expect(readWhenOtherWorkRan).toBeLessThan(read);
  });
});
