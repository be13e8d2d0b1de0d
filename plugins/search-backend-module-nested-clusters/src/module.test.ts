import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import searchPlugin from '@backstage/plugin-search-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { nestedClusterReadPermission } from '@nested-clusters/plugin-nested-clusters-common';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  clusterEntityName,
  createNestedClusterConditionalDecision,
  nestedClusterConditions,
} from '@nested-clusters/plugin-nested-clusters-node';
import { NestedClustersExamplePolicy } from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import {
  createRunningCluster,
  eventually,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { nestedClustersSearchModule } from './module';
import { NestedClusterCollatorFactory } from './NestedClusterCollatorFactory';

/**
 * The example policy, except that bob may read no nested cluster and carol
 * only those she owns or created (a conditional decision, which the search
 * backend resolves per document through its resource ref).
 */
const testPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, auth, userInfo }) {
        const example = new NestedClustersExamplePolicy(auth, userInfo);
        policy.setPolicy({
          async handle(request, user) {
            if (request.permission.name === nestedClusterReadPermission.name) {
              const ref = user?.info.userEntityRef;
              if (ref === 'user:default/bob') {
                return { result: AuthorizeResult.DENY };
              }
              if (ref === 'user:default/carol') {
                return createNestedClusterConditionalDecision(
                  nestedClusterReadPermission,
                  nestedClusterConditions.isOwner({ claims: [ref] }),
                );
              }
            }
            return example.handle(request, user);
          },
        });
      },
    });
  },
});

describe('nested-clusters search collator', () => {
  let sim: HostSimulator;
  let backend: Harness;

  beforeAll(async () => {
    sim = await startHostSimulator();
    backend = await startBackend({
      hosts: [{ name: 'simulated', sim }],
      policy: testPolicy,
      features: [searchPlugin, nestedClustersSearchModule],
    });
    await createRunningCluster(backend, {
      name: 'shop-preview',
      entityRef: 'component:default/web-shop',
    });
    await createRunningCluster(
      backend,
      {
        name: 'carol-lab',
        entityRef: 'component:default/billing-service',
        owner: 'user:default/carol',
      },
      USERS.carol,
    );
    await backend.triggerTask('search_index_nested_cluster');
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  async function search(term: string, user = USERS.guest) {
    const res = await backend.server
      .get('/api/search/query')
      .query({ term, types: ['nested-cluster'] })
      .set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body.results as Array<{
      type: string;
      document: Record<string, unknown>;
    }>;
  }

  it('finds a cluster by its name, with the fields the result item shows', async () => {
    const results = await search('shop-preview');
    expect(results).toHaveLength(1);
    expect(results[0].type).toBe('nested-cluster');
    expect(results[0].document).toMatchObject({
      title: 'shop-preview',
      location: `/catalog/default/resource/${clusterEntityName({
        host: 'simulated',
        name: 'shop-preview',
      })}`,
      host: 'simulated',
      status: 'Running',
      component: 'component:default/web-shop',
      owner: 'group:default/team-a',
      kubernetesVersion: 'v1.35.0',
    });
  });

  // Lunr matches single words ("web", "shop"), so other documents may follow, ranked lower.
  const topHit = async (term: string) => (await search(term))[0]?.document;

  it('finds a cluster by its component', async () => {
    expect(await topHit('web-shop')).toMatchObject({ title: 'shop-preview' });
    expect(await topHit('billing-service')).toMatchObject({
      title: 'carol-lab',
    });
  });

  it('finds clusters by their owner', async () => {
    expect(await topHit('team-a')).toMatchObject({ title: 'shop-preview' });
    expect(await topHit('carol')).toMatchObject({ title: 'carol-lab' });
  });

  const titles = async (term: string, user?: string) =>
    (await search(term, user)).map(r => r.document.title);

  it('finds nothing for a user who may not read nested clusters', async () => {
    expect(await search('shop-preview', USERS.bob)).toEqual([]);
    expect(await search('team-a', USERS.bob)).toEqual([]);
    expect(await search('nested clusters', USERS.bob)).toEqual([]);
  });

  it('filters per document on a conditional decision', async () => {
    expect(await titles('shop-preview', USERS.carol)).not.toContain(
      'shop-preview',
    );
    expect(await titles('carol-lab', USERS.carol)).toContain('carol-lab');
  });

  it('rebuilds the index only when a document changed', async () => {
    const collations = jest.spyOn(
      NestedClusterCollatorFactory.prototype,
      'getCollator',
    );
    try {
      await backend.triggerTask('search_index_nested_cluster');
      expect(collations).not.toHaveBeenCalled();

      const res = await backend.server
        .post('/api/nested-clusters/clusters/simulated/shop-preview/pause')
        .set('Authorization', USERS.guest);
      expect(res.status).toBe(202);
      await eventually(async () => {
        await backend.triggerTask('search_index_nested_cluster');
        expect(await topHit('shop-preview')).toMatchObject({
          status: 'Paused',
        });
      });
      expect(collations).toHaveBeenCalled();
    } finally {
      collations.mockRestore();
    }
  });

  it('forgets deleted clusters at the next run, also the last one', async () => {
    for (const name of ['shop-preview', 'carol-lab']) {
      const res = await backend.server
        .delete(`/api/nested-clusters/clusters/simulated/${name}`)
        .set('Authorization', name === 'carol-lab' ? USERS.carol : USERS.guest);
      expect(res.status).toBe(202);
    }
    await eventually(async () => {
      const res = await backend.server
        .get('/api/nested-clusters/clusters')
        .set('Authorization', USERS.guest);
      expect(res.body.items).toEqual([]);
    });
    await backend.triggerTask('search_index_nested_cluster');

    expect(await titles('shop-preview')).not.toContain('shop-preview');
    expect(await titles('carol-lab')).not.toContain('carol-lab');
    expect(await search('nested clusters')).toEqual([
      expect.objectContaining({
        document: expect.objectContaining({
          title: 'Nested clusters',
          location: '/nested-clusters',
        }),
      }),
    ]);
  });
});
