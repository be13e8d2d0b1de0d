import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  HostError,
  NestedCluster,
  parseDuration,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  HostConfig,
  NestedClustersConfig,
  readNestedClustersConfig,
} from '../config';
import {
  createInstaller,
  Installer,
  InstallerFactory,
  isUnregistered,
} from '../installers';
import { ClusterChange, HostCache } from './HostCache';
import { HostClient } from './HostClient';
import { exposureServer } from './exposure';
import { rewriteKubeconfig } from './kubeconfig';
import { ANNOTATIONS } from './records';
import { Backoff } from './ResourceWatcher';

/** A registered host: its config, API client, installer and cache. */
export interface Host {
  readonly config: HostConfig;
  readonly client: HostClient;
  readonly installer: Installer;
  readonly cache: HostCache;
}

/** A change to a nested cluster, for modules that mirror clusters elsewhere. */
export type NestedClusterEvent =
  | { type: 'added'; cluster: NestedCluster }
  | { type: 'changed'; cluster: NestedCluster; previous: NestedCluster }
  | { type: 'removed'; cluster: NestedCluster };

/** The order of every cluster list: by host, then by name; pages follow it. */
export function compareClusters(
  a: { host: string; name: string },
  b: { host: string; name: string },
): number {
  return a.host === b.host
    ? a.name.localeCompare(b.name)
    : a.host.localeCompare(b.host);
}

export interface ClusterQuery {
  host?: string;
  /** Entity ref of the component. */
  component?: string;
  /** Entity ref of the owner. */
  owner?: string;
}

/**
 * The host clusters and their shared watch cache. Root-scoped, so the plugin
 * and modules for other plugins (search, catalog, kubernetes) share one cache.
 */
export interface NestedClustersHostsService {
  /** The validated `nestedClusters` configuration. */
  readonly config: NestedClustersConfig;
  hosts(): Host[];
  /** The host, or NotFoundError naming it. */
  host(name: string): Host;
  /**
   * Clusters from the cache, filtered by host, component or owner through
   * indexes. Hosts that are unreachable are listed in hostErrors.
   */
  listClusters(query?: ClusterQuery): Promise<{
    items: NestedCluster[];
    hostErrors: HostError[];
  }>;
  /** One cluster from the cache; 503 naming the host when it is down. */
  getCluster(host: string, name: string): Promise<NestedCluster | undefined>;
  /**
   * Installer types added by modules through the nested-clusters plugin's
   * installers extension point; hosts configured with them start using them.
   */
  addInstallers(installers: ReadonlyMap<string, InstallerFactory>): void;
  /** Subscribes to cluster changes; returns the unsubscribe function. */
  subscribe(listener: (event: NestedClusterEvent) => void): () => void;
  /**
   * The cluster's admin kubeconfig, pointed at the host's exposure, context
   * `<host>-<name>`. It holds credentials: callers authorize first, and it
   * never goes into logs.
   */
  adminKubeconfig(cluster: NestedCluster): Promise<string>;
}

export interface HostsServiceOptions {
  config: NestedClustersConfig;
  logger: LoggerService;
  backoff?: Backoff;
  /** How long a read waits for a host's first sync. */
  firstSyncTimeoutMs?: number;
  /** Overrides `nestedClusters.installTimeout`, e.g. for tests. */
  installTimeoutMs?: number;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

export class DefaultNestedClustersHostsService
  implements NestedClustersHostsService
{
  readonly config: NestedClustersConfig;
  private readonly byName = new Map<string, Host>();
  private readonly listeners = new Set<(event: NestedClusterEvent) => void>();
  private readonly byComponent = new Map<string, Set<string>>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly firstSyncTimeoutMs: number;
  private readonly logger: LoggerService;
  private readonly options: HostsServiceOptions;
  private started = false;

  constructor(options: HostsServiceOptions) {
    this.options = options;
    this.config = options.config;
    this.logger = options.logger;
    this.firstSyncTimeoutMs = options.firstSyncTimeoutMs ?? 5_000;
    for (const config of options.config.hosts) {
      this.byName.set(
        config.name,
        this.createHost(config, createInstaller(config)),
      );
    }
  }

  private createHost(config: HostConfig, installer: Installer): Host {
    const client = new HostClient(config);
    const cache = new HostCache(
      config,
      client,
      installer,
      this.options.backoff ?? DEFAULT_BACKOFF,
      this.logger.child({ host: config.name }),
      change => this.onChange(change),
      this.options.installTimeoutMs ??
        parseDuration(this.config.installTimeout)!,
    );
    return { config, client, installer, cache };
  }

  addInstallers(installers: ReadonlyMap<string, InstallerFactory>): void {
    for (const host of this.byName.values()) {
      if (
        !isUnregistered(host.installer) ||
        !installers.has(host.config.installer)
      ) {
        continue;
      }
      // The placeholder's cache only ever failed on the installer watch.
      host.cache.stop();
      const ready = this.createHost(
        host.config,
        createInstaller(host.config, installers),
      );
      this.byName.set(host.config.name, ready);
      if (this.started) {
        ready.cache.start();
      }
    }
  }

  start(): void {
    this.started = true;
    for (const host of this.byName.values()) {
      host.cache.start();
    }
    this.logger.info(
      `Watching ${this.byName.size} host(s): ${[...this.byName.keys()].join(
        ', ',
      )}`,
    );
  }

  stop(): void {
    this.started = false;
    for (const host of this.byName.values()) {
      host.cache.stop();
    }
  }

  hosts(): Host[] {
    return [...this.byName.values()];
  }

  host(name: string): Host {
    const host = this.byName.get(name);
    if (!host) {
      throw new NotFoundError(`No host named "${name}"`);
    }
    return host;
  }

  async listClusters(query: ClusterQuery = {}) {
    const hosts = query.host ? [this.host(query.host)] : this.hosts();
    // Every read asks: only hosts still in their first sync cost a wait.
    const syncing = hosts.filter(h => !h.cache.firstSynced);
    if (syncing.length) {
      await Promise.all(
        syncing.map(h => h.cache.waitForFirstSync(this.firstSyncTimeoutMs)),
      );
    }
    const hostErrors: HostError[] = [];
    for (const host of hosts) {
      const problem = host.cache.problem();
      if (problem) {
        hostErrors.push({ host: host.config.name, message: problem });
      }
    }
    const wanted = new Set(hosts.map(h => h.config.name));
    let items: NestedCluster[];
    const sets: Array<Set<string>> = [];
    if (query.component) {
      sets.push(this.byComponent.get(query.component) ?? new Set());
    }
    if (query.owner) {
      sets.push(this.byOwner.get(query.owner) ?? new Set());
    }
    if (sets.length) {
      // Intersect the index hits: O(matches), not O(all clusters).
      const [smallest, ...rest] = sets.sort((a, b) => a.size - b.size);
      items = [...smallest]
        .filter(key => rest.every(s => s.has(key)))
        .map(key => this.byKey(key))
        .filter((c): c is NestedCluster => !!c && wanted.has(c.host));
    } else {
      items = hosts.flatMap(h => h.cache.list());
    }
    items.sort(compareClusters);
    return { items, hostErrors };
  }

  async getCluster(hostName: string, name: string) {
    const host = this.host(hostName);
    await host.cache.waitForFirstSync(this.firstSyncTimeoutMs);
    const problem = host.cache.problem();
    if (problem) {
      throw new ServiceUnavailableError(problem);
    }
    return host.cache.get(name);
  }

  subscribe(listener: (event: NestedClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async adminKubeconfig(cluster: NestedCluster): Promise<string> {
    if (cluster.status === 'Deleting') {
      throw new ConflictError(
        `Nested cluster "${cluster.name}" on host "${cluster.host}" is being deleted`,
      );
    }
    const host = this.host(cluster.host);
    const secret = host.installer.kubeconfigSecret(cluster.name);
    let source: string | undefined;
    try {
      source = await host.client.readSecretKey(
        cluster.namespace,
        secret.name,
        secret.key,
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        throw error;
      }
    }
    if (!source) {
      throw new ConflictError(
        `The kubeconfig of nested cluster "${cluster.name}" on host "${cluster.host}" is not available yet: it is ${cluster.status}`,
      );
    }
    const server = await exposureServer(
      host.config.exposure,
      host.client,
      cluster.name,
      cluster.namespace,
    );
    if (!server) {
      throw new ConflictError(
        `Nested cluster "${cluster.name}" on host "${cluster.host}" has no ${host.config.exposure.type} address yet`,
      );
    }
    return rewriteKubeconfig(source, {
      contextName: `${cluster.host}-${cluster.name}`,
      server,
    });
  }

  /**
   * Deletes what the installer needed only to install, then marks the
   * namespace, so a cold start does not delete it again for every Running
   * cluster (idempotent: every replica may do it).
   */
  private revokeInstallerAccess(cluster: NestedCluster): void {
    const host = this.byName.get(cluster.host);
    const refs = host?.installer.installedRefs?.(cluster.namespace);
    if (!host || !refs?.length) {
      return;
    }
    Promise.all(refs.map(ref => host.client.delete(ref)))
      .then(() =>
        host.client.mergePatch(
          { apiVersion: 'v1', kind: 'Namespace', name: cluster.namespace },
          {
            metadata: {
              annotations: {
                [ANNOTATIONS.installerAccessRemoved]: new Date().toISOString(),
              },
            },
          },
        ),
      )
      .catch(error =>
        this.logger.warn(
          `Could not remove the installer's rights of nested cluster "${
            cluster.name
          }" on host "${cluster.host}": ${(error as Error).message}`,
        ),
      );
  }

  private byKey(key: string): NestedCluster | undefined {
    const [host, name] = key.split('/');
    return this.byName.get(host)?.cache.get(name);
  }

  private onChange(change: ClusterChange): void {
    const { cluster } = change;
    const key = `${cluster.host}/${cluster.name}`;
    const previous = change.type === 'upsert' ? change.previous : cluster;
    if (previous) {
      unindex(this.byComponent, previous.component, key);
      unindex(this.byOwner, previous.owner, key);
    }
    if (
      change.type === 'upsert' &&
      cluster.status === 'Running' &&
      change.previous?.status !== 'Running' &&
      !change.installerAccessRemoved
    ) {
      this.revokeInstallerAccess(cluster);
    }
    let event: NestedClusterEvent;
    if (change.type === 'removed') {
      event = { type: 'removed', cluster };
    } else {
      index(this.byComponent, cluster.component, key);
      index(this.byOwner, cluster.owner, key);
      event = change.previous
        ? { type: 'changed', cluster, previous: change.previous }
        : { type: 'added', cluster };
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`A nested-cluster event listener failed: ${error}`);
      }
    }
  }
}

function index(
  map: Map<string, Set<string>>,
  value: string | undefined,
  key: string,
) {
  if (!value) {
    return;
  }
  let keys = map.get(value);
  if (!keys) {
    keys = new Set();
    map.set(value, keys);
  }
  keys.add(key);
}

function unindex(
  map: Map<string, Set<string>>,
  value: string | undefined,
  key: string,
) {
  if (!value) {
    return;
  }
  const keys = map.get(value);
  keys?.delete(key);
  if (keys?.size === 0) {
    map.delete(value);
  }
}

/**
 * The root-scoped hosts service. Depend on it from modules of other plugins
 * to read nested clusters from the shared cache.
 */
export const nestedClustersHostsServiceRef =
  createServiceRef<NestedClustersHostsService>({
    id: 'nested-clusters.hosts',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          rootConfig: coreServices.rootConfig,
          rootLogger: coreServices.rootLogger,
          rootLifecycle: coreServices.rootLifecycle,
        },
        factory({ rootConfig, rootLogger, rootLifecycle }) {
          const hosts = new DefaultNestedClustersHostsService({
            config: readNestedClustersConfig(rootConfig),
            logger: rootLogger.child({ service: 'nested-clusters-hosts' }),
          });
          hosts.start();
          rootLifecycle.addShutdownHook(() => hosts.stop());
          return hosts;
        },
      }),
  });
