import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { mockServices } from '@backstage/backend-test-utils';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the end-to-end test runs the real backend plugin
import {
  authKeepingActor,
  eventually,
  userInfoFromOrg,
} from '@nested-clusters/test-harness';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the end-to-end test runs the real backend plugin
import nestedClustersPlugin from '@nested-clusters/plugin-nested-clusters-backend';
import nestedClustersExamplePolicyModule from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import scaffolderModuleNestedClusters from './index';

const GUEST = mockCredentials.user.header('user:default/guest');
const CAROL = mockCredentials.user.header('user:default/carol');

interface TaskEvent {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    output?: { links?: Array<Record<string, string>> };
  };
}

/**
 * The real scaffolder, catalog (reading the repository's examples and
 * templates), permission backend with the example policy, nested-clusters
 * backend and a simulated host; only auth is mocked.
 */
jest.setTimeout(90_000);

const examplesDir = path.resolve(__dirname, '../../../examples');

describe('software templates, end to end', () => {
  let sim: HostSimulator;
  let server: ReturnType<typeof request>;
  let stopBackend: () => Promise<void>;
  let localCatalog: string;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    sim = await startHostSimulator();
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    localCatalog = await fs.mkdtemp(path.join(os.tmpdir(), 'local-catalog-'));

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        scaffolderPlugin,
        scaffolderModuleNestedClusters,
        nestedClustersPlugin,
        permissionPlugin,
        nestedClustersExamplePolicyModule,
        permissionsServiceFactory,
        authKeepingActor(),
        userInfoFromOrg(
          yaml
            .parseAllDocuments(
              readFileSync(path.join(examplesDir, 'org.yaml'), 'utf8'),
            )
            .map(doc => doc.toJSON()),
        ),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'Template', 'Location'] },
              ],
              // The same files as app-config.yaml, resolved from this file:
              // jest's working directory depends on where it was started.
              locations: [
                {
                  type: 'file',
                  target: path.join(examplesDir, 'entities.yaml'),
                },
                {
                  type: 'file',
                  target: path.join(examplesDir, 'org.yaml'),
                  rules: [{ allow: ['User', 'Group'] }],
                },
                {
                  type: 'file',
                  target: path.join(examplesDir, 'templates/*/template.yaml'),
                  rules: [{ allow: ['Template'] }],
                },
                {
                  type: 'file',
                  target: path.join(localCatalog, '*.yaml'),
                  rules: [{ allow: ['Component'] }],
                },
              ],
            },
            scaffolder: { localCatalog: { directory: localCatalog } },
            nestedClusters: {
              hosts: [
                {
                  name: 'simulated',
                  title: 'Simulated host',
                  url: sim.url,
                  auth: {
                    type: 'serviceAccount',
                    token: sim.token,
                    caData: sim.caPem,
                  },
                  installer: 'helm-job',
                  namespacePrefix: 'nc-',
                  exposure: { type: 'nodePort', nodeAddress: sim.nodeAddress },
                  maxClusters: 50,
                },
              ],
              profiles: [
                {
                  name: 'sandbox',
                  title: 'Sandbox (small)',
                  kubernetesVersion: 'v1.35.0',
                  chartVersion: '0.36.1',
                  ttl: '72h',
                  maxTtl: '14d',
                  values: {},
                },
              ],
              limits: { clustersPerOwner: 1 },
            },
          },
        }),
      ],
    });
    server = request(backend.server);
    stopBackend = () => backend.stop();

    // The catalog ingests the example files in the background.
    await eventually(async () => {
      for (const ref of [
        'template/default/nested-cluster-sandbox',
        'template/default/service-with-sandbox',
        'component/default/web-shop',
        'group/default/team-b',
      ]) {
        await server
          .get(`/api/catalog/entities/by-name/${ref}`)
          .set('Authorization', GUEST)
          .expect(200);
      }
    }, 30_000);
  });

  afterAll(async () => {
    await stopBackend?.();
    await sim?.stop();
    await fs.rm(localCatalog, { recursive: true, force: true });
  });

  async function runTemplate(
    template: string,
    values: Record<string, string>,
    user: string,
  ) {
    const created = await server
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', user)
      .send({ templateRef: `template:default/${template}`, values })
      .expect(201);
    const id: string = created.body.id;
    const task = await eventually(async () => {
      const res = await server
        .get(`/api/scaffolder/v2/tasks/${id}`)
        .set('Authorization', user)
        .expect(200);
      expect(['completed', 'failed', 'cancelled']).toContain(res.body.status);
      return res.body;
    }, 60_000);
    const events: TaskEvent[] = (
      await server
        .get(`/api/scaffolder/v2/tasks/${id}/events`)
        .set('Authorization', user)
        .expect(200)
    ).body;
    const completion = events.find(e => e.type === 'completion');
    return {
      status: task.status as string,
      log: events.filter(e => e.type === 'log').map(e => e.body.message ?? ''),
      completion,
      output: completion?.body.output,
    };
  }

  async function namespaces(): Promise<string[]> {
    const list = await core.listNamespace();
    return list.items
      .map(ns => ns.metadata?.name ?? '')
      .filter(name => name.startsWith('nc-'));
  }

  it('lists the actions with descriptions and examples for the template editor', async () => {
    const res = await server
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', GUEST)
      .expect(200);
    const ours = (
      res.body as Array<{
        id: string;
        description?: string;
        examples?: unknown[];
        schema?: {
          input?: { properties?: Record<string, { description?: string }> };
        };
      }>
    ).filter(
      a =>
        a.id.startsWith('nested-clusters:') ||
        a.id === 'local-catalog:register',
    );
    expect(ours.map(a => a.id).sort()).toEqual([
      'local-catalog:register',
      'nested-clusters:create',
      'nested-clusters:delete',
      'nested-clusters:wait',
    ]);
    for (const action of ours) {
      expect(action.description).toBeTruthy();
      expect(action.examples?.length).toBeGreaterThan(0);
      for (const property of Object.values(
        action.schema?.input?.properties ?? {},
      )) {
        expect(property.description).toBeTruthy();
      }
    }
  });

  it('creates a Running sandbox for a component of team-a, logging progress', async () => {
    const run = await runTemplate(
      'nested-cluster-sandbox',
      {
        component: 'component:default/web-shop',
        profile: 'sandbox',
        name: 'web-shop-dev',
        ttl: '24h',
      },
      GUEST,
    );

    expect(run.completion?.body.message).toBe(
      'Run completed with status: completed',
    );
    expect(run.status).toBe('completed');
    expect(run.log).toContainEqual(
      expect.stringMatching(
        /simulated\/web-shop-dev: Provisioning \(\d+\/\d+ [^)]+\) after \d+s/,
      ),
    );
    expect(run.log).toContainEqual(
      expect.stringMatching(/simulated\/web-shop-dev: Running after \d+s/),
    );
    expect(run.output?.links).toEqual([
      expect.objectContaining({ entityRef: 'component:default/web-shop' }),
      expect.objectContaining({
        url: 'http://localhost:3000/catalog/default/component/web-shop',
      }),
    ]);

    // On the host: the namespace carries owner and component, the vcluster is up.
    const ns = await core.readNamespace({ name: 'nc-web-shop-dev' });
    expect(ns.metadata?.annotations).toEqual(
      expect.objectContaining({
        'nested-clusters.backstage.io/owner': 'group:default/team-a',
        'nested-clusters.backstage.io/component': 'component:default/web-shop',
        'nested-clusters.backstage.io/created-by': 'user:default/guest',
      }),
    );
    const sts = await apps.readNamespacedStatefulSet({
      name: 'web-shop-dev',
      namespace: 'nc-web-shop-dev',
    });
    expect(sts.status?.readyReplicas).toBe(1);
    const cluster = await server
      .get('/api/nested-clusters/clusters/simulated/web-shop-dev')
      .set('Authorization', GUEST)
      .expect(200);
    expect(cluster.body.status).toBe('Running');
  });

  it('fails with the quota message for a user of team-a over quota, creating nothing', async () => {
    const before = await namespaces();
    const run = await runTemplate(
      'nested-cluster-sandbox',
      {
        component: 'component:default/checkout-api',
        profile: 'sandbox',
        name: 'checkout-dev',
        ttl: '24h',
      },
      CAROL,
    );

    expect(run.status).toBe('failed');
    expect(run.log.join('\n')).toMatch(
      /group:default\/team-a already has 1 nested clusters; the limit is 1/,
    );
    expect(await namespaces()).toEqual(before);
  });

  it('validates a dry run against the backend and creates nothing', async () => {
    const template = yaml.parse(
      await fs.readFile(
        path.join(
          examplesDir,
          'templates/nested-cluster-sandbox/template.yaml',
        ),
        'utf8',
      ),
    );
    const res = await server
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', CAROL)
      .send({
        template,
        values: {
          component: 'component:default/billing-service',
          profile: 'sandbox',
          name: 'billing-preview',
          ttl: '7d',
        },
        directoryContents: [],
      })
      .expect(200);

    const log = (res.body.log as TaskEvent[]).map(e => e.body.message);
    expect(log).toContainEqual(
      expect.stringContaining(
        'Dry run: simulated/billing-preview would be created in namespace nc-billing-preview; nothing was created',
      ),
    );
    expect(await namespaces()).not.toContain('nc-billing-preview');
  });

  it('registers a new service in the catalog and creates its sandbox', async () => {
    const run = await runTemplate(
      'service-with-sandbox',
      {
        name: 'payments-api',
        description: 'Takes payments',
        owner: 'group:default/team-b',
        type: 'service',
        profile: 'sandbox',
        ttl: '72h',
      },
      CAROL,
    );

    expect(run.status).toBe('completed');
    expect(await fs.readdir(localCatalog)).toEqual([
      'default.component.payments-api.yaml',
    ]);
    const entity = await server
      .get('/api/catalog/entities/by-name/component/default/payments-api')
      .set('Authorization', CAROL)
      .expect(200);
    expect(entity.body.spec).toEqual(
      expect.objectContaining({ owner: 'group:default/team-b' }),
    );
    const ns = await core.readNamespace({ name: 'nc-payments-api-sandbox' });
    expect(ns.metadata?.annotations).toEqual(
      expect.objectContaining({
        'nested-clusters.backstage.io/owner': 'group:default/team-b',
        'nested-clusters.backstage.io/component':
          'component:default/payments-api',
      }),
    );
    const cluster = await server
      .get('/api/nested-clusters/clusters/simulated/payments-api-sandbox')
      .set('Authorization', CAROL)
      .expect(200);
    expect(cluster.body.status).toBe('Running');
    expect(run.output?.links).toEqual([
      expect.objectContaining({ entityRef: 'component:default/payments-api' }),
      expect.objectContaining({
        url: 'http://localhost:3000/catalog/default/component/payments-api',
      }),
    ]);
  });
});
