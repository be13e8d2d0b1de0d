import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PermissionCriteria,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  NestedCluster,
  nestedClusterCreatePermission,
  nestedClusterResourceRef,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  componentOwner,
  NestedClusterCreateTarget,
  NestedClusterCreateTargetPredicate,
  NestedClusterPredicate,
} from '@nested-clusters/plugin-nested-clusters-node';

/**
 * Asks the permission framework about the calling user's credentials, and
 * applies conditional decisions in memory with our rules: to clusters, and
 * to the component a new cluster is for.
 */
export class ClusterAuthorizer {
  private readonly transform: ConditionTransformer<NestedClusterPredicate>;
  private readonly transformCreate: ConditionTransformer<NestedClusterCreateTargetPredicate>;

  constructor(
    private readonly permissions: PermissionsService,
    ruleset: PermissionRuleset<NestedCluster, NestedClusterPredicate>,
    componentRuleset: PermissionRuleset<
      NestedClusterCreateTarget,
      NestedClusterCreateTargetPredicate
    >,
  ) {
    this.transform = createConditionTransformer(ruleset);
    this.transformCreate = createConditionTransformer(componentRuleset);
  }

  /**
   * Throws NotAllowedError unless `nested-clusters.cluster.create` is granted
   * for this component (or for no component); the message names the
   * component's owner, which the caller can read anyway.
   */
  async authorizeCreate(
    target: NestedClusterCreateTarget,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const permission = nestedClusterCreatePermission;
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    const allowed =
      decision.result === AuthorizeResult.ALLOW ||
      (decision.result === AuthorizeResult.CONDITIONAL &&
        matches(this.transformCreate(decision.conditions), target));
    if (allowed) {
      return;
    }
    const { component } = target;
    const owner = component && componentOwner(component);
    throw new NotAllowedError(
      component
        ? `Not allowed: permission ${
            permission.name
          } was denied for ${stringifyEntityRef(component)} (owned by ${
            owner ?? 'nobody'
          })`
        : `Not allowed: permission ${permission.name} was denied for a cluster without a component`,
    );
  }

  /** Whether the basic permission is granted. */
  async allowsBasic(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws NotAllowedError naming the permission unless the basic permission is granted. */
  async authorizeBasic(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!(await this.allowsBasic(permission, credentials))) {
      throw new NotAllowedError(
        `Not allowed: permission ${permission.name} was denied`,
      );
    }
  }

  /** Throws NotAllowedError naming the permission unless it is granted for this cluster. */
  async authorize(
    permission: ResourcePermission,
    cluster: NestedCluster,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const allowed = await this.filter(permission, [cluster], credentials);
    if (allowed.length === 0) {
      throw new NotAllowedError(
        `Not allowed: permission ${
          permission.name
        } was denied for nested cluster ${nestedClusterResourceRef(
          cluster.host,
          cluster.name,
        )}`,
      );
    }
  }

  /** The clusters the permission is granted for. */
  async filter(
    permission: ResourcePermission,
    clusters: NestedCluster[],
    credentials: BackstageCredentials,
  ): Promise<NestedCluster[]> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return clusters;
    }
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return [];
    }
    const criteria = this.transform(decision.conditions);
    return clusters.filter(cluster => matches(criteria, cluster));
  }
}

function matches<T>(
  criteria: PermissionCriteria<(resource: T) => boolean>,
  resource: T,
): boolean {
  if (isAndCriteria(criteria)) {
    return criteria.allOf.every(c => matches(c, resource));
  }
  if (isOrCriteria(criteria)) {
    return criteria.anyOf.some(c => matches(c, resource));
  }
  if (isNotCriteria(criteria)) {
    return !matches(criteria.not, resource);
  }
  return criteria(resource);
}
