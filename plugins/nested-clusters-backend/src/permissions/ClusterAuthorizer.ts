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
import {
  NestedCluster,
  nestedClusterResourceRef,
} from '@nested-clusters/plugin-nested-clusters-common';
import { NestedClusterPredicate } from '@nested-clusters/plugin-nested-clusters-node';

/**
 * Asks the permission framework about the calling user's credentials, and
 * applies conditional decisions to clusters in memory with our rules.
 */
export class ClusterAuthorizer {
  private readonly transform: ConditionTransformer<NestedClusterPredicate>;

  constructor(
    private readonly permissions: PermissionsService,
    ruleset: PermissionRuleset<NestedCluster, NestedClusterPredicate>,
  ) {
    this.transform = createConditionTransformer(ruleset);
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

function matches(
  criteria: PermissionCriteria<NestedClusterPredicate>,
  cluster: NestedCluster,
): boolean {
  if (isAndCriteria(criteria)) {
    return criteria.allOf.every(c => matches(c, cluster));
  }
  if (isOrCriteria(criteria)) {
    return criteria.anyOf.some(c => matches(c, cluster));
  }
  if (isNotCriteria(criteria)) {
    return !matches(criteria.not, cluster);
  }
  return criteria(cluster);
}
