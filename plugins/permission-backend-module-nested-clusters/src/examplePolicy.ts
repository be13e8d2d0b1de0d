import {
  AuthService,
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  nestedClusterAdminKubeconfigPermission,
  nestedClusterCreatePermission,
  nestedClusterHostReadPermission,
  nestedClusterReadPermission,
  RESOURCE_TYPE_NESTED_CLUSTER,
} from '@nested-clusters/plugin-nested-clusters-common';

/** The example org's platform team: the only users given the vcluster admin kubeconfig. */
export const PLATFORM_ADMINS_GROUP = 'group:default/platform-admins';
import {
  createNestedClusterComponentConditionalDecision,
  createNestedClusterConditionalDecision,
  nestedClusterComponentConditions,
  nestedClusterConditions,
} from '@nested-clusters/plugin-nested-clusters-node';

/**
 * The example app's policy: anyone signed in can read nested clusters and
 * create clusters without a component; only a component's owners can create
 * clusters for it; only owners (the owning group's members, or the creator) can
 * update (which includes revoking everyone's access), delete and download
 * their own short-lived kubeconfigs; only members of `platform-admins` get
 * the vcluster admin kubeconfig. Every other permission is allowed,
 * so the catalog, scaffolder and search keep working as with allow-all.
 */
export class NestedClustersExamplePolicy implements PermissionPolicy {
  constructor(
    private readonly auth: AuthService,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const credentials =
      user && this.auth.isPrincipal(user.credentials, 'user')
        ? user.credentials
        : undefined;
    if (permission.name === nestedClusterCreatePermission.name) {
      if (!credentials) {
        return { result: AuthorizeResult.DENY };
      }
      // A cluster shows on its component's page: only its owners attach one.
      const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
        credentials,
      );
      return createNestedClusterComponentConditionalDecision(
        nestedClusterCreatePermission,
        {
          anyOf: [
            nestedClusterComponentConditions.hasNoComponent(),
            nestedClusterComponentConditions.isComponentOwner({
              claims: ownershipEntityRefs,
            }),
          ],
        },
      );
    }
    if (permission.name === nestedClusterHostReadPermission.name) {
      if (!credentials) {
        return { result: AuthorizeResult.DENY };
      }
      const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
        credentials,
      );
      return {
        result: ownershipEntityRefs.includes(PLATFORM_ADMINS_GROUP)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_NESTED_CLUSTER)) {
      if (!credentials) {
        return { result: AuthorizeResult.DENY };
      }
      if (permission.name === nestedClusterReadPermission.name) {
        return { result: AuthorizeResult.ALLOW };
      }
      const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
        credentials,
      );
      if (permission.name === nestedClusterAdminKubeconfigPermission.name) {
        return {
          result: ownershipEntityRefs.includes(PLATFORM_ADMINS_GROUP)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      }
      return createNestedClusterConditionalDecision(
        permission,
        nestedClusterConditions.isOwner({ claims: ownershipEntityRefs }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link NestedClustersExamplePolicy} as the permission backend's policy. */
export const nestedClustersExamplePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'nested-clusters-example-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, auth, userInfo }) {
        policy.setPolicy(new NestedClustersExamplePolicy(auth, userInfo));
      },
    });
  },
});
