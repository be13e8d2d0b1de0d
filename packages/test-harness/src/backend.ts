import {
  BackendFeature,
  coreServices,
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import { JsonObject } from '@backstage/types';
import nestedClustersPlugin from '@nested-clusters/plugin-nested-clusters-backend';
import {
  DefaultNestedClustersHostsService,
  nestedClustersHostsServiceRef,
  readNestedClustersConfig,
} from '@nested-clusters/plugin-nested-clusters-node';
import nestedClustersExamplePolicyModule from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import request from 'supertest';
import { AuditLog } from './audit';
import { eventually } from './eventually';
import { nestedClustersConfig, TestHost } from './hosts';
import { CapturingLogger } from './logging';
import { exampleEntities, USERS } from './org';
import { RestApi } from './restApi';
import { authKeepingActor, userInfoFromOrg } from './services';

export const APP_BASE_URL = 'http://portal.example.com';

/** Installs take well under a second on fast simulators; a hung one fails after this. */
export const INSTALL_TIMEOUT_MS = 5_000;

/** mockServices.scheduler() returns a MockSchedulerService, whose type is not exported. */
type MockScheduler = SchedulerService & {
  triggerTask(id: string): Promise<void>;
  factory(options?: {
    skipTaskRunOnStartup?: boolean;
  }): ServiceFactory<SchedulerService, 'plugin', 'singleton'>;
};

export interface StartBackendOptions {
  /** The hosts the plugin manages: simulators, or raw `nestedClusters.hosts[]` entries. */
  hosts: TestHost[];
  /** `nestedClusters.limits`; default 10 clusters per owner. */
  limits?: JsonObject;
  /** More `nestedClusters` config, e.g. `sleep` or `cost`. */
  nestedClusters?: JsonObject;
  /** `nestedClusters.profiles`; default: the sandbox profile. */
  profiles?: JsonObject[];
  /** The permission policy module; default: the example policy. */
  policy?: BackendFeature;
  /**
   * Entities of the mock catalog service (default: the example org and
   * components), or `false` when `features` bring the real catalog plugin.
   */
  catalog?: Entity[] | false;
  /** More plugins, modules or service factories, e.g. the module under test. */
  features?: BackendFeature[];
  /** More root config, e.g. `catalog` or `backend.database`. */
  config?: JsonObject;
  /** The root logger; default a new one, returned as `logs`. */
  logs?: CapturingLogger;
  /** Replaces the mock scheduler (which runs a task only when `triggerTask` asks). */
  scheduler?: ServiceFactory;
  /** Collects the audit events; default: the mock auditor. */
  audit?: AuditLog;
  /**
   * Test-sized watch backoff (50-400 ms), first-sync timeout (3 s) and install
   * timeout (INSTALL_TIMEOUT_MS), for tests that take hosts down.
   */
  fastHosts?: boolean;
}

/** A running test backend with the nested-clusters plugin. */
export interface Harness {
  backend: TestBackend;
  /** supertest on the backend, for requests with custom headers or bodies. */
  server: ReturnType<typeof request>;
  /** The plugin's REST API over real HTTP, as the guest user. */
  api: RestApi;
  port: number;
  logs: CapturingLogger;
  /** Runs a scheduled task now (only with the default mock scheduler). */
  triggerTask(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** The real hosts service with test-sized backoff, first-sync and install timeouts. */
const fastHostsServiceFactory = createServiceFactory({
  service: nestedClustersHostsServiceRef,
  deps: {
    rootConfig: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
    rootLifecycle: coreServices.rootLifecycle,
  },
  factory({ rootConfig, rootLogger, rootLifecycle }) {
    const hosts = new DefaultNestedClustersHostsService({
      config: readNestedClustersConfig(rootConfig),
      logger: rootLogger,
      backoff: { initialMs: 50, maxMs: 400 },
      firstSyncTimeoutMs: 3_000,
      installTimeoutMs: INSTALL_TIMEOUT_MS,
    });
    hosts.start();
    rootLifecycle.addShutdownHook(() => hosts.stop());
    return hosts;
  },
});

/**
 * The one way tests start the real backend: the nested-clusters plugin on the
 * given hosts, the permission backend with the example policy (or another),
 * the example org behind mock auth and user info, and a capturing logger.
 */
export async function startBackend(
  options: StartBackendOptions,
): Promise<Harness> {
  const entities = exampleEntities();
  const logs = options.logs ?? new CapturingLogger();
  const scheduler = mockServices.scheduler() as MockScheduler;
  const catalog = options.catalog ?? entities;
  const backend = await startTestBackend({
    features: [
      nestedClustersPlugin,
      permissionBackend,
      options.policy ?? nestedClustersExamplePolicyModule,
      ...(catalog ? [catalogServiceMock.factory({ entities: catalog })] : []),
      userInfoFromOrg(entities),
      authKeepingActor(),
      options.scheduler ?? scheduler.factory({ skipTaskRunOnStartup: true }),
      ...(options.audit ? [options.audit.factory()] : []),
      ...(options.fastHosts ? [fastHostsServiceFactory] : []),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logs,
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_BASE_URL },
          ...options.config,
          permission: { enabled: true },
          nestedClusters: {
            ...nestedClustersConfig(
              options.hosts,
              options.limits,
              options.profiles,
            ),
            ...options.nestedClusters,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const port = backend.server.port();
  return {
    backend,
    server: request(backend.server),
    api: new RestApi(`http://127.0.0.1:${port}/api/nested-clusters`),
    port,
    logs,
    async triggerTask(id) {
      if (options.scheduler) {
        throw new Error('triggerTask needs the default mock scheduler');
      }
      await scheduler.triggerTask(id);
    },
    stop: () => backend.stop(),
  };
}

/**
 * Creates a cluster through the REST API as `user` and waits until it is
 * Running. Throws rather than expects, so scripts outside Jest can use it.
 */
export async function createRunningCluster(
  harness: Harness,
  body: {
    name: string;
    host?: string;
    entityRef?: string;
    owner?: string;
    profile?: string;
  },
  user: string = USERS.guest,
): Promise<void> {
  const created = await harness.server
    .post('/api/nested-clusters/clusters')
    .set('Authorization', user)
    .send({ profile: 'sandbox', ...body });
  if (created.status !== 202) {
    throw new Error(
      `creating ${body.name} answered ${created.status}: ${created.text}`,
    );
  }
  await eventually(async () => {
    const res = await harness.server
      .get(`/api/nested-clusters/clusters/${created.body.host}/${body.name}`)
      .set('Authorization', user);
    if (res.body.status !== 'Running') {
      throw new Error(`${body.name} is not Running: ${res.text}`);
    }
  });
}
