import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  eventually,
  nestedClustersConfig,
} from '@nested-clusters/test-harness';
import request from 'supertest';
import packageJson from '../package.json';
import nestedClustersPlugin from '.';

/*
 * An adopter who wants only the REST API adds only this package: no catalog,
 * search, Kubernetes or permission module, and the core services' defaults
 * (mocked here) for everything else.
 */
describe('the nested-clusters backend plugin on its own', () => {
  let sim: HostSimulator;

  beforeAll(async () => {
    sim = await startHostSimulator();
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('starts with only this plugin and serves the REST API', async () => {
    const backend = await startTestBackend({
      features: [
        nestedClustersPlugin,
        mockServices.rootConfig.factory({
          data: {
            nestedClusters: nestedClustersConfig([{ name: 'simulated', sim }]),
          },
        }),
      ],
    });
    try {
      const server = request(backend.server);
      const user = mockCredentials.user.header('user:default/guest');
      await eventually(async () => {
        const hosts = await server
          .get('/api/nested-clusters/hosts')
          .set('Authorization', user);
        expect(hosts.status).toBe(200);
        expect(hosts.body.items).toEqual([
          expect.objectContaining({ name: 'simulated', healthy: true }),
        ]);
      });
      const profiles = await server
        .get('/api/nested-clusters/profiles')
        .set('Authorization', user);
      expect(profiles.status).toBe(200);
      expect(profiles.body.items.map((p: { name: string }) => p.name)).toEqual([
        'sandbox',
      ]);
      const clusters = await server
        .get('/api/nested-clusters/clusters')
        .set('Authorization', user);
      expect(clusters.status).toBe(200);
      expect(clusters.body).toEqual({ items: [], hostErrors: [] });
    } finally {
      await backend.stop();
    }
  });

  it('depends on none of the catalog, search and Kubernetes integrations', () => {
    const dependencies = Object.keys({
      ...packageJson.dependencies,
      ...(packageJson as { peerDependencies?: object }).peerDependencies,
    });
    expect(
      dependencies.filter(name =>
        /backend-module-nested-clusters|plugin-(catalog|search|kubernetes)-backend|plugin-(search|kubernetes)-(node|common)/.test(
          name,
        ),
      ),
    ).toEqual([]);
  });
});
