/*
 * The Kubernetes tab's request, end to end: a nested cluster for web-shop, a
 * Deployment inside it, then POST /api/kubernetes/services/web-shop on the
 * real Kubernetes backend. It runs in a plain Node process (module.test.ts
 * spawns it) because the Kubernetes plugin loads @kubernetes/client-node 1.x
 * with import(), which Jest's module sandbox cannot run. Prints one JSON line.
 */
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { startHostSimulator } from '@nested-clusters/host-simulator';
import nestedClustersExamplePolicyModule from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import { exampleEntities, USERS } from '@nested-clusters/test-harness';
import {
  createRunningCluster,
  startPortalBackend,
} from '@nested-clusters/test-harness';
import { nestedClustersKubernetesModule } from '../module';

export interface ServicesRouteResult {
  status: number;
  clusters: Array<{
    name: string;
    errors: unknown[];
    deployments: string[];
  }>;
}

async function run(): Promise<ServicesRouteResult> {
  const entities = exampleEntities();
  const webShop = entities.find(e => e.metadata.name === 'web-shop');
  const sim = await startHostSimulator();
  try {
    const backend = await startPortalBackend({
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
          clusterLocatorMethods: [{ type: 'config', clusters: [] }],
        },
      },
    });
    try {
      await createRunningCluster(backend, {
        name: 'tab-demo',
        entityRef: 'component:default/web-shop',
      });
      const kubeconfig = await backend.server
        .get('/api/nested-clusters/clusters/simulated/tab-demo/kubeconfig')
        .set('Authorization', USERS.guest);
      const kc = new KubeConfig();
      kc.loadFromString(kubeconfig.text);
      await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
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
      const res = await backend.server
        .post('/api/kubernetes/services/web-shop')
        .set('Authorization', USERS.guest)
        .send({ entity: webShop });
      type Item = {
        cluster: { name: string };
        errors: unknown[];
        resources: Array<{
          type: string;
          resources: Array<{ metadata: { name: string } }>;
        }>;
      };
      return {
        status: res.status,
        clusters: ((res.body.items ?? []) as Item[]).map(item => ({
          name: item.cluster.name,
          errors: item.errors,
          deployments: (
            item.resources.find(r => r.type === 'deployments')?.resources ?? []
          ).map(d => d.metadata.name),
        })),
      };
    } finally {
      await backend.stop();
    }
  } finally {
    await sim.stop();
  }
}

run().then(
  result => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
