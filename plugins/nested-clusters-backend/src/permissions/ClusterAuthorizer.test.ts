import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import {
  NestedCluster,
  nestedClusterCreatePermission,
  nestedClusterHostReadPermission,
  nestedClusterReadPermission,
} from '@nested-clusters/plugin-nested-clusters-common';
import { PermissionRuleset } from '@backstage/plugin-permission-node';
import { ClusterAuthorizer } from './ClusterAuthorizer';
import {
  createNestedClusterComponentConditionalDecision,
  createNestedClusterConditionalDecision,
  nestedClusterComponentConditions,
  nestedClusterComponentRules,
  nestedClusterConditions,
  nestedClusterRules,
  NestedClusterCreateTarget,
  NestedClusterCreateTargetPredicate,
  NestedClusterPredicate,
} from '@nested-clusters/plugin-nested-clusters-node';

const base: NestedCluster = {
  name: 'a',
  host: 'h',
  namespace: 'nc-a',
  status: 'Running',
  owner: 'group:default/team-a',
  createdBy: 'user:default/guest',
  profile: 'sandbox',
  installer: 'helm-job',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-04T00:00:00Z',
};
const clusters: NestedCluster[] = [
  { ...base, name: 'team-a-web', component: 'component:default/web-shop' },
  { ...base, name: 'team-a-api', component: 'component:default/checkout-api' },
  {
    ...base,
    name: 'bob-web',
    owner: 'user:default/bob',
    createdBy: 'user:default/bob',
    component: 'component:default/web-shop',
  },
];

const ruleset: PermissionRuleset<NestedCluster, NestedClusterPredicate> = {
  getRuleByName: (name: string) =>
    Object.values(nestedClusterRules).find(rule => rule.name === name)!,
};
const componentRuleset: PermissionRuleset<
  NestedClusterCreateTarget,
  NestedClusterCreateTargetPredicate
> = {
  getRuleByName: (name: string) =>
    Object.values(nestedClusterComponentRules).find(
      rule => rule.name === name,
    )!,
};

function authorizerReturning(
  decision: Awaited<
    ReturnType<
      ReturnType<typeof mockServices.permissions>['authorizeConditional']
    >
  >[number],
) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async () => [decision],
    authorize: async () => [
      {
        result:
          decision.result === AuthorizeResult.ALLOW
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      },
    ],
  });
  return new ClusterAuthorizer(permissions, ruleset, componentRuleset);
}

describe('ClusterAuthorizer', () => {
  const credentials = mockCredentials.user('user:default/guest');

  it('applies conditional decisions in memory, including anyOf and not', async () => {
    const authorizer = authorizerReturning(
      createNestedClusterConditionalDecision(nestedClusterReadPermission, {
        anyOf: [
          nestedClusterConditions.isOwner({ claims: ['user:default/bob'] }),
          {
            allOf: [
              nestedClusterConditions.isOwner({
                claims: ['group:default/team-a'],
              }),
              {
                not: nestedClusterConditions.hasComponent({
                  componentRef: 'component:default/web-shop',
                }),
              },
            ],
          },
        ],
      }),
    );
    const allowed = await authorizer.filter(
      nestedClusterReadPermission,
      clusters,
      credentials,
    );
    expect(allowed.map(c => c.name)).toEqual(['team-a-api', 'bob-web']);
  });

  it('filters nothing on ALLOW and everything on DENY', async () => {
    expect(
      await authorizerReturning({ result: AuthorizeResult.ALLOW }).filter(
        nestedClusterReadPermission,
        clusters,
        credentials,
      ),
    ).toHaveLength(3);
    expect(
      await authorizerReturning({ result: AuthorizeResult.DENY }).filter(
        nestedClusterReadPermission,
        clusters,
        credentials,
      ),
    ).toEqual([]);
  });

  it('names the permission when it refuses', async () => {
    const deny = authorizerReturning({ result: AuthorizeResult.DENY });
    await expect(
      deny.authorize(nestedClusterReadPermission, clusters[0], credentials),
    ).rejects.toThrow(
      'Not allowed: permission nested-clusters.cluster.read was denied for nested cluster h/team-a-web',
    );
    await expect(
      deny.authorizeBasic(nestedClusterHostReadPermission, credentials),
    ).rejects.toThrow('nested-clusters.host.read');
  });

  it('decides create on the component, naming it and its owner when it refuses', async () => {
    const webShop: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web-shop' },
      spec: { owner: 'team-a' },
    };
    const teamB = authorizerReturning(
      createNestedClusterComponentConditionalDecision(
        nestedClusterCreatePermission,
        {
          anyOf: [
            nestedClusterComponentConditions.hasNoComponent(),
            nestedClusterComponentConditions.isComponentOwner({
              claims: ['user:default/bob', 'group:default/team-b'],
            }),
          ],
        },
      ),
    );
    await expect(
      teamB.authorizeCreate({ component: webShop }, credentials),
    ).rejects.toThrow(
      'Not allowed: permission nested-clusters.cluster.create was denied for component:default/web-shop (owned by group:default/team-a)',
    );
    await expect(teamB.authorizeCreate({}, credentials)).resolves.toBe(
      undefined,
    );
    await expect(
      teamB.authorizeCreate(
        { component: { ...webShop, spec: { owner: 'team-b' } } },
        credentials,
      ),
    ).resolves.toBe(undefined);
    await expect(
      authorizerReturning({ result: AuthorizeResult.DENY }).authorizeCreate(
        {},
        credentials,
      ),
    ).rejects.toThrow(
      'Not allowed: permission nested-clusters.cluster.create was denied for a cluster without a component',
    );
  });
});
