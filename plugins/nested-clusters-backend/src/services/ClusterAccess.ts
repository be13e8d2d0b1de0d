import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  CreateClusterRequest,
  HostError,
  HostSummary,
  ListClustersQuery,
  ListClustersResponse,
  NestedCluster,
  nestedClusterAdminKubeconfigPermission,
  nestedClusterDeletePermission,
  nestedClusterHostReadPermission,
  nestedClusterKubeconfigPermission,
  nestedClusterReadPermission,
  nestedClusterUpdatePermission,
  NestedClusterPermission,
  RevokeAccessResponse,
  UserKubeconfig,
} from '@nested-clusters/plugin-nested-clusters-common';
import { ClusterAuthorizer } from '../permissions/ClusterAuthorizer';
import { audited } from './audit';
import { ClusterCommands } from './ClusterCommands';
import { pageOf, pageRequest } from './ClusterPages';
import { ClusterQueries } from './ClusterQueries';
import { CreatePlanner } from './CreatePlanner';
import { UserAccessService } from './UserAccess';

export type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * Who calls an operation, through the REST API or an MCP action. Only users:
 * the permission framework would allow a service principal everything.
 */
export interface Caller {
  credentials: UserCredentials;
  /** How audit events identify the caller: the HTTP request, or meta naming the actor. */
  audit: Pick<AuditorServiceCreateEventOptions, 'request' | 'meta'>;
}

/** A nested cluster by host and name. */
export interface ClusterTarget {
  host: string;
  name: string;
}

/** The audited operations on one cluster: the permission each needs and its audit severity. */
const OPERATIONS = {
  pause: { permission: nestedClusterUpdatePermission, severity: 'low' },
  resume: { permission: nestedClusterUpdatePermission, severity: 'low' },
  extend: { permission: nestedClusterUpdatePermission, severity: 'low' },
  delete: { permission: nestedClusterDeletePermission, severity: 'high' },
  /** The caller's own short-lived, revocable credential. */
  kubeconfig: {
    permission: nestedClusterKubeconfigPermission,
    severity: 'medium',
  },
  /** The vcluster's admin credential: lives as long as the cluster, cannot be revoked. */
  'kubeconfig-admin': {
    permission: nestedClusterAdminKubeconfigPermission,
    severity: 'high',
  },
  /** Everyone who may read a cluster may give up their own access. */
  'revoke-access': {
    permission: nestedClusterReadPermission,
    severity: 'medium',
  },
  'revoke-all-access': {
    permission: nestedClusterUpdatePermission,
    severity: 'medium',
  },
} satisfies Record<
  string,
  {
    permission: NestedClusterPermission;
    severity: AuditorServiceEventSeverityLevel;
  }
>;

/** What callers without `nested-clusters.host.read` see of a host's problem. */
export const GENERIC_HOST_MESSAGE =
  'The host is not available right now; your platform team can see why.';

function genericHostError(error: HostError): HostError {
  return { ...error, message: `Host "${error.host}": ${GENERIC_HOST_MESSAGE}` };
}

export interface ClusterAccessOptions {
  authorizer: ClusterAuthorizer;
  auditor: AuditorService;
  queries: ClusterQueries;
  planner: CreatePlanner;
  commands: ClusterCommands;
  userAccess: UserAccessService;
  /** The caller's groups, for `mine`. */
  userInfo: UserInfoService;
}

/**
 * Every cluster operation as a caller performs it: the caller's user
 * credentials, then the permission decision, then the operation as an audit
 * event (event id `nested-cluster-<operation>`). The REST API and the MCP
 * actions both go through here, so they cannot drift apart.
 */
export class ClusterAccess {
  private readonly authorizer: ClusterAuthorizer;
  private readonly auditor: AuditorService;
  private readonly queries: ClusterQueries;
  private readonly planner: CreatePlanner;
  private readonly commands: ClusterCommands;
  private readonly userAccess: UserAccessService;
  private readonly userInfo: UserInfoService;

  constructor(options: ClusterAccessOptions) {
    this.authorizer = options.authorizer;
    this.auditor = options.auditor;
    this.queries = options.queries;
    this.planner = options.planner;
    this.commands = options.commands;
    this.userAccess = options.userAccess;
    this.userInfo = options.userInfo;
  }

  /**
   * The hosts' health and capacity, and the vclusters on them that the
   * plugin did not create (names, status and versions, as teams see their
   * own clusters). Health messages name internal addresses and API errors,
   * so only callers allowed `nested-clusters.host.read` see them; others get
   * a generic message.
   */
  async hosts(caller: Caller): Promise<HostSummary[]> {
    const hosts = this.queries.listHosts();
    if (await this.seesHostDetails(caller)) {
      return hosts;
    }
    return hosts.map(host =>
      host.message ? { ...host, message: GENERIC_HOST_MESSAGE } : host,
    );
  }

  /**
   * The clusters the caller may read; unreachable hosts are listed in
   * hostErrors, with details only for callers allowed to see host details.
   * With a limit, one page of them: filtered and authorized first, then cut.
   */
  async list(
    caller: Caller,
    query: ListClustersQuery,
  ): Promise<ListClustersResponse> {
    const { credentials } = caller;
    const { limit, cursor, mine, ...filters } = query;
    const page = pageRequest({ limit, cursor });
    const { items, hostErrors } = await this.queries.listClusters(filters);
    const readable = await this.authorizer.filter(
      nestedClusterReadPermission,
      mine === 'true' ? items.filter(await this.isMine(credentials)) : items,
      credentials,
    );
    const { items: pageItems, ...pageInfo } = pageOf(readable, page);
    return {
      items: pageItems.map(c => this.queries.withReadTimeFields(c)),
      ...pageInfo,
      hostErrors:
        hostErrors.length === 0 || (await this.seesHostDetails(caller))
          ? hostErrors
          : hostErrors.map(genericHostError),
    };
  }

  /** Owned by the caller or one of their groups, or created by the caller. */
  private async isMine(
    credentials: UserCredentials,
  ): Promise<(cluster: NestedCluster) => boolean> {
    const { userEntityRef } = credentials.principal;
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    const refs = new Set(ownershipEntityRefs);
    return c => refs.has(c.owner) || c.createdBy === userEntityRef;
  }

  private seesHostDetails(caller: Caller): Promise<boolean> {
    return this.authorizer.allowsBasic(
      nestedClusterHostReadPermission,
      caller.credentials,
    );
  }

  /** A cluster the caller may read. */
  async get(caller: Caller, target: ClusterTarget): Promise<NestedCluster> {
    return this.authorizedCluster(
      caller.credentials,
      target,
      nestedClusterReadPermission,
    );
  }

  /**
   * Validates and creates a cluster; a dry run validates only and is not
   * audited. `nested-clusters.cluster.create` is decided on the component the
   * request names (read with the caller's credentials), before anything else
   * is checked, so a caller learns nothing about another team's quotas.
   */
  async create(
    caller: Caller,
    request: CreateClusterRequest,
    options: { dryRun: boolean },
  ): Promise<NestedCluster> {
    const { credentials } = caller;
    const create = async () => {
      const component = await this.planner.component(
        request.entityRef,
        credentials,
      );
      await this.authorizer.authorizeCreate(
        { component: component?.entity },
        credentials,
      );
      const plan = await this.planner.plan(request, credentials, component);
      return options.dryRun
        ? this.commands.preview(plan)
        : this.commands.create(plan);
    };
    if (options.dryRun) {
      return create();
    }
    const meta = {
      name: request.name,
      host: request.host ?? null,
      profile: request.profile,
    };
    return this.audit(caller, 'create', 'medium', meta, create);
  }

  pause(caller: Caller, target: ClusterTarget): Promise<NestedCluster> {
    return this.onCluster(caller, 'pause', target, cluster =>
      this.commands.pause(cluster),
    );
  }

  resume(caller: Caller, target: ClusterTarget): Promise<NestedCluster> {
    return this.onCluster(caller, 'resume', target, cluster =>
      this.commands.resume(cluster),
    );
  }

  extend(
    caller: Caller,
    target: ClusterTarget,
    ttl: string,
  ): Promise<NestedCluster> {
    return this.onCluster(caller, 'extend', target, cluster =>
      this.commands.extend(cluster, ttl),
    );
  }

  delete(caller: Caller, target: ClusterTarget): Promise<NestedCluster> {
    return this.onCluster(caller, 'delete', target, cluster =>
      this.commands.delete(cluster),
    );
  }

  /**
   * A kubeconfig of the caller's own ServiceAccount. The audit event names
   * the ServiceAccount and the expiry, never the token.
   */
  kubeconfig(
    caller: Caller,
    target: ClusterTarget,
    options: { expiration?: string } = {},
  ): Promise<UserKubeconfig> {
    const user = caller.credentials.principal.userEntityRef;
    return this.onCluster(
      caller,
      'kubeconfig',
      target,
      cluster => this.userAccess.issue(cluster, user, options),
      {
        meta: { serviceAccount: this.userAccess.serviceAccountOf(user) },
        result: issued => ({
          serviceAccount: issued.serviceAccount,
          clusterRole: issued.clusterRole,
          expiresAt: issued.expiresAt,
        }),
      },
    );
  }

  /** The vcluster's admin kubeconfig (Secret `vc-<name>`). */
  adminKubeconfig(caller: Caller, target: ClusterTarget): Promise<string> {
    return this.onCluster(caller, 'kubeconfig-admin', target, cluster =>
      this.commands.adminKubeconfig(cluster),
    );
  }

  /** Deletes the caller's ServiceAccount, which invalidates its tokens. */
  revokeMyAccess(
    caller: Caller,
    target: ClusterTarget,
  ): Promise<RevokeAccessResponse> {
    const user = caller.credentials.principal.userEntityRef;
    return this.onCluster(
      caller,
      'revoke-access',
      target,
      async cluster => ({
        revoked: await this.userAccess.revoke(cluster, user),
      }),
      {
        meta: { serviceAccount: this.userAccess.serviceAccountOf(user) },
        result: ({ revoked }) => ({ revoked }),
      },
    );
  }

  /** Deletes every user's ServiceAccount in the cluster. */
  revokeAllAccess(
    caller: Caller,
    target: ClusterTarget,
  ): Promise<RevokeAccessResponse> {
    return this.onCluster(
      caller,
      'revoke-all-access',
      target,
      async cluster => ({ revoked: await this.userAccess.revokeAll(cluster) }),
      { result: ({ revoked }) => ({ revoked }) },
    );
  }

  private async onCluster<T>(
    caller: Caller,
    operation: keyof typeof OPERATIONS,
    target: ClusterTarget,
    work: (cluster: NestedCluster) => Promise<T>,
    audit: { meta?: JsonObject; result?: (result: T) => JsonObject } = {},
  ): Promise<T> {
    const { credentials } = caller;
    const { permission, severity } = OPERATIONS[operation];
    const meta = { host: target.host, name: target.name, ...audit.meta };
    return this.audit(
      caller,
      operation,
      severity,
      meta,
      async () =>
        work(await this.authorizedCluster(credentials, target, permission)),
      audit.result,
    );
  }

  private async authorizedCluster(
    credentials: UserCredentials,
    target: ClusterTarget,
    permission: NestedClusterPermission,
  ): Promise<NestedCluster> {
    const cluster = await this.queries.getCluster(target.host, target.name);
    await this.authorizer.authorize(permission, cluster, credentials);
    return cluster;
  }

  private audit<T>(
    caller: Caller,
    operation: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    meta: JsonObject,
    work: () => Promise<T>,
    resultMeta?: (result: T) => JsonObject,
  ): Promise<T> {
    return audited(
      this.auditor,
      {
        eventId: `nested-cluster-${operation}`,
        severityLevel,
        request: caller.audit.request,
        meta: { ...meta, ...caller.audit.meta },
      },
      work,
      resultMeta,
    );
  }
}
