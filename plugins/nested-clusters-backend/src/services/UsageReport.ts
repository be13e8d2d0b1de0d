import {
  ListClustersResponse,
  NestedCluster,
  OwnerUsage,
  toGiB,
  UsageResponse,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  addResources,
  NestedClustersConfig,
  NO_RESOURCES,
} from '@nested-clusters/plugin-nested-clusters-node';
import { clusterRequests } from './ownerLimits';

/**
 * Adds up clusters per owner: what their profiles request (what the limits
 * count), what their pods request now, their hours running and paused, and
 * with `nestedClusters.cost` the estimated saving of the hours paused.
 */
export function usageReport(
  config: Pick<NestedClustersConfig, 'limits' | 'cost' | 'profiles'>,
  { items, hostErrors }: ListClustersResponse,
): UsageResponse {
  const byOwner = new Map<string, NestedCluster[]>();
  for (const cluster of items) {
    const owned = byOwner.get(cluster.owner);
    if (owned) {
      owned.push(cluster);
    } else {
      byOwner.set(cluster.owner, [cluster]);
    }
  }
  const { cost } = config;
  const requestsOf = (c: NestedCluster) =>
    clusterRequests(c.requests, c.profile, config.profiles);
  const owners = [...byOwner.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([owner, clusters]): OwnerUsage => {
      const requests = clusters
        .map(requestsOf)
        .reduce(addResources, NO_RESOURCES);
      const result: OwnerUsage = {
        owner,
        clusters: clusters.length,
        requests,
        usage: clusters
          .map(c => c.usage ?? NO_RESOURCES)
          .reduce(addResources, NO_RESOURCES),
        hours: {
          running: round(
            clusters.reduce((h, c) => h + (c.hours?.running ?? 0), 0),
          ),
          paused: round(
            clusters.reduce((h, c) => h + (c.hours?.paused ?? 0), 0),
          ),
        },
        limits: config.limits.perOwner,
      };
      if (cost) {
        // A paused cluster does not hold what its profile requests.
        result.saving = round(
          clusters.reduce((sum, c) => {
            const r = requestsOf(c);
            const perHour =
              (r.cpuMillicores / 1000) * cost.cpuHour +
              toGiB(r.memoryBytes) * cost.gibHour;
            return sum + (c.hours?.paused ?? 0) * perHour;
          }, 0),
        );
      }
      return result;
    });
  return { owners, ...(cost ? { cost } : {}), hostErrors };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
