import {
  formatCpu,
  formatMemory,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  addResources,
  NestedClustersHostsService,
  NO_RESOURCES,
  ProfileConfig,
  profileRequests,
  Resources,
} from '@nested-clusters/plugin-nested-clusters-node';
import { QuotaExceededError } from './errors';

type PerOwnerLimits =
  NestedClustersHostsService['config']['limits']['perOwner'];

/**
 * What a cluster requests: as recorded at its create, or for a cluster from
 * before that record, what its profile requests now (none when the profile is gone).
 */
export function clusterRequests(
  recorded: Resources | undefined,
  profile: string | undefined,
  profiles: ProfileConfig[],
): Resources {
  if (recorded) {
    return recorded;
  }
  const config = profiles.find(p => p.name === profile);
  return config ? profileRequests(config.values) : NO_RESOURCES;
}

/**
 * Throws QuotaExceededError (429) naming the limit when an owner with
 * clusters requesting `existing` may not add one requesting `adding`:
 * `limits.perOwner` clusters, then CPU, then memory.
 */
export function checkOwnerLimits(
  owner: string,
  existing: Resources[],
  adding: Resources,
  limits: PerOwnerLimits,
): void {
  if (existing.length >= limits.clusters) {
    throw new QuotaExceededError(
      `owner ${owner} already has ${existing.length} nested clusters; the limit is ${limits.clusters}`,
    );
  }
  const before = existing.reduce(addResources, NO_RESOURCES);
  const after = addResources(before, adding);
  const clusters = `${existing.length} cluster${
    existing.length === 1 ? '' : 's'
  }`;
  if (
    limits.cpuMillicores !== undefined &&
    after.cpuMillicores > limits.cpuMillicores
  ) {
    throw new QuotaExceededError(
      `owner ${owner} would request ${formatCpu(
        after.cpuMillicores,
      )} with this cluster (${formatCpu(
        before.cpuMillicores,
      )} by its ${clusters}, ${formatCpu(
        adding.cpuMillicores,
      )} by this profile); the CPU limit is ${formatCpu(
        limits.cpuMillicores,
      )} (limits.perOwner.cpu)`,
    );
  }
  if (
    limits.memoryBytes !== undefined &&
    after.memoryBytes > limits.memoryBytes
  ) {
    throw new QuotaExceededError(
      `owner ${owner} would request ${formatMemory(
        after.memoryBytes,
      )} of memory with this cluster (${formatMemory(
        before.memoryBytes,
      )} by its ${clusters}, ${formatMemory(
        adding.memoryBytes,
      )} by this profile); the memory limit is ${formatMemory(
        limits.memoryBytes,
      )} (limits.perOwner.memory)`,
    );
  }
}
