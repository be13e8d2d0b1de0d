/*
 * Every Kubernetes plugin route that returns a cluster's objects, end to end:
 * team-a's guest creates a nested cluster for web-shop and a Deployment in it;
 * then guest and team-b's bob each call /clusters, /services/web-shop,
 * /resources/workloads/query, /resources/custom/query and /proxy on the real
 * Kubernetes backend with the example policy. It runs in a plain Node process
 * (module.test.ts spawns it) because the Kubernetes plugin loads
 * @kubernetes/client-node 1.x with import(), which Jest's module sandbox
 * cannot run. Prints one JSON line.
 */
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { startHostSimulator } from '@nested-clusters/host-simulator';
import {
  createRunningCluster,
  exampleEntities,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';
import { nestedClustersKubernetesModule } from '../module';
import {
  CLUSTER,
  DEPLOYMENT,
  RouteAnswer,
  RouteName,
  RoutesResult,
} from './routes';

type FetchResponse = {
  items?: Array<{
    cluster: { name: string };
    errors: unknown[];
    resources: Array<{
      type: string;
      resources: Array<{ kind?: string; metadata: { name: string } }>;
    }>;
  }>;
};

function fromFetchResponse(status: number, text: string): RouteAnswer {
  const body = JSON.parse(text) as FetchResponse;
  const items = body.items ?? [];
  return {
    status,
    clusters: items.map(item => item.cluster.name),
    deployments: items.flatMap(item =>
      item.resources
        .filter(r => r.type === 'deployments' || r.type === 'customresources')
        .flatMap(r => r.resources.map(d => d.metadata.name)),
    ),
    errors: items
      .filter(item => item.cluster.name === CLUSTER)
      .flatMap(item => item.errors),
    mentionsDeployment: text.includes(DEPLOYMENT),
  };
}

async function callRoutes(
  backend: Harness,
  user: string,
): Promise<Record<RouteName, RouteAnswer>> {
  const entityRef = 'component:default/web-shop';
  const webShop = exampleEntities().find(e => e.metadata.name === 'web-shop');
  const clusters = await backend.server
    .get('/api/kubernetes/clusters')
    .set('Authorization', user);
  const services = await backend.server
    .post('/api/kubernetes/services/web-shop')
    .set('Authorization', user)
    .send({ entity: webShop });
  const workloads = await backend.server
    .post('/api/kubernetes/resources/workloads/query')
    .set('Authorization', user)
    .send({ entityRef });
  const custom = await backend.server
    .post('/api/kubernetes/resources/custom/query')
    .set('Authorization', user)
    .send({
      entityRef,
      customResources: [
        { group: 'apps', apiVersion: 'v1', plural: 'deployments' },
      ],
    });
  // Without the cluster header the proxy picks the only cluster it knows.
  const proxyPath = '/api/kubernetes/proxy/apis/apps/v1/deployments';
  const proxy = await backend.server.get(proxyPath).set('Authorization', user);
  const proxyNamed = await backend.server
    .get(proxyPath)
    .set('Authorization', user)
    .set('Backstage-Kubernetes-Cluster', CLUSTER);
  const fromProxy = (res: typeof proxy): RouteAnswer => {
    const items = (res.body?.items ?? []) as Array<{
      metadata: { name: string };
    }>;
    return {
      status: res.status,
      clusters: [],
      deployments: items.map(d => d.metadata.name),
      errors: [],
      mentionsDeployment: res.text.includes(DEPLOYMENT),
    };
  };
  return {
    clusters: {
      status: clusters.status,
      clusters: (clusters.body.items as Array<{ name: string }>).map(
        c => c.name,
      ),
      deployments: [],
      errors: [],
      mentionsDeployment: clusters.text.includes(DEPLOYMENT),
    },
    services: fromFetchResponse(services.status, services.text),
    workloads: fromFetchResponse(workloads.status, workloads.text),
    custom: fromFetchResponse(custom.status, custom.text),
    proxy: fromProxy(proxy),
    'proxy-named': fromProxy(proxyNamed),
  };
}

async function run(): Promise<RoutesResult> {
  const sim = await startHostSimulator();
  try {
    // The example policy: owners only for the kubeconfig.
    const backend = await startBackend({
      hosts: [{ name: 'simulated', sim }],
      features: [kubernetesPlugin, nestedClustersKubernetesModule],
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
            name: DEPLOYMENT,
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
      return {
        guest: await callRoutes(backend, USERS.guest),
        bob: await callRoutes(backend, USERS.bob),
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
