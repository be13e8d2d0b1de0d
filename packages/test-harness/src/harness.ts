import {
  coreServices,
  createServiceFactory,
  RootLoggerService,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { HostSimulator } from '@nested-clusters/host-simulator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import nestedClustersPlugin from '@nested-clusters/plugin-nested-clusters-backend';
import nestedClustersExamplePolicyModule from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import { readNestedClustersConfig } from '@nested-clusters/plugin-nested-clusters-node';
import { DefaultNestedClustersHostsService } from '@nested-clusters/plugin-nested-clusters-node';
import { authKeepingActor, userInfoFromOrg } from './services';

export { authKeepingActor, userInfoFromOrg };

/** The example org and components of the repository (examples/*.yaml). */
export function exampleEntities(): Entity[] {
  // eslint-disable-next-line no-restricted-syntax -- a test-only package inside the repo
  const dir = resolve(__dirname, '../../../examples');
  return ['org.yaml', 'entities.yaml'].flatMap(file =>
    parseAllDocuments(readFileSync(resolve(dir, file), 'utf8'))
      .map(doc => doc.toJSON() as Entity | null)
      .filter((e): e is Entity => !!e),
  );
}

/** A root logger that keeps every line, to prove that no secret is ever logged. */
export class CapturingLogger implements RootLoggerService {
  constructor(
    readonly lines: string[] = [],
    private readonly meta: JsonObject = {},
  ) {}
  error(message: string, meta?: Error | JsonObject) {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.record('debug', message, meta);
  }
  child(meta: JsonObject): CapturingLogger {
    return new CapturingLogger(this.lines, { ...this.meta, ...meta });
  }
  private record(level: string, message: string, meta?: unknown) {
    this.lines.push(
      JSON.stringify({ level, message, ...this.meta, meta: expand(meta) }),
    );
    if (process.env.NESTED_CLUSTERS_TEST_LOGS) {
      // eslint-disable-next-line no-console
      console.log(level, message, JSON.stringify(expand(meta)));
    }
  }
}

/** Errors serialise to {} in JSON; keep their message, stack and cause. */
function expand(value: unknown, depth = 0): unknown {
  if (depth > 5) {
    return String(value);
  }
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      stack: value.stack,
      cause: expand((value as { cause?: unknown }).cause, depth + 1),
      ...Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, expand(v, depth + 1)]),
      ),
    };
  }
  if (Array.isArray(value)) {
    return value.map(v => expand(v, depth + 1));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expand(v, depth + 1)]),
    );
  }
  return value;
}

export interface HostEntry {
  name: string;
  sim: HostSimulator;
  installer: 'capi' | 'helm-job' | 'flux';
  maxClusters?: number;
  namespacePrefix?: string;
  /** Defaults to the simulator's full-access token. */
  token?: string;
}

export function hostConfig(entry: HostEntry): JsonObject {
  return {
    name: entry.name,
    title: `Simulated ${entry.name}`,
    url: entry.sim.url,
    installer: entry.installer,
    namespacePrefix: entry.namespacePrefix ?? 'nc-',
    maxClusters: entry.maxClusters ?? 10,
    auth: {
      type: 'serviceAccount',
      token: entry.token ?? entry.sim.token,
      caData: entry.sim.caPem,
    },
    exposure: {
      type: 'hostPattern',
      pattern: `${entry.sim.url}/vclusters/{namespace}/{name}`,
    },
  };
}

export const SANDBOX_PROFILE = {
  name: 'sandbox',
  title: 'Sandbox (small)',
  kubernetesVersion: 'v1.35.0',
  chartVersion: '0.36.1',
  ttl: '72h',
  maxTtl: '14d',
  values: { sync: { toHost: { ingresses: { enabled: true } } } },
};

/** A started hosts service with one helm-job host `eu` on the simulator. */
export function startHostsService(sim: HostSimulator) {
  const hosts = new DefaultNestedClustersHostsService({
    config: readNestedClustersConfig(
      new ConfigReader({
        nestedClusters: {
          hosts: [hostConfig({ name: 'eu', sim, installer: 'helm-job' })],
          profiles: [SANDBOX_PROFILE],
        },
      }),
    ),
    logger: mockServices.logger.mock(),
  });
  hosts.start();
  return hosts;
}

/** mockServices.scheduler() returns a MockSchedulerService, whose type is not exported. */
type MockScheduler = SchedulerService & {
  factory(options?: {
    skipTaskRunOnStartup?: boolean;
  }): ServiceFactory<SchedulerService, 'plugin', 'singleton'>;
};

/** A host of the test backend: a simulator, or raw `nestedClusters.hosts[]` config. */
export type TestHost = HostEntry | { config: JsonObject };

export interface Harness {
  server: ReturnType<typeof request>;
  scheduler: MockScheduler;
  logs: CapturingLogger;
  stop(): Promise<void>;
}

/** The real backend: this plugin, the permission backend with the example policy, mock auth. */
export async function startBackend(options: {
  hosts: TestHost[];
  limits?: { clustersPerOwner: number };
  logs?: CapturingLogger;
}): Promise<Harness> {
  const entities = exampleEntities();
  const logs = options.logs ?? new CapturingLogger();
  const scheduler = mockServices.scheduler() as MockScheduler;
  const backend = await startTestBackend({
    features: [
      nestedClustersPlugin,
      permissionBackend,
      nestedClustersExamplePolicyModule,
      catalogServiceMock.factory({ entities }),
      userInfoFromOrg(entities),
      authKeepingActor(),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logs,
      }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          nestedClusters: {
            hosts: options.hosts.map(h =>
              'config' in h ? h.config : hostConfig(h),
            ),
            profiles: [SANDBOX_PROFILE],
            limits: options.limits ?? { clustersPerOwner: 10 },
          },
        },
      }),
    ],
  });
  return {
    server: request(backend.server),
    scheduler,
    logs,
    stop: () => backend.stop(),
  };
}

export const USERS = {
  guest: mockCredentials.user.header('user:default/guest'),
  bob: mockCredentials.user.header('user:default/bob'),
  carol: mockCredentials.user.header('user:default/carol'),
};

/** Retries an assertion until it passes or the timeout is reached. */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

export type AdminClients = ReturnType<typeof adminClients>;

/** Direct access to a host through client-node, as its admin would have. */
export function adminClients(host: HostSimulator | KubeConfig) {
  let kc: KubeConfig;
  if (host instanceof KubeConfig) {
    kc = host;
  } else {
    kc = new KubeConfig();
    kc.loadFromString(host.kubeconfig());
  }
  return {
    kubeConfig: kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}
