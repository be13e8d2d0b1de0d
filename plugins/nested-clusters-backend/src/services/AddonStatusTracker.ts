import { LoggerService } from '@backstage/backend-plugin-api';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  AddonPhase,
  AddonStatus,
  AddonSummary,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  NestedClusterEvent,
  NestedClustersHostsService,
} from '@nested-clusters/plugin-nested-clusters-node';

/**
 * Where vcluster's deploy controller records what it deployed inside the
 * virtual cluster (pkg/controllers/deploy/deploy.go VClusterDeployConfigMap,
 * StatusKey; its JSON is types.go Status).
 */
export const DEPLOY_CONFIGMAP = {
  namespace: 'kube-system',
  name: 'vcluster-deploy',
};
export const DEPLOY_STATUS_ANNOTATION = 'vcluster.loft.sh/status';

interface PhaseReport {
  phase?: string;
  reason?: string;
  message?: string;
}

/** The annotation's JSON (types.go Status). */
export interface DeployStatus extends PhaseReport {
  charts?: Array<PhaseReport & { name?: string; namespace?: string }>;
  manifests?: PhaseReport;
}

const PHASES: readonly AddonPhase[] = ['Pending', 'Success', 'Failed'];

function phaseOf(
  report: PhaseReport | undefined,
): Omit<AddonStatus, keyof AddonSummary> {
  const phase = PHASES.find(p => p === report?.phase) ?? 'Pending';
  if (phase !== 'Failed') {
    return { phase };
  }
  return {
    phase,
    ...(report?.reason ? { reason: report.reason } : {}),
    ...(report?.message ? { message: report.message } : {}),
  };
}

/**
 * Each add-on's phase from the deploy status: manifests add-ons share the
 * manifests' phase (vcluster applies them as one), a chart add-on has its
 * release's entry, and what is not reported yet is Pending.
 */
export function addonPhases(
  addons: AddonSummary[],
  status: DeployStatus | undefined,
): AddonStatus[] {
  return addons.map(addon => {
    if (addon.type === 'manifests') {
      return { ...addon, ...phaseOf(status?.manifests) };
    }
    const chart = status?.charts?.find(
      c =>
        c.name === addon.release?.name &&
        c.namespace === addon.release?.namespace,
    );
    return { ...addon, ...phaseOf(chart) };
  });
}

interface Entry {
  addons?: AddonStatus[];
  timer?: NodeJS.Timeout;
  intervalMs: number;
  reading: boolean;
}

export interface AddonStatusTrackerOptions {
  hosts: NestedClustersHostsService;
  logger: LoggerService;
  /** Wait before re-reading a cluster whose add-ons are not all ready; it doubles up to maxIntervalMs. */
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  /** Told when a cluster's add-on phases change: they come from no host event. */
  onChange?: (cluster: NestedCluster) => void;
}

/**
 * The add-on status of running clusters, read server-side through each
 * nested cluster's API with its admin credential and cached. A cluster is
 * read when it becomes Running (or is first asked for), then again with a
 * growing interval only while some add-on is not ready; a change of the
 * status shortens the interval again. Requests never trigger a read of
 * their own.
 */
export class AddonStatusTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly hosts: NestedClustersHostsService;
  private readonly logger: LoggerService;
  private readonly initialIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly unsubscribe: () => void;
  private readonly onChange: (cluster: NestedCluster) => void;

  constructor(options: AddonStatusTrackerOptions) {
    this.hosts = options.hosts;
    this.logger = options.logger;
    this.onChange = options.onChange ?? (() => {});
    this.initialIntervalMs = options.initialIntervalMs ?? 1_000;
    this.maxIntervalMs = options.maxIntervalMs ?? 30_000;
    this.unsubscribe = this.hosts.subscribe(event => this.onEvent(event));
  }

  /** The cluster with its add-ons' latest known phases (Pending until read). */
  withAddons(cluster: NestedCluster): NestedCluster {
    if (!cluster.addons?.length) {
      return cluster;
    }
    const key = keyOf(cluster);
    let entry = this.entries.get(key);
    if (!entry && cluster.status === 'Running') {
      entry = this.track(key);
      void this.read(key, cluster);
    }
    return entry?.addons ? { ...cluster, addons: entry.addons } : cluster;
  }

  stop(): void {
    this.unsubscribe();
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
    }
    this.entries.clear();
  }

  private onEvent(event: NestedClusterEvent): void {
    const { cluster } = event;
    const key = keyOf(cluster);
    if (event.type === 'removed') {
      clearTimeout(this.entries.get(key)?.timer);
      this.entries.delete(key);
      return;
    }
    const becameRunning =
      cluster.status === 'Running' &&
      (event.type === 'added' || event.previous.status !== 'Running');
    if (becameRunning && cluster.addons?.length) {
      // Started (or resumed): the deploy controller runs again.
      const entry = this.entries.get(key) ?? this.track(key);
      entry.intervalMs = this.initialIntervalMs;
      void this.read(key, cluster);
    }
  }

  private track(key: string): Entry {
    const entry: Entry = { intervalMs: this.initialIntervalMs, reading: false };
    this.entries.set(key, entry);
    return entry;
  }

  private async read(key: string, cluster: NestedCluster): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || entry.reading) {
      return;
    }
    entry.reading = true;
    clearTimeout(entry.timer);
    let addons: AddonStatus[] | undefined;
    try {
      addons = addonPhases(
        cluster.addons ?? [],
        await this.deployStatus(cluster),
      );
    } catch (error) {
      // Never the error itself: client-node's messages can quote the request.
      this.logger.debug(
        `Could not read the add-on status of nested cluster "${
          cluster.name
        }" on host "${cluster.host}": ${
          error instanceof ApiException
            ? `HTTP ${error.code}`
            : 'unreachable or unreadable'
        }`,
      );
    } finally {
      entry.reading = false;
    }
    if (this.entries.get(key) !== entry) {
      return;
    }
    if (addons) {
      const changed = JSON.stringify(addons) !== JSON.stringify(entry.addons);
      entry.addons = addons;
      if (changed) {
        this.onChange(cluster);
      }
      if (addons.every(a => a.phase === 'Success')) {
        return;
      }
      entry.intervalMs = changed
        ? this.initialIntervalMs
        : Math.min(entry.intervalMs * 2, this.maxIntervalMs);
    } else {
      entry.intervalMs = Math.min(entry.intervalMs * 2, this.maxIntervalMs);
    }
    entry.timer = setTimeout(() => {
      void this.refetch(key, cluster);
    }, entry.intervalMs);
    entry.timer.unref();
  }

  /** Re-reads while the cluster is still Running; a paused one waits for its resume event. */
  private async refetch(key: string, previous: NestedCluster): Promise<void> {
    const cluster = await this.hosts
      .getCluster(previous.host, previous.name)
      .catch(() => previous);
    if (cluster?.status === 'Running') {
      await this.read(key, cluster);
    }
  }

  /** ConfigMap kube-system/vcluster-deploy inside the nested cluster; undefined until the controller wrote it. */
  private async deployStatus(
    cluster: NestedCluster,
  ): Promise<DeployStatus | undefined> {
    const kc = new KubeConfig();
    try {
      kc.loadFromString(await this.hosts.adminKubeconfig(cluster));
    } catch {
      throw new Error('the admin kubeconfig is not available');
    }
    try {
      const configMap = await kc
        .makeApiClient(CoreV1Api)
        .readNamespacedConfigMap(DEPLOY_CONFIGMAP);
      const raw = configMap.metadata?.annotations?.[DEPLOY_STATUS_ANNOTATION];
      return raw ? (JSON.parse(raw) as DeployStatus) : undefined;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) {
        return undefined;
      }
      throw error;
    }
  }
}

function keyOf(cluster: NestedCluster): string {
  return `${cluster.host}/${cluster.name}`;
}
