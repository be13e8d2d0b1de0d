import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KubernetesObject } from '@kubernetes/client-node';
import {
  CreateClusterRequest,
  HostSummary,
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
  parseDuration,
  ProfileSummary,
  validateClusterName,
} from '@nested-clusters/plugin-nested-clusters-common';
import { ProfileConfig } from '@nested-clusters/plugin-nested-clusters-node';
import { ObjectRef } from '@nested-clusters/plugin-nested-clusters-node';
import {
  Host,
  NestedClustersHostsService,
} from '@nested-clusters/plugin-nested-clusters-node';
import {
  ANNOTATIONS,
  CLUSTER_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PAUSED_ANNOTATION,
  PAUSED_DATE_ANNOTATION,
  PAUSED_REPLICAS_ANNOTATION,
  timestamp,
} from '@nested-clusters/plugin-nested-clusters-node';
import { PROVISIONING_STEPS } from '@nested-clusters/plugin-nested-clusters-node';
import { QuotaExceededError } from './errors';
import { clusterValues } from './values';

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
}

/** A create submits its installer within seconds; one stuck this long was cut off. */
const ABANDONED_CREATE_AFTER_MS = 10 * 60_000;

export interface ClusterLifecycleOptions {
  hosts: NestedClustersHostsService;
  catalog: CatalogService;
  userInfo: UserInfoService;
  logger: LoggerService;
}

/**
 * The lifecycle of nested clusters on their hosts. Reads come from the hosts'
 * watch cache; writes go to the host API. Authorization is the router's job.
 */
export class ClusterLifecycleService {
  private readonly hosts: NestedClustersHostsService;
  private readonly catalog: CatalogService;
  private readonly userInfo: UserInfoService;
  private readonly logger: LoggerService;

  constructor(options: ClusterLifecycleOptions) {
    this.hosts = options.hosts;
    this.catalog = options.catalog;
    this.userInfo = options.userInfo;
    this.logger = options.logger;
  }

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
    }));
  }

  listClusters(query: ListClustersQuery): Promise<ListClustersResponse> {
    if (query.host) {
      this.knownHost(query.host, 'host');
    }
    return this.hosts.listClusters({
      host: query.host,
      component: query.entityRef && normalizeRef(query.entityRef, 'entityRef'),
      owner: query.owner && normalizeRef(query.owner, 'owner', 'group'),
    });
  }

  /** A cluster from the cache, or NotFoundError; 503 when its host is down. */
  async getCluster(host: string, name: string): Promise<NestedCluster> {
    const cluster = await this.hosts.getCluster(host, name);
    if (!cluster) {
      throw new NotFoundError(
        `No nested cluster named "${name}" on host "${host}"`,
      );
    }
    return cluster;
  }

  /**
   * Validates a create request completely (names, profile, host, ttl, owner,
   * quotas, name conflicts) without creating anything; dryRun stops here.
   */
  async planCreate(
    request: CreateClusterRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<CreatePlan> {
    const nameProblem = validateClusterName(request.name);
    if (nameProblem) {
      throw new InputError(`name: ${nameProblem}`);
    }
    const profile = this.hosts.config.profiles.find(
      p => p.name === request.profile,
    );
    if (!profile) {
      throw new InputError(
        `profile: unknown profile "${request.profile}"; known profiles: ${
          this.hosts.config.profiles.map(p => p.name).join(', ') || 'none'
        }`,
      );
    }
    const requestedHost =
      request.host !== undefined
        ? this.knownHost(request.host, 'host')
        : undefined;
    const ttl = request.ttl ?? profile.ttl;
    const ttlMs = parseDuration(ttl);
    if (ttlMs === undefined) {
      throw new InputError(
        `ttl: "${ttl}" is not a duration such as 90m, 72h, 14d or 2w`,
      );
    }
    if (ttlMs > parseDuration(profile.maxTtl)!) {
      throw new InputError(
        `ttl: ${ttl} exceeds the maxTtl ${profile.maxTtl} of profile "${profile.name}"`,
      );
    }

    const createdBy = credentials.principal.userEntityRef;
    let component: string | undefined;
    let componentOwner: string | undefined;
    if (request.entityRef !== undefined) {
      component = normalizeRef(request.entityRef, 'entityRef', 'component');
      const entity = await this.catalog.getEntityByRef(component, {
        credentials,
      });
      if (!entity) {
        throw new InputError(
          `entityRef: no entity "${component}" in the catalog`,
        );
      }
      componentOwner = ownerOf(entity);
    }
    // Ownership decides who may manage the cluster and whose quota it uses,
    // so callers can only give it to themselves or a group they belong to.
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    let owner: string;
    if (request.owner !== undefined) {
      owner = normalizeRef(request.owner, 'owner', 'group');
      const kind = parseEntityRef(owner).kind;
      if (kind !== 'group' && kind !== 'user') {
        throw new InputError(`owner: must be a group or user, got "${owner}"`);
      }
      if (!ownershipEntityRefs.includes(owner)) {
        throw new NotAllowedError(
          `owner: ${owner} is not you or one of your groups`,
        );
      }
    } else if (componentOwner && ownershipEntityRefs.includes(componentOwner)) {
      owner = componentOwner;
    } else {
      owner = createdBy;
    }

    const ownerCount = (await this.hosts.listClusters({ owner })).items.length;
    const limit = this.hosts.config.limits.clustersPerOwner;
    if (ownerCount >= limit) {
      throw new QuotaExceededError(
        `owner ${owner} already has ${ownerCount} nested clusters; the limit is ${limit}`,
      );
    }

    const host = requestedHost ?? this.pickHost(request.name);
    if (await this.hosts.getCluster(host.config.name, request.name)) {
      throw new ConflictError(
        `name: a nested cluster named "${request.name}" already exists on host "${host.config.name}"`,
      );
    }
    if (host.cache.count() >= host.config.maxClusters) {
      throw new QuotaExceededError(
        `host "${host.config.name}" is full: it has ${host.cache.count()} of ${
          host.config.maxClusters
        } nested clusters`,
      );
    }
    return {
      host,
      name: request.name,
      namespace: host.cache.namespaceOf(request.name),
      profile,
      owner,
      component,
      createdBy,
      expiresAt: new Date(Date.now() + ttlMs),
    };
  }

  /**
   * Creates the namespace, then the installer's objects. When a step fails,
   * everything already created is deleted again and the error is rethrown.
   */
  async create(plan: CreatePlan): Promise<NestedCluster> {
    const { host, name, namespace, profile } = plan;
    const { client, installer } = host;
    const annotations: Record<string, string> = {
      [ANNOTATIONS.owner]: plan.owner,
      [ANNOTATIONS.createdBy]: plan.createdBy,
      [ANNOTATIONS.profile]: profile.name,
      [ANNOTATIONS.installer]: installer.type,
      [ANNOTATIONS.expiresAt]: plan.expiresAt.toISOString(),
      // What `vcluster create` puts on namespaces it creates.
      'vcluster.loft.sh/created': 'true',
    };
    if (plan.component) {
      annotations[ANNOTATIONS.component] = plan.component;
    }
    const labels = {
      [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      [CLUSTER_NAME_LABEL]: name,
    };
    const namespaceObject: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels, annotations },
    };
    let createdNamespace: KubernetesObject;
    try {
      createdNamespace = await client.create(namespaceObject);
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new ConflictError(
          `name: "${name}" is taken on host "${host.config.name}" (namespace ${namespace} exists)`,
        );
      }
      throw error;
    }

    const created: ObjectRef[] = [];
    try {
      const manifests = installer.manifests({
        name,
        namespace,
        chartVersion: profile.chartVersion,
        values: clusterValues(host.config, profile, name, namespace),
        labels,
      });
      for (const manifest of manifests) {
        await client.create(manifest);
        created.push(refOf(manifest));
      }
    } catch (error) {
      await this.rollback(host, [...created.reverse(), refOf(namespaceObject)]);
      throw error;
    }
    host.cache.retryNow();
    return this.preview(
      plan,
      timestamp(createdNamespace.metadata?.creationTimestamp),
    );
  }

  /** The cluster a plan creates, as the API returns it before the host reports back. */
  preview(plan: CreatePlan, createdAt?: string): NestedCluster {
    return {
      name: plan.name,
      host: plan.host.config.name,
      namespace: plan.namespace,
      status: 'Provisioning',
      progress: {
        completedSteps: 0,
        totalSteps: PROVISIONING_STEPS.length,
        step: PROVISIONING_STEPS[0],
      },
      owner: plan.owner,
      ...(plan.component ? { component: plan.component } : {}),
      createdBy: plan.createdBy,
      profile: plan.profile.name,
      installer: plan.host.installer.type,
      kubernetesVersion: plan.profile.kubernetesVersion,
      createdAt: createdAt ?? new Date().toISOString(),
      expiresAt: plan.expiresAt.toISOString(),
    };
  }

  /** Pauses exactly as `vcluster pause` does, so the CLI agrees about the state. */
  async pause(cluster: NestedCluster): Promise<NestedCluster> {
    if (cluster.status !== 'Running') {
      throw new ConflictError(
        `Cannot pause nested cluster "${cluster.name}" on host "${cluster.host}": it is ${cluster.status}, not Running`,
      );
    }
    const host = this.hosts.host(cluster.host);
    const sts = statefulSetRef(cluster);
    const current = await host.client.readStatefulSet(
      cluster.namespace,
      cluster.name,
    );
    const replicas = current.spec?.replicas ?? 1;
    // Flux would scale the StatefulSet back up: suspend it first.
    for (const { ref, patch } of host.installer.pausePatches(
      cluster.name,
      cluster.namespace,
    )) {
      await host.client.mergePatch(ref, patch);
    }
    await host.client.mergePatch(sts, {
      metadata: {
        annotations: {
          [PAUSED_ANNOTATION]: 'true',
          [PAUSED_REPLICAS_ANNOTATION]: String(replicas),
          [PAUSED_DATE_ANNOTATION]: new Date().toISOString(),
          [ANNOTATIONS.resumedAt]: null,
        },
      },
      spec: { replicas: 0 },
    });
    // The workloads the syncer created; it recreates them on resume.
    await host.client.deletePods(
      cluster.namespace,
      `vcluster.loft.sh/managed-by=${cluster.name}`,
    );
    return { ...cluster, status: 'Pausing', statusMessage: undefined };
  }

  /** Resumes as `vcluster resume` does: restore replicas, drop the pause annotations. */
  async resume(cluster: NestedCluster): Promise<NestedCluster> {
    if (cluster.status !== 'Paused' && cluster.status !== 'Pausing') {
      throw new ConflictError(
        `Cannot resume nested cluster "${cluster.name}" on host "${cluster.host}": it is ${cluster.status}, not Paused`,
      );
    }
    const host = this.hosts.host(cluster.host);
    const sts = statefulSetRef(cluster);
    const current = await host.client.readStatefulSet(
      cluster.namespace,
      cluster.name,
    );
    const saved = Number.parseInt(
      current.metadata?.annotations?.[PAUSED_REPLICAS_ANNOTATION] ?? '',
      10,
    );
    await host.client.mergePatch(sts, {
      metadata: {
        annotations: {
          [PAUSED_ANNOTATION]: null,
          [PAUSED_REPLICAS_ANNOTATION]: null,
          [PAUSED_DATE_ANNOTATION]: null,
          [ANNOTATIONS.resumedAt]: new Date().toISOString(),
        },
      },
      spec: { replicas: Number.isFinite(saved) && saved > 0 ? saved : 1 },
    });
    for (const { ref, patch } of host.installer.resumePatches(
      cluster.name,
      cluster.namespace,
    )) {
      await host.client.mergePatch(ref, patch);
    }
    return { ...cluster, status: 'Resuming', statusMessage: undefined };
  }

  /**
   * Moves expiry `ttl` further out, but never beyond the profile's maxTtl
   * counted from creation.
   */
  async extend(cluster: NestedCluster, ttl: string): Promise<NestedCluster> {
    if (cluster.status === 'Deleting') {
      throw new ConflictError(
        `Cannot extend nested cluster "${cluster.name}" on host "${cluster.host}": it is being deleted`,
      );
    }
    const ttlMs = parseDuration(ttl);
    if (ttlMs === undefined) {
      throw new InputError(
        `ttl: "${ttl}" is not a duration such as 90m, 72h, 14d or 2w`,
      );
    }
    const profile = this.hosts.config.profiles.find(
      p => p.name === cluster.profile,
    );
    if (!profile) {
      throw new ConflictError(
        `Cannot extend nested cluster "${cluster.name}": its profile "${cluster.profile}" is no longer configured`,
      );
    }
    const from = Math.max(Date.parse(cluster.expiresAt) || 0, Date.now());
    const expiresAt = new Date(from + ttlMs);
    const latest = new Date(
      Date.parse(cluster.createdAt) + parseDuration(profile.maxTtl)!,
    );
    if (expiresAt > latest) {
      throw new InputError(
        `ttl: extending by ${ttl} would expire the cluster at ${expiresAt.toISOString()}, beyond the maxTtl ${
          profile.maxTtl
        } of profile "${
          profile.name
        }" counted from creation (at the latest ${latest.toISOString()})`,
      );
    }
    const host = this.hosts.host(cluster.host);
    await host.client.mergePatch(namespaceRef(cluster), {
      metadata: {
        annotations: { [ANNOTATIONS.expiresAt]: expiresAt.toISOString() },
      },
    });
    return { ...cluster, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Deletes the installer objects, then PVC data-<name>-0, then the namespace.
   * The cluster shows Deleting until its namespace is gone from the host.
   */
  async delete(cluster: NestedCluster): Promise<NestedCluster> {
    const host = this.hosts.host(cluster.host);
    await host.client.mergePatch(namespaceRef(cluster), {
      metadata: {
        annotations: { [ANNOTATIONS.deletingSince]: new Date().toISOString() },
      },
    });
    for (const ref of host.installer.installerObjects(
      cluster.name,
      cluster.namespace,
    )) {
      await host.client.delete(ref);
    }
    await host.client.delete({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: `data-${cluster.name}-0`,
      namespace: cluster.namespace,
    });
    await host.client.delete(namespaceRef(cluster));
    return { ...cluster, status: 'Deleting', statusMessage: undefined };
  }

  /** The cluster's kubeconfig, pointed at the host's exposure, context `<host>-<name>`. */
  kubeconfig(cluster: NestedCluster): Promise<string> {
    return this.hosts.adminKubeconfig(cluster);
  }

  /** Clusters whose expires-at has passed, on hosts that can be reached. */
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

  private knownHost(name: string, field: string): Host {
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

  /** The healthy host with the most free capacity. */
  private pickHost(name: string): Host {
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

  private async rollback(host: Host, refs: ObjectRef[]): Promise<void> {
    for (const ref of refs) {
      try {
        await host.client.delete(ref);
      } catch (error) {
        // The namespace delete at the end still removes what is left inside.
        this.logger.warn(
          `Rolling back a failed create on host "${
            host.config.name
          }": could not delete ${ref.kind} ${ref.name}: ${
            (error as Error).message
          }`,
        );
      }
    }
  }
}

function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    name: object.metadata!.name!,
    namespace: object.metadata?.namespace,
  };
}

function namespaceRef(cluster: NestedCluster): ObjectRef {
  return { apiVersion: 'v1', kind: 'Namespace', name: cluster.namespace };
}

function statefulSetRef(cluster: NestedCluster): ObjectRef {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name: cluster.name,
    namespace: cluster.namespace,
  };
}

/** Parses an entity ref and returns its canonical (lowercase) form, or 400 naming the field. */
export function normalizeRef(
  ref: string,
  field: string,
  defaultKind?: string,
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
}

function ownerOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef.toLocaleLowerCase('en-US');
  }
  const owner = entity.spec?.owner;
  return typeof owner === 'string'
    ? normalizeRef(owner, 'entityRef', 'group')
    : undefined;
}
