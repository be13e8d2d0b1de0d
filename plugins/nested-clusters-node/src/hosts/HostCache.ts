import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NestedCluster,
  UnmanagedVcluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { isDeepStrictEqual } from 'node:util';
import { HostConfig } from '../config';
import { Installer } from '../installers';
import { HostClient } from './HostClient';
import { KubeconfigSecretRecord, kubeconfigSecrets } from './kubeconfigSecrets';
import { describeCluster } from './describeCluster';
import {
  ANNOTATIONS,
  InstallerRecord,
  NamespaceRecord,
  PodRecord,
  StatefulSetRecord,
  SyncedPodRecord,
} from './records';
import { namespaces, pods, statefulSets, syncedPods } from './resources';
import { addResources, NO_RESOURCES } from '../usage';
import { Backoff, ResourceWatcher } from './ResourceWatcher';
import { DerivedStatus, deriveStatus } from './status';
import { UnmanagedVclusters } from './unmanaged';

export interface HostHealth {
  healthy: boolean;
  /** Never contains credentials: a host error's status message only. */
  message?: string;
  /** True once every watched kind has been listed. */
  synced: boolean;
  lastSyncAt?: string;
}

export type ClusterChange =
  | {
      type: 'upsert';
      cluster: NestedCluster;
      previous?: NestedCluster;
      /** The namespace records that the installer's install-time rights are gone. */
      installerAccessRemoved: boolean;
    }
  | { type: 'removed'; cluster: NestedCluster };

/**
 * The watch-based cache of one host: namespaces of nested clusters, vcluster
 * StatefulSets and pods, and the installer's objects. Clusters are re-derived
 * per namespace on every event, and changes are reported to the listener.
 */
export class HostCache {
  private readonly namespaceWatcher: ResourceWatcher<NamespaceRecord>;
  private readonly stsWatcher: ResourceWatcher<StatefulSetRecord>;
  private readonly podWatcher: ResourceWatcher<PodRecord>;
  private readonly syncedPodWatcher: ResourceWatcher<SyncedPodRecord>;
  private readonly installerWatcher: ResourceWatcher<InstallerRecord>;
  private readonly watchers: ResourceWatcher<unknown>[];
  private readonly clusters = new Map<string, NestedCluster>();
  private readonly secretWatcher: ResourceWatcher<KubeconfigSecretRecord>;
  private readonly unmanagedVclusters: UnmanagedVclusters;
  private readonly installDeadlines = new Map<string, NodeJS.Timeout>();
  private readonly kubeconfigSecret: (cluster: string) => string;
  private syncWaiters: Array<() => void> = [];
  private firstSyncDone = false;

  constructor(
    private readonly host: HostConfig,
    client: HostClient,
    installer: Installer,
    backoff: Backoff,
    logger: LoggerService,
    private readonly onChange: (change: ClusterChange) => void,
    /** A cluster still Provisioning this long after creation is Failed. */
    private readonly installTimeoutMs: number,
  ) {
    const watcher = <T>(
      resource: ConstructorParameters<typeof ResourceWatcher<T>>[0],
    ) =>
      new ResourceWatcher<T>(
        resource,
        client.watch,
        backoff,
        logger,
        changed => this.refresh(changed),
        () => this.healthChanged(),
      );
    this.namespaceWatcher = watcher(namespaces(client));
    this.stsWatcher = watcher(statefulSets(client));
    // Looked up by namespace: a cluster's pods and its installer object.
    this.podWatcher = watcher({ ...pods(client), groupedByNamespace: true });
    this.syncedPodWatcher = watcher({
      ...syncedPods(client),
      groupedByNamespace: true,
    });
    this.installerWatcher = watcher({
      ...installer.watchedResource(client),
      groupedByNamespace: true,
    });
    this.secretWatcher = watcher(kubeconfigSecrets(client, installer));
    this.watchers = [
      this.namespaceWatcher,
      this.stsWatcher,
      this.podWatcher,
      this.syncedPodWatcher,
      this.installerWatcher,
      this.secretWatcher,
    ];
    this.kubeconfigSecret = name => installer.kubeconfigSecret(name).name;
    this.unmanagedVclusters = new UnmanagedVclusters(client, backoff, logger, {
      namespaces: this.namespaceWatcher.items,
      statefulSets: this.stsWatcher.items,
      pods: this.podWatcher.byNamespace,
    });
  }

  start(): void {
    this.watchers.forEach(w => w.start());
    this.unmanagedVclusters.start();
  }

  stop(): void {
    this.watchers.forEach(w => w.stop());
    this.unmanagedVclusters.stop();
    this.installDeadlines.forEach(timer => clearTimeout(timer));
    this.installDeadlines.clear();
    this.healthChanged();
  }

  /** Retries a failing host now instead of after its backoff. */
  retryNow(): void {
    this.watchers.forEach(w => w.wake());
  }

  health(): HostHealth {
    const message = this.unreachable();
    const synced = this.watchers.every(w => w.synced);
    const lastSync = this.watchers
      .map(w => w.lastSyncAt?.getTime())
      .filter((t): t is number => t !== undefined);
    return {
      healthy: synced && !message,
      synced,
      message,
      lastSyncAt: lastSync.length
        ? new Date(Math.min(...lastSync)).toISOString()
        : undefined,
    };
  }

  /**
   * Resolves once every kind, kubeconfig Secrets included, was listed (or
   * one failed), or after timeoutMs; at once later on.
   * A backend that just started thus answers with settled statuses.
   */
  async waitForFirstSync(timeoutMs: number): Promise<void> {
    if (this.firstSyncDone) {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>(resolve => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const synced = (async () => {
      if (!this.settled()) {
        await new Promise<void>(resolve => this.syncWaiters.push(resolve));
      }
      this.firstSyncDone = true;
    })();
    await Promise.race([synced, timeout]);
    clearTimeout(timer);
  }

  list(): NestedCluster[] {
    return [...this.clusters.values()];
  }

  get(name: string): NestedCluster | undefined {
    return this.clusters.get(this.namespaceOf(name));
  }

  count(): number {
    return this.clusters.size;
  }

  /** vclusters on this host that the plugin did not create (read-only). */
  unmanaged(): UnmanagedVcluster[] {
    return this.unmanagedVclusters.list(this.health().healthy);
  }

  namespaceOf(name: string): string {
    return `${this.host.namespacePrefix}${name}`;
  }

  /** Whether the first sync has ended (or timed out): reads no longer wait for it. */
  get firstSynced(): boolean {
    return this.firstSyncDone;
  }

  /**
   * Why reads of this host cannot be trusted now (unreachable, or not listed
   * yet), or undefined; cheaper than health() for a check on every read.
   */
  problem(): string | undefined {
    return (
      this.unreachable() ??
      (this.watchers.every(w => w.synced)
        ? undefined
        : `host "${this.host.name}" is not synced yet`)
    );
  }

  /** Why the host is unreachable, while one of its watches fails. */
  private unreachable(): string | undefined {
    const failing = this.watchers.find(w => w.error !== undefined);
    return failing
      ? `host "${this.host.name}" is unreachable: ${failing.error}`
      : undefined;
  }

  private settled(): boolean {
    return this.watchers.every(w => w.synced || w.error !== undefined);
  }

  private healthChanged(): void {
    if (this.settled()) {
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      waiters.forEach(w => w());
    }
    // Health is part of every cluster's view (Unknown while unreachable).
    this.refresh('all');
  }

  private refresh(changed: Set<string> | 'all'): void {
    // Until every kind was listed (or failed) a derived status would be a
    // guess; the last one to settle derives them all at once.
    if (!this.settled()) {
      return;
    }
    const keys =
      changed === 'all'
        ? new Set([
            ...this.clusters.keys(),
            ...[...this.namespaceWatcher.items.values()].map(n => n.name),
          ])
        : changed;
    for (const namespace of keys) {
      this.recompute(namespace);
    }
  }

  private recompute(namespace: string): void {
    const previous = this.clusters.get(namespace);
    const ns = this.namespaceWatcher.items.get(namespace);
    // Ignore namespaces that merely carry our label but not our prefix.
    if (!ns || !namespace.startsWith(this.host.namespacePrefix)) {
      clearTimeout(this.installDeadlines.get(namespace));
      this.installDeadlines.delete(namespace);
      if (previous) {
        this.clusters.delete(namespace);
        this.onChange({ type: 'removed', cluster: previous });
      }
      return;
    }
    const cluster = this.toCluster(ns);
    if (!previous || !isDeepStrictEqual(previous, cluster)) {
      this.clusters.set(namespace, cluster);
      this.onChange({
        type: 'upsert',
        cluster,
        previous,
        installerAccessRemoved:
          ANNOTATIONS.installerAccessRemoved in ns.annotations,
      });
    }
  }

  /**
   * Whether the install timeout has passed for this cluster; until it has, a
   * timer re-derives the cluster when it does (no host event would).
   */
  private installTimedOut(ns: NamespaceRecord): boolean {
    const remaining =
      Date.parse(ns.createdAt) + this.installTimeoutMs - Date.now();
    if (remaining <= 0) {
      return true;
    }
    if (!this.installDeadlines.has(ns.name)) {
      const timer = setTimeout(() => {
        this.installDeadlines.delete(ns.name);
        this.recompute(ns.name);
      }, remaining);
      timer.unref();
      this.installDeadlines.set(ns.name, timer);
    }
    return false;
  }

  private toCluster(ns: NamespaceRecord): NestedCluster {
    const name = ns.clusterName;
    const sts = this.stsWatcher.items.get(`${ns.name}/${name}`);
    // One vcluster per namespace, so the namespace's installer object is ours.
    const installer = first(this.installerWatcher.byNamespace.get(ns.name));
    const clusterPods = [
      ...(this.podWatcher.byNamespace.get(ns.name)?.values() ?? []),
    ].filter(p => p.release === name);
    const unreachable = this.unreachable();
    let derived: DerivedStatus = unreachable
      ? { status: 'Unknown' as const, statusMessage: unreachable }
      : deriveStatus({
          namespace: ns,
          installer,
          statefulSet: sts,
          pods: clusterPods,
          kubeconfigReady: () =>
            this.secretWatcher.items.has(
              `${ns.name}/${this.kubeconfigSecret(name)}`,
            ),
        });
    if (derived.status === 'Provisioning' && this.installTimedOut(ns)) {
      derived = {
        status: 'Failed',
        statusMessage: `the installation did not finish within ${formatMs(
          this.installTimeoutMs,
        )}${derived.progress ? ` (stuck at: ${derived.progress.step})` : ''}`,
      };
    }
    const synced = [
      ...(this.syncedPodWatcher.byNamespace.get(ns.name)?.values() ?? []),
    ].filter(p => p.release === name);
    return describeCluster({
      host: this.host.name,
      installer: this.host.installer,
      namespace: ns,
      derived,
      statefulSet: sts,
      // Requests on the host: the control plane's pods and the synced ones.
      usage: {
        ...[
          ...clusterPods.map(p => ({
            cpuMillicores: p.cpuMillicores ?? 0,
            memoryBytes: p.memoryBytes ?? 0,
          })),
          ...synced,
        ].reduce(addResources, NO_RESOURCES),
        pods: synced.length,
      },
    });
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

function first<T>(records: Map<string, T> | undefined): T | undefined {
  return records?.values().next().value;
}
