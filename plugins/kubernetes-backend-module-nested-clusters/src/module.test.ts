import { mockServices } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
import { readNestedClustersConfig } from '@nested-clusters/plugin-nested-clusters-node';
import { DefaultNestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import nestedClustersExamplePolicyModule from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import {
  eventually,
  exampleEntities,
  hostConfig,
  SANDBOX_PROFILE,
  USERS,
} from '@nested-clusters/test-harness';
import {
  createRunningCluster,
  PortalBackend,
  startPortalBackend,
} from '@nested-clusters/test-harness';
import { nestedClustersKubernetesModule } from './module';
import { NestedClusterSupplier } from './NestedClusterSupplier';
import { ReaderAccounts } from './ReaderAccounts';
import type { ServicesRouteResult } from './__testUtils__/servicesRouteScenario';

/**
 * The Kubernetes plugin loads @kubernetes/client-node 1.x with a dynamic
 * import() when it fetches objects, which Jest's module sandbox cannot run;
 * so its /services route is exercised in a plain Node process
 * (servicesRouteScenario.ts). Here the real Kubernetes backend lists the
 * nested clusters our supplier adds, and the exact ClusterDetails the
 * supplier hands over are used the way that plugin uses them.
 */
describe('nested-clusters kubernetes cluster supplier', () => {
  let sim: HostSimulator;
  let backend: PortalBackend;
  let adminKubeconfig: string;
  const entities = exampleEntities();

  beforeAll(async () => {
    sim = await startHostSimulator();
    backend = await startPortalBackend({
      sim,
      features: [
        kubernetesPlugin,
        nestedClustersKubernetesModule,
        nestedClustersExamplePolicyModule,
        catalogServiceMock.factory({ entities }),
      ],
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
    expect(clusters.map(c => c.name)).toEqual([
      'configured',
      'simulated-k8s-demo',
    ]);
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

    // The supplier as the module builds it, over its own cache of the same host.
    const logger = mockServices.logger.mock();
    const hosts = new DefaultNestedClustersHostsService({
      config: readNestedClustersConfig(
        new ConfigReader({
          nestedClusters: {
            hosts: [
              hostConfig({ name: 'simulated', sim, installer: 'helm-job' }),
            ],
            profiles: [SANDBOX_PROFILE],
          },
        }),
      ),
      logger,
    });
    hosts.start();
    try {
      const supplier = new NestedClusterSupplier(
        { getClusters: async () => [] },
        hosts,
        new ReaderAccounts({
          adminKubeconfig: cluster => hosts.adminKubeconfig(cluster),
          logger,
          failureCooldownMs: 0,
        }),
        logger,
      );
      // This cache starts now; wait for its first sync.
      const details = await eventually(async () => {
        const clusters = await supplier.getClusters({
          credentials: await mockServices.auth().getOwnServiceCredentials(),
        });
        const found = clusters.find(c => c.name === 'simulated-k8s-demo');
        expect(found).toBeDefined();
        return found!;
      });
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
      expect(deployments.items.map(d => d.metadata?.name)).toEqual([
        'web-shop',
      ]);
      const secrets = reader
        .makeApiClient(CoreV1Api)
        .listSecretForAllNamespaces();
      await expect(secrets).rejects.toBeInstanceOf(ApiException);
      await expect(secrets).rejects.toMatchObject({ code: 403 });
    } finally {
      hosts.stop();
    }
  });

  it("returns the Deployment from inside the nested cluster on the Kubernetes plugin's /services route", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        resolve(__dirname, '__testUtils__/servicesRouteScenario.ts'),
      ],
      { timeout: 60_000 },
    );
    const result: ServicesRouteResult = JSON.parse(
      stdout.trim().split('\n').pop()!,
    );
    expect(result.status).toBe(200);
    const nested = result.clusters.find(c => c.name === 'simulated-tab-demo');
    expect(nested?.deployments).toEqual(['web-shop']);
    // Read with the reader token: no authentication or RBAC failures.
    for (const statusCode of [401, 403]) {
      expect(nested?.errors).not.toContainEqual(
        expect.objectContaining({ statusCode }),
      );
    }
  }, 60_000);

  it('drops a cluster from the Kubernetes plugin once it is paused', async () => {
    const paused = await backend.server
      .post('/api/nested-clusters/clusters/simulated/k8s-demo/pause')
      .set('Authorization', USERS.guest);
    expect(paused.status).toBe(202);
    await eventually(async () => {
      expect((await kubernetesClusters()).map(c => c.name)).not.toContain(
        'simulated-k8s-demo',
      );
    });
  });
});

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
