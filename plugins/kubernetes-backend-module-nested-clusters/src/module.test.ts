import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  clusterEntityName,
  readNestedClustersConfig,
} from '@nested-clusters/plugin-nested-clusters-node';
import { DefaultNestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import {
  createRunningCluster,
  eventually,
  Harness,
  nestedClustersConfig,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { nestedClustersKubernetesModule } from './module';
import { NestedClusterSupplier } from './NestedClusterSupplier';
import { ReaderAccounts } from './ReaderAccounts';
import { CLUSTER, DEPLOYMENT, type RoutesResult } from './__testUtils__/routes';

/**
 * The Kubernetes plugin loads @kubernetes/client-node 1.x with a dynamic
 * import() when it fetches objects, which Jest's module sandbox cannot run;
 * so its routes are exercised in a plain Node process (routesScenario.ts,
 * below). Here the real Kubernetes backend lists the
 * nested clusters our supplier adds, and the exact ClusterDetails the
 * supplier hands over are used the way that plugin uses them.
 */
const K8S_DEMO = clusterEntityName({ host: 'simulated', name: 'k8s-demo' });
const credentials = mockCredentials.user('user:default/guest');

describe('nested-clusters kubernetes cluster supplier', () => {
  let sim: HostSimulator;
  let backend: Harness;
  let adminKubeconfig: string;

  beforeAll(async () => {
    sim = await startHostSimulator();
    backend = await startBackend({
      hosts: [{ name: 'simulated', sim }],
      features: [kubernetesPlugin, nestedClustersKubernetesModule],
      config: {
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'configured',
                  url: 'https://configured.example.com',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'not-used',
                },
              ],
            },
          ],
        },
      },
    });
    await createRunningCluster(backend, {
      name: 'k8s-demo',
      entityRef: 'component:default/web-shop',
    });
    const kubeconfig = await backend.server
      .get('/api/nested-clusters/clusters/simulated/k8s-demo/kubeconfig')
      .set('Authorization', USERS.guest);
    if (kubeconfig.status !== 200) {
      throw new Error(`kubeconfig download failed (${kubeconfig.status})`);
    }
    adminKubeconfig = kubeconfig.text;
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  async function kubernetesClusters() {
    const res = await backend.server
      .get('/api/kubernetes/clusters')
      .set('Authorization', USERS.guest);
    expect(res.status).toBe(200);
    return res.body.items as Array<{ name: string; authProvider: string }>;
  }

  it('adds each Running nested cluster to the clusters of the default supplier', async () => {
    const clusters = await kubernetesClusters();
    expect(clusters.map(c => c.name)).toEqual(['configured', K8S_DEMO]);
    expect(clusters[1].authProvider).toBe('serviceAccount');
  });

  it("hands over a read-only account's token that reads the component's workloads and no secrets", async () => {
    const admin = new KubeConfig();
    admin.loadFromString(adminKubeconfig);
    await admin.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: {
          name: 'web-shop',
          labels: { 'backstage.io/kubernetes-id': 'web-shop' },
        },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web-shop' } },
          template: {
            metadata: { labels: { app: 'web-shop' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      },
    });

    const details = await withSupplier(
      sim,
      mockServices.permissions(),
      async supplier => {
        // This cache starts now; wait for its first sync.
        return eventually(async () => {
          const found = (await supplier.getClusters({ credentials })).find(
            c => c.name === K8S_DEMO,
          );
          expect(found).toBeDefined();
          return found!;
        });
      },
    );
    expect(details).toMatchObject({
      url: admin.getCurrentCluster()!.server,
      caData: admin.getCurrentCluster()!.caData,
      authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
    });
    const token = details.authMetadata.serviceAccountToken;
    expect(token).not.toBe(admin.getCurrentUser()!.token);
    expect(JSON.stringify(details)).not.toContain(
      String(admin.getCurrentUser()!.token),
    );

    const reader = readerKubeConfig(details);
    const deployments = await reader
      .makeApiClient(AppsV1Api)
      .listDeploymentForAllNamespaces({
        labelSelector: 'backstage.io/kubernetes-id=web-shop',
      });
    expect(deployments.items.map(d => d.metadata?.name)).toEqual(['web-shop']);
    const secrets = reader
      .makeApiClient(CoreV1Api)
      .listSecretForAllNamespaces();
    await expect(secrets).rejects.toBeInstanceOf(ApiException);
    await expect(secrets).rejects.toMatchObject({ code: 403 });
  });

  it('lists nested clusters to users only, not to services', async () => {
    await withSupplier(sim, mockServices.permissions(), async supplier => {
      await eventually(async () => {
        const names = (await supplier.getClusters({ credentials })).map(
          c => c.name,
        );
        expect(names).toContain(K8S_DEMO);
      });
      const asService = await supplier.getClusters({
        credentials: mockCredentials.service('plugin:kubernetes'),
      });
      expect(asService).toEqual([]);
    });
  });

  it.each([
    ['nested-clusters.cluster.read'],
    ['nested-clusters.cluster.kubeconfig'],
  ])(
    'leaves a cluster out for a caller denied %s on it',
    async deniedPermission => {
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              r.permission.name === deniedPermission &&
              'resourceRef' in r &&
              r.resourceRef === 'simulated/k8s-demo'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      });
      await withSupplier(sim, permissions, async supplier => {
        // Ask until the supplier's cache holds the cluster and it was
        // decided on, then check it is left out.
        await eventually(async () => {
          const names = (await supplier.getClusters({ credentials })).map(
            c => c.name,
          );
          expect(permissions.authorize).toHaveBeenCalledWith(
            expect.arrayContaining([
              expect.objectContaining({ resourceRef: 'simulated/k8s-demo' }),
            ]),
            { credentials },
          );
          expect(names).not.toContain(K8S_DEMO);
        });
      });
    },
    30_000,
  );

  it('drops a cluster from the Kubernetes plugin once it is paused', async () => {
    const paused = await backend.server
      .post('/api/nested-clusters/clusters/simulated/k8s-demo/pause')
      .set('Authorization', USERS.guest);
    expect(paused.status).toBe(202);
    await eventually(async () => {
      expect((await kubernetesClusters()).map(c => c.name)).not.toContain(
        K8S_DEMO,
      );
    });
  });
});

/**
 * The Kubernetes plugin's routes as the owner (team-a's guest) and as team-b's
 * bob, on one nested cluster of web-shop with a Deployment inside
 * (routesScenario.ts, run in a plain Node process).
 */
describe("the Kubernetes plugin's routes on a team-a nested cluster", () => {
  let result: RoutesResult;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        resolve(__dirname, '__testUtils__/routesScenario.ts'),
      ],
      { timeout: 90_000 },
    );
    result = JSON.parse(stdout.trim().split('\n').pop()!);
  }, 90_000);

  it.each(['services', 'workloads', 'custom'] as const)(
    'shows the owner its Deployment on %s',
    route => {
      const answer = result.guest[route];
      expect(answer.status).toBe(200);
      expect(answer.clusters).toEqual([CLUSTER]);
      expect(answer.deployments).toEqual([DEPLOYMENT]);
      // Read with the reader token: no authentication or RBAC failures.
      expect(answer.errors).toEqual([]);
    },
  );

  it.each(['proxy', 'proxy-named'] as const)(
    'proxies the owner to the cluster (%s)',
    route => {
      expect(result.guest[route]).toMatchObject({
        status: 200,
        deployments: [DEPLOYMENT],
      });
    },
  );

  it('lists the cluster to the owner', () => {
    expect(result.guest.clusters.clusters).toEqual([CLUSTER]);
  });

  it.each([
    'clusters',
    'services',
    'workloads',
    'custom',
    'proxy',
    'proxy-named',
  ] as const)('gives team-b nothing of the cluster on %s', route => {
    const answer = result.bob[route];
    expect(answer.clusters).not.toContain(CLUSTER);
    expect(answer.deployments).toEqual([]);
    expect(answer.mentionsDeployment).toBe(false);
    // The proxy knows no cluster for bob: 404, nothing forwarded.
    expect(answer.status).toBe(route.startsWith('proxy') ? 404 : 200);
  });
});

/**
 * Runs `fn` with the supplier as the module builds it, over its own cache of
 * the simulated host and the given permissions service.
 */
async function withSupplier<T>(
  sim: HostSimulator,
  permissions: PermissionsService,
  fn: (supplier: NestedClusterSupplier) => Promise<T>,
): Promise<T> {
  const logger = mockServices.logger.mock();
  const hosts = new DefaultNestedClustersHostsService({
    config: readNestedClustersConfig(
      new ConfigReader({
        nestedClusters: nestedClustersConfig([{ name: 'simulated', sim }]),
      }),
    ),
    logger,
  });
  hosts.start();
  try {
    return await fn(
      new NestedClusterSupplier(
        { getClusters: async () => [] },
        hosts,
        new ReaderAccounts({
          adminKubeconfig: cluster => hosts.adminKubeconfig(cluster),
          logger,
          failureCooldownMs: 0,
        }),
        mockServices.auth(),
        permissions,
        logger,
      ),
    );
  } finally {
    hosts.stop();
  }
}

/** A kubeconfig from ClusterDetails, as the Kubernetes plugin connects. */
function readerKubeConfig(details: ClusterDetails): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: details.name, server: details.url, caData: details.caData },
    ],
    users: [
      {
        name: 'reader',
        token: String(details.authMetadata.serviceAccountToken),
      },
    ],
    contexts: [{ name: 'reader', cluster: details.name, user: 'reader' }],
    currentContext: 'reader',
  });
  return kc;
}
