import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { resolve } from 'node:path';
import {
  APP_BASE_URL,
  createRunningCluster,
  eventually,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { nestedClustersCatalogModule } from './module';

const examples = resolve(__dirname, '../../../examples');

describe('nested-clusters catalog entity provider', () => {
  let sim: HostSimulator;
  let backend: Harness;

  beforeAll(async () => {
    sim = await startHostSimulator();
    backend = await startBackend({
      hosts: [{ name: 'simulated', sim }],
      // The real catalog, reading the example files.
      catalog: false,
      features: [catalogPlugin, nestedClustersCatalogModule],
      config: {
        catalog: {
          rules: [{ allow: ['Component', 'System', 'Resource', 'Location'] }],
          locations: ['entities.yaml', 'org.yaml'].map(file => ({
            type: 'file',
            target: resolve(examples, file),
            rules: [{ allow: ['Component', 'System', 'User', 'Group'] }],
          })),
        },
      },
    });
    // The create request looks the component's owner up in the catalog.
    await eventually(async () => {
      const res = await entity('component/default/web-shop');
      if (res.status !== 200) {
        throw new Error(`web-shop is not in the catalog yet (${res.status})`);
      }
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  function entity(path: string) {
    return backend.server
      .get(`/api/catalog/entities/by-name/${path}`)
      .set('Authorization', USERS.guest);
  }

  it('adds a Resource entity for a new cluster and removes it when the cluster is deleted', async () => {
    await createRunningCluster(backend, {
      name: 'catalog-demo',
      entityRef: 'component:default/web-shop',
    });

    const added = await eventually(async () => {
      const res = await entity('resource/default/simulated.catalog-demo');
      expect(res.status).toBe(200);
      expect(
        res.body.metadata.annotations['nested-clusters.backstage.io/status'],
      ).toBe('Running');
      return res.body;
    }, 10_000);
    expect(added).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'simulated.catalog-demo',
        annotations: {
          'nested-clusters.backstage.io/host': 'simulated',
          'backstage.io/managed-by-location': 'nested-clusters:simulated',
          'backstage.io/managed-by-origin-location':
            'nested-clusters:simulated',
        },
        links: [{ url: `${APP_BASE_URL}/nested-clusters` }],
      },
      spec: {
        type: 'nested-cluster',
        owner: 'group:default/team-a',
        dependencyOf: ['component:default/web-shop'],
      },
    });
    expect(added.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/team-a' },
        { type: 'dependencyOf', targetRef: 'component:default/web-shop' },
      ]),
    );

    const deleted = await backend.server
      .delete('/api/nested-clusters/clusters/simulated/catalog-demo')
      .set('Authorization', USERS.guest);
    expect(deleted.status).toBe(202);
    await eventually(async () => {
      const res = await entity('resource/default/simulated.catalog-demo');
      expect(res.status).toBe(404);
    }, 10_000);
  }, 60_000);
});
