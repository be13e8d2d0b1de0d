import { InputError, NotFoundError } from '@backstage/errors';
import {
  HostSummary,
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
  normalizeEntityRef,
  ProfileSummary,
  UsageResponse,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  addonSummary,
  Host,
  hoursInWindow,
  NestedClustersHostsService,
  nextSleepEvent,
} from '@nested-clusters/plugin-nested-clusters-node';
import { AddonStatusTracker } from './AddonStatusTracker';
import { Clock } from './clock';
import { usageReport } from './UsageReport';

/** A create submits its installer within seconds; one stuck this long was cut off. */
const ABANDONED_CREATE_AFTER_MS = 10 * 60_000;

/**
 * What the API reads: hosts, profiles and clusters, all from the hosts'
 * watch cache and configuration, never from a host's API directly.
 */
export class ClusterQueries {
  constructor(
    private readonly hosts: NestedClustersHostsService,
    /** Adds the add-ons' phases to clusters; without it they stay as recorded at creation. */
    private readonly addons?: AddonStatusTracker,
    /** The time a sleep schedule's next event is counted from. */
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  listHosts(): HostSummary[] {
    return this.hosts.hosts().map(({ config, cache }) => {
      const health = cache.health();
      return {
        name: config.name,
        title: config.title ?? config.name,
        installer: config.installer,
        healthy: health.healthy,
        ...(health.message ? { message: health.message } : {}),
        ...(health.lastSyncAt ? { lastSyncAt: health.lastSyncAt } : {}),
        clusterCount: cache.count(),
        maxClusters: config.maxClusters,
        unmanaged: cache.unmanaged(),
      };
    });
  }

  listProfiles(): ProfileSummary[] {
    return this.hosts.config.profiles.map(p => ({
      name: p.name,
      title: p.title ?? p.name,
      ...(p.description ? { description: p.description } : {}),
      kubernetesVersion: p.kubernetesVersion,
      chartVersion: p.chartVersion,
      ttl: p.ttl,
      maxTtl: p.maxTtl,
      addons: p.addons.map(addonSummary),
      ...(p.sleep ? { sleep: p.sleep } : {}),
    }));
  }

  /** The cached clusters matching the query, without the read-time fields. */
  async listClusters(query: ListClustersQuery): Promise<ListClustersResponse> {
    if (query.host) {
      this.knownHost(query.host, 'host');
    }
    const { items, hostErrors } = await this.hosts.listClusters({
      host: query.host,
      component:
        query.entityRef &&
        normalizeEntityRef(query.entityRef, { field: 'entityRef' }),
      owner:
        query.owner &&
        normalizeEntityRef(query.owner, {
          field: 'owner',
          defaultKind: 'group',
        }),
    });
    const search = query.search?.toLowerCase();
    return {
      items: items.filter(
        c =>
          (!query.status || c.status === query.status) &&
          (!search || c.name.toLowerCase().includes(search)),
      ),
      hostErrors,
    };
  }

  /** A cluster from the cache, or NotFoundError; 503 when its host is down. */
  async getCluster(host: string, name: string): Promise<NestedCluster> {
    const cluster = await this.hosts.getCluster(host, name);
    if (!cluster) {
      throw new NotFoundError(
        `No nested cluster named "${name}" on host "${host}"`,
      );
    }
    return this.withReadTimeFields(cluster);
  }

  /**
   * Adds what is counted when a cluster is read (add-on phases, the sleep
   * schedule's next event, hours of the last 7 days). Lists add it only to
   * the page they return, so a large fleet costs no work per cached cluster.
   */
  withReadTimeFields(cluster: NestedCluster): NestedCluster {
    return this.withHours(
      this.withNextSleep(
        this.addons ? this.addons.withAddons(cluster) : cluster,
      ),
    );
  }

  /** Hours running and paused of the last 7 days, counted at read time. */
  private withHours(cluster: NestedCluster): NestedCluster {
    return { ...cluster, hours: hoursInWindow(cluster, this.clock.now()) };
  }

  /** The schedule's next event, counted at read time (the cache holds no times to come). */
  private withNextSleep(cluster: NestedCluster): NestedCluster {
    const next =
      cluster.sleep && nextSleepEvent(cluster.sleep, this.clock.now());
    return next
      ? {
          ...cluster,
          sleep: {
            ...cluster.sleep!,
            next: { action: next.action, at: next.at.toISOString() },
          },
        }
      : cluster;
  }

  /** Per owner: requests, usage, hours, limits and saving of these clusters. */
  usage(readable: ListClustersResponse): UsageResponse {
    return usageReport(this.hosts.config, readable);
  }

  /** Clusters whose expires-at has passed, on hosts that can be reached. */
  async expiredClusters(now: Date): Promise<NestedCluster[]> {
    const { items } = await this.hosts.listClusters();
    return items.filter(
      c =>
        c.status !== 'Deleting' &&
        c.status !== 'Unknown' &&
        c.expiresAt !== '' &&
        Date.parse(c.expiresAt) <= now.getTime(),
    );
  }

  /**
   * Creates cut off after the namespace but before the installer (a host
   * outage or a backend restart mid-create): no request will finish or roll
   * them back, so the expiry task removes them.
   */
  async abandonedCreates(now: Date): Promise<NestedCluster[]> {
    const { items } = await this.hosts.listClusters();
    return items.filter(
      c =>
        c.status === 'Provisioning' &&
        c.progress?.completedSteps === 0 &&
        now.getTime() - Date.parse(c.createdAt) > ABANDONED_CREATE_AFTER_MS,
    );
  }

  /** A configured host, or an InputError naming the field and the known hosts. */
  knownHost(name: string, field: string): Host {
    try {
      return this.hosts.host(name);
    } catch {
      throw new InputError(
        `${field}: unknown host "${name}"; known hosts: ${
          this.hosts
            .hosts()
            .map(h => h.config.name)
            .join(', ') || 'none'
        }`,
      );
    }
  }
}
