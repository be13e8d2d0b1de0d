import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CreateClusterRequest,
  normalizeEntityRef,
  parseDuration,
  validateClusterName,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  componentOwner,
  Host,
  NestedClustersHostsService,
  ProfileConfig,
} from '@nested-clusters/plugin-nested-clusters-node';
import { ClusterOwnership } from '../permissions/ClusterOwnership';
import { ClusterQueries } from './ClusterQueries';
import { QuotaExceededError } from './errors';
import {
  profileRequests,
  Resources,
  SleepSchedule,
} from '@nested-clusters/plugin-nested-clusters-node';
import { checkOwnerLimits, clusterRequests } from './ownerLimits';
import { sleepChoice } from './sleepChoice';

/** A validated create request: everything needed to create, nothing created yet. */
export interface CreatePlan {
  host: Host;
  name: string;
  namespace: string;
  profile: ProfileConfig;
  owner: string;
  component?: string;
  createdBy: string;
  expiresAt: Date;
  /** When the cluster sleeps and wakes: the owner's choice or the profile's. */
  sleep?: SleepSchedule;
  /** What one cluster of its profile requests on the host. */
  requests: Resources;
}

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** The catalog entity a create request names, as the caller can read it. */
export interface RequestedComponent {
  ref: string;
  entity: Entity;
}

/**
 * Validates a create request completely (name, profile, host, ttl, owner,
 * quotas, name conflicts) without creating anything. Each step names the
 * field it rejects; a dry run stops after planning. The component is looked
 * up first, on its own, because the permission decision is made on it.
 */
export class CreatePlanner {
  constructor(
    private readonly hosts: NestedClustersHostsService,
    private readonly queries: ClusterQueries,
    private readonly catalog: CatalogService,
    private readonly ownership: ClusterOwnership,
  ) {}

  /**
   * Plans the request; `component` is its `entityRef` as
   * {@link CreatePlanner.component} resolved it.
   */
  async plan(
    request: CreateClusterRequest,
    credentials: UserCredentials,
    component: RequestedComponent | undefined,
  ): Promise<CreatePlan> {
    checkName(request.name);
    const profile = this.profile(request.profile);
    const requestedHost =
      request.host !== undefined
        ? this.queries.knownHost(request.host, 'host')
        : undefined;
    const ttlMs = lifetime(request.ttl ?? profile.ttl, profile);
    const sleep = sleepChoice(request.sleep, profile);
    const owner = await this.ownership.ownerFor(credentials, {
      owner: request.owner,
      componentOwner: component && componentOwner(component.entity),
    });
    const requests = profileRequests(profile.values);
    await this.checkOwnerQuota(owner, requests);
    const host = requestedHost ?? this.leastLoadedHost(request.name);
    await this.checkHostHasRoom(host, request.name);
    return {
      host,
      name: request.name,
      namespace: host.cache.namespaceOf(request.name),
      profile,
      owner,
      component: component?.ref,
      createdBy: credentials.principal.userEntityRef,
      expiresAt: new Date(Date.now() + ttlMs),
      ...(sleep ? { sleep } : {}),
      requests,
    };
  }

  private profile(name: string): ProfileConfig {
    const { profiles } = this.hosts.config;
    const profile = profiles.find(p => p.name === name);
    if (!profile) {
      throw new InputError(
        `profile: unknown profile "${name}"; known profiles: ${
          profiles.map(p => p.name).join(', ') || 'none'
        }`,
      );
    }
    return profile;
  }

  /** The catalog entity the cluster is for, read with the caller's credentials. */
  async component(
    entityRef: string | undefined,
    credentials: UserCredentials,
  ): Promise<RequestedComponent | undefined> {
    if (entityRef === undefined) {
      return undefined;
    }
    const ref = normalizeEntityRef(entityRef, {
      field: 'entityRef',
      defaultKind: 'component',
    });
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new InputError(`entityRef: no entity "${ref}" in the catalog`);
    }
    return { ref, entity };
  }

  /** A first check from the cache; QuotaGuard decides after the namespace exists. */
  private async checkOwnerQuota(
    owner: string,
    requests: Resources,
  ): Promise<void> {
    const { items } = await this.hosts.listClusters({ owner });
    checkOwnerLimits(
      owner,
      items.map(c =>
        clusterRequests(c.requests, c.profile, this.hosts.config.profiles),
      ),
      requests,
      this.hosts.config.limits.perOwner,
    );
  }

  /** The healthy host with the most free capacity. */
  private leastLoadedHost(name: string): Host {
    const candidates = this.hosts
      .hosts()
      .filter(h => h.cache.health().healthy)
      .map(h => ({ host: h, free: h.config.maxClusters - h.cache.count() }))
      .sort((a, b) => b.free - a.free);
    if (candidates.length === 0) {
      throw new ServiceUnavailableError(
        `No host is reachable to create nested cluster "${name}"`,
      );
    }
    return candidates[0].host;
  }

  private async checkHostHasRoom(host: Host, name: string): Promise<void> {
    if (await this.hosts.getCluster(host.config.name, name)) {
      throw new ConflictError(
        `name: a nested cluster named "${name}" already exists on host "${host.config.name}"`,
      );
    }
    if (host.cache.count() >= host.config.maxClusters) {
      throw new QuotaExceededError(
        `host "${host.config.name}" is full: it has ${host.cache.count()} of ${
          host.config.maxClusters
        } nested clusters`,
      );
    }
  }
}

function checkName(name: string): void {
  const problem = validateClusterName(name);
  if (problem) {
    throw new InputError(`name: ${problem}`);
  }
}

/** A ttl in milliseconds, or an InputError naming the field. */
export function parseTtl(ttl: string): number {
  const ttlMs = parseDuration(ttl);
  if (ttlMs === undefined) {
    throw new InputError(
      `ttl: "${ttl}" is not a duration such as 90m, 72h, 14d or 2w`,
    );
  }
  return ttlMs;
}

/** The lifetime in ms; at most the profile's maxTtl. */
function lifetime(ttl: string, profile: ProfileConfig): number {
  const ttlMs = parseTtl(ttl);
  if (ttlMs > parseDuration(profile.maxTtl)!) {
    throw new InputError(
      `ttl: ${ttl} exceeds the maxTtl ${profile.maxTtl} of profile "${profile.name}"`,
    );
  }
  return ttlMs;
}
