/*
 * The reliability tests' harness: real host simulators, the real plugin in a
 * test backend, and an independent view of each host through
 * @kubernetes/client-node to check for lost, duplicated or orphaned objects.
 */
import {
  AuditorService,
  BackendFeature,
  coreServices,
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  HostSimulator,
  InstallerDelays,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  ListClustersResponse,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { readNestedClustersConfig } from '@nested-clusters/plugin-nested-clusters-node';
import {
  DefaultNestedClustersHostsService,
  nestedClustersHostsServiceRef,
} from '@nested-clusters/plugin-nested-clusters-node';
import { MANAGED_SELECTOR } from '@nested-clusters/plugin-nested-clusters-node';
import nestedClustersPlugin from '../..';
import nestedClustersExamplePolicyModule from '@nested-clusters/plugin-permission-backend-module-nested-clusters';
import {
  adminClients,
  authKeepingActor,
  CapturingLogger,
  exampleEntities,
  userInfoFromOrg,
} from '@nested-clusters/test-harness';
import {
  NAMESPACE_PREFIX,
  nestedClustersConfig,
  SimulatedHost,
} from '../fixtures';

/** Member of team-a in the example org; creates (and so owns) the clusters. */
export const USER = 'user:default/guest';

/** Short installer timeline, so a cluster is Running within about a second. */
export const FAST_DELAYS: Partial<InstallerDelays> = {
  helmInstallMs: 50,
  podReadyMs: 50,
  kubeconfigMs: 20,
  podTerminateMs: 20,
  uninstallMs: 30,
  jobRunMs: 30,
};

export interface Sim extends SimulatedHost {
  sim: HostSimulator;
}

export async function startSims(
  names: string[],
  delays: Partial<InstallerDelays> = FAST_DELAYS,
): Promise<Sim[]> {
  return Promise.all(
    names.map(async name => {
      const sim = await startHostSimulator({ delays, bookmarkIntervalMs: 500 });
      return { name, url: sim.url, token: sim.token, caPem: sim.caPem, sim };
    }),
  );
}

export interface AuditRecord {
  eventId: string;
  meta?: JsonObject;
  outcome: 'pending' | 'success' | 'failure';
}

/** Collects the plugin's audit events (of every backend that shares it). */
export class AuditLog {
  readonly events: AuditRecord[] = [];

  factory(): ServiceFactory {
    return createServiceFactory({
      service: coreServices.auditor,
      deps: {},
      factory: (): AuditorService => ({
        createEvent: async options => {
          const record: AuditRecord = {
            eventId: options.eventId,
            meta: options.meta,
            outcome: 'pending',
          };
          this.events.push(record);
          return {
            success: async () => {
              record.outcome = 'success';
            },
            fail: async () => {
              record.outcome = 'failure';
            },
          };
        },
      }),
    });
  }

  succeeded(eventId: string): AuditRecord[] {
    return this.events.filter(
      e => e.eventId === eventId && e.outcome === 'success',
    );
  }
}

/** Installs take well under a second here; a hung one fails after this. */
export const INSTALL_TIMEOUT_MS = 5_000;

/**
 * The real hosts service with test-sized backoff and install timeout: a host that comes back is
 * re-watched within half a second instead of up to 30 s.
 */
export const fastHostsServiceFactory = createServiceFactory({
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

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** The REST API over real HTTP, as the guest user (or another one). */
export class PortalApi {
  constructor(readonly baseUrl: string, readonly user: string = USER) {}

  as(user: string): PortalApi {
    return new PortalApi(this.baseUrl, user);
  }

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: mockCredentials.user.header(this.user),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // YAML or empty bodies stay text.
    }
    return { status: res.status, body: parsed as T, text };
  }

  create(name: string, host: string, extra: Record<string, unknown> = {}) {
    return this.call<NestedCluster>('POST', '/clusters', {
      name,
      host,
      profile: 'sandbox',
      ...extra,
    });
  }

  async list(query = ''): Promise<ListClustersResponse> {
    const answer = await this.call<ListClustersResponse>(
      'GET',
      `/clusters${query}`,
    );
    if (answer.status !== 200) {
      throw new Error(`GET /clusters${query}: ${answer.status} ${answer.text}`);
    }
    return answer.body;
  }

  get(host: string, name: string) {
    return this.call<NestedCluster>('GET', `/clusters/${host}/${name}`);
  }

  action(host: string, name: string, action: 'pause' | 'resume') {
    return this.call<NestedCluster>(
      'POST',
      `/clusters/${host}/${name}/${action}`,
    );
  }

  delete(host: string, name: string) {
    return this.call('DELETE', `/clusters/${host}/${name}`);
  }
}

export interface Portal {
  backend: TestBackend;
  api: PortalApi;
  logs: CapturingLogger;
  stop(): Promise<void>;
}

export interface StartPortalOptions {
  sims: SimulatedHost[];
  audit?: AuditLog;
  /** Extra root config, e.g. `backend.database`. */
  config?: JsonObject;
  /** Default: the mock scheduler, which runs no task unless triggered. */
  scheduler?: ServiceFactory;
  /** Extra features, e.g. a module that captures a plugin-scoped service. */
  features?: BackendFeature[];
  limits?: { maxClusters?: number; clustersPerOwner?: number };
}

/**
 * Starts the real plugin on a test backend as the plugin's own tests do
 * (permission backend with the example policy, example org), watching the
 * given hosts with test-sized backoff and recording audit events.
 */
export async function startPortal(
  options: StartPortalOptions,
): Promise<Portal> {
  const entities = exampleEntities();
  const logs = new CapturingLogger();
  const backend = await startTestBackend({
    features: [
      nestedClustersPlugin,
      permissionBackend,
      nestedClustersExamplePolicyModule,
      catalogServiceMock.factory({ entities }),
      userInfoFromOrg(entities),
      authKeepingActor(),
      fastHostsServiceFactory,
      (options.audit ?? new AuditLog()).factory(),
      options.scheduler ?? mockServices.scheduler.factory(),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logs,
      }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          permission: { enabled: true },
          nestedClusters: nestedClustersConfig(options.sims, options.limits),
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const api = new PortalApi(
    `http://127.0.0.1:${backend.server.port()}/api/nested-clusters`,
  );
  return { backend, api, logs, stop: () => backend.stop() };
}

/**
 * An error answer is clear when it is a 4xx or a 503, in Backstage's error
 * shape, with a message (naming the host for a 503) and no stack trace.
 */
export function clearError(
  answer: ApiAnswer,
  host?: string,
): string | undefined {
  const body = answer.body as {
    error?: { name?: string; message?: string; stack?: string };
  };
  const problems: string[] = [];
  if (!(answer.status >= 400 && answer.status < 500) && answer.status !== 503) {
    problems.push(`status ${answer.status}`);
  }
  if (!body?.error?.message) {
    problems.push('no error message');
  }
  if (body?.error?.stack || /\n\s+at /.test(answer.text)) {
    problems.push('a stack trace');
  }
  if (answer.status === 503 && host && !body?.error?.message?.includes(host)) {
    problems.push(`a 503 not naming host "${host}"`);
  }
  return problems.length
    ? `${problems.join(', ')}: ${answer.text.slice(0, 300)}`
    : undefined;
}

/** An independent look at a host through client-node: our namespaces and what is in them. */
export class HostInspector {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly rbac: RbacAuthorizationV1Api;

  constructor(sim: HostSimulator) {
    const { kubeConfig, core, apps } = adminClients(sim);
    this.core = core;
    this.apps = apps;
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  }

  /** Names of the nested clusters whose namespaces exist (terminating or not). */
  async clusterNamespaces(): Promise<string[]> {
    const list = await this.core.listNamespace({
      labelSelector: MANAGED_SELECTOR,
    });
    return list.items
      .map(n => n.metadata!.name!)
      .filter(n => n.startsWith(NAMESPACE_PREFIX))
      .sort();
  }

  /** Every namespaced object in a cluster-prefixed namespace, as kind/namespace/name. */
  async objects(): Promise<string[]> {
    const lists = await Promise.all([
      this.core.listPodForAllNamespaces().then(l => ['Pod', l.items] as const),
      this.core
        .listSecretForAllNamespaces()
        .then(l => ['Secret', l.items] as const),
      this.core
        .listConfigMapForAllNamespaces()
        .then(l => ['ConfigMap', l.items] as const),
      this.core
        .listServiceForAllNamespaces()
        .then(l => ['Service', l.items] as const),
      this.core
        .listServiceAccountForAllNamespaces()
        .then(l => ['ServiceAccount', l.items] as const),
      this.core
        .listPersistentVolumeClaimForAllNamespaces()
        .then(l => ['PersistentVolumeClaim', l.items] as const),
      this.apps
        .listStatefulSetForAllNamespaces()
        .then(l => ['StatefulSet', l.items] as const),
      this.batch.listJobForAllNamespaces().then(l => ['Job', l.items] as const),
      this.rbac
        .listRoleForAllNamespaces()
        .then(l => ['Role', l.items] as const),
      this.rbac
        .listRoleBindingForAllNamespaces()
        .then(l => ['RoleBinding', l.items] as const),
    ]);
    return lists
      .flatMap(([kind, items]) =>
        (
          items as Array<{ metadata?: { namespace?: string; name?: string } }>
        ).map(o => `${kind}/${o.metadata?.namespace}/${o.metadata?.name}`),
      )
      .filter(key => key.split('/')[1].startsWith(NAMESPACE_PREFIX))
      .sort();
  }

  /** Objects whose namespace is gone or is no nested cluster's namespace. */
  async orphans(): Promise<string[]> {
    const namespaces = new Set(await this.clusterNamespaces());
    return (await this.objects()).filter(
      key => !namespaces.has(key.split('/')[1]),
    );
  }
}

/**
 * The API and the hosts agree: every nested-cluster namespace on a host is
 * listed exactly once (nothing orphaned or hidden), nothing is listed that has
 * no namespace (nothing phantom), no host errors, and no object outside a
 * cluster namespace.
 */
export async function consistency(
  api: PortalApi,
  sims: Sim[],
): Promise<string | undefined> {
  const { items, hostErrors } = await api.list();
  if (hostErrors.length) {
    return `host errors: ${JSON.stringify(hostErrors)}`;
  }
  const listed = items.map(c => `${c.host}/${c.namespace}`).sort();
  if (new Set(listed).size !== listed.length) {
    return `duplicates in the list: ${listed.join(', ')}`;
  }
  const onHosts: string[] = [];
  for (const s of sims) {
    const inspector = new HostInspector(s.sim);
    onHosts.push(
      ...(await inspector.clusterNamespaces()).map(n => `${s.name}/${n}`),
    );
    const orphans = await inspector.orphans();
    if (orphans.length) {
      return `orphaned objects on ${s.name}: ${orphans.join(', ')}`;
    }
  }
  onHosts.sort();
  if (listed.join() !== onHosts.join()) {
    return `API lists [${listed.join(', ')}] but the hosts have [${onHosts.join(
      ', ',
    )}]`;
  }
  return undefined;
}
