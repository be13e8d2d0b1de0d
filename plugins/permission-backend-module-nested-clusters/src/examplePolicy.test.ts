import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
} from '@backstage/plugin-permission-node';
import {
  nestedClusterAdminKubeconfigPermission,
  nestedClusterCreatePermission,
  nestedClusterDeletePermission,
  nestedClusterHostReadPermission,
  nestedClusterKubeconfigPermission,
  nestedClusterReadPermission,
  nestedClusterUpdatePermission,
  nestedClustersPermissions,
} from '@nested-clusters/plugin-nested-clusters-common';
import { NestedClustersExamplePolicy } from './examplePolicy';

/** The common shortcut: every permission whose action is `read` is allowed. */
class ReadAllPolicy implements PermissionPolicy {
  async handle({ permission }: PolicyQuery): Promise<PolicyDecision> {
    return {
      result:
        permission.attributes.action === 'read'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    };
  }
}

describe('a policy that allows every read', () => {
  it('hands out no kubeconfig, nor anything that changes a cluster', async () => {
    const policy = new ReadAllPolicy();
    const allowed: string[] = [];
    for (const permission of nestedClustersPermissions) {
      const { result } = await policy.handle({ permission });
      if (result === AuthorizeResult.ALLOW) {
        allowed.push(permission.name);
      }
    }
    expect(allowed.sort()).toEqual([
      'nested-clusters.cluster.read',
      'nested-clusters.host.read',
    ]);
  });
});

describe('NestedClustersExamplePolicy', () => {
  const policy = new NestedClustersExamplePolicy(
    mockServices.auth(),
    mockServices.userInfo({
      ownershipEntityRefs: ['user:default/bob', 'group:default/team-b'],
    }),
  );
  const bob = {
    credentials: mockCredentials.user('user:default/bob'),
    info: {
      userEntityRef: 'user:default/bob',
      ownershipEntityRefs: ['user:default/bob', 'group:default/team-b'],
    },
  };

  it('lets anyone signed in read', async () => {
    expect(
      await policy.handle({ permission: nestedClusterReadPermission }, bob),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets a component's owners create clusters for it, and anyone create one without a component", async () => {
    expect(
      await policy.handle({ permission: nestedClusterCreatePermission }, bob),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'nested-clusters',
      resourceType: 'nested-cluster-component',
      conditions: {
        anyOf: [
          {
            rule: 'HAS_NO_COMPONENT',
            resourceType: 'nested-cluster-component',
            params: undefined,
          },
          {
            rule: 'IS_COMPONENT_OWNER',
            resourceType: 'nested-cluster-component',
            params: { claims: ['user:default/bob', 'group:default/team-b'] },
          },
        ],
      },
    });
  });

  it('limits update, delete and kubeconfig to owners', async () => {
    for (const permission of [
      nestedClusterUpdatePermission,
      nestedClusterDeletePermission,
      nestedClusterKubeconfigPermission,
    ]) {
      expect(await policy.handle({ permission }, bob)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'nested-clusters',
        resourceType: 'nested-cluster',
        conditions: {
          rule: 'IS_OWNER',
          resourceType: 'nested-cluster',
          params: { claims: ['user:default/bob', 'group:default/team-b'] },
        },
      });
    }
  });

  it('gives the admin kubeconfig only to platform-admins', async () => {
    const permission = nestedClusterAdminKubeconfigPermission;
    expect((await policy.handle({ permission }, bob)).result).toBe(
      AuthorizeResult.DENY,
    );
    const platform = new NestedClustersExamplePolicy(
      mockServices.auth(),
      mockServices.userInfo({
        ownershipEntityRefs: [
          'user:default/dana',
          'group:default/platform-admins',
        ],
      }),
    );
    const dana = {
      credentials: mockCredentials.user('user:default/dana'),
      info: {
        userEntityRef: 'user:default/dana',
        ownershipEntityRefs: [
          'user:default/dana',
          'group:default/platform-admins',
        ],
      },
    };
    expect((await platform.handle({ permission }, dana)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(permission.attributes.action).toBeUndefined();
    // Host health details go to the same group.
    const hostRead = nestedClusterHostReadPermission;
    expect((await platform.handle({ permission: hostRead }, dana)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect((await policy.handle({ permission: hostRead }, bob)).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('denies nested-cluster permissions without a signed-in user', async () => {
    const service = {
      credentials: mockCredentials.service(),
      info: { userEntityRef: '', ownershipEntityRefs: [] },
    };
    for (const permission of [
      nestedClusterCreatePermission,
      nestedClusterReadPermission,
      nestedClusterDeletePermission,
    ]) {
      expect((await policy.handle({ permission }, service)).result).toBe(
        AuthorizeResult.DENY,
      );
      expect((await policy.handle({ permission })).result).toBe(
        AuthorizeResult.DENY,
      );
    }
  });

  it('allows everything else, so other plugins keep working', async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect((await policy.handle({ permission: catalogRead }, bob)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
