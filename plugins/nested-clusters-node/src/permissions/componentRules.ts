import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { RESOURCE_TYPE_NESTED_CLUSTER_COMPONENT } from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod';

/**
 * What `nested-clusters.cluster.create` is decided on: the catalog entity the
 * new cluster is for, read with the caller's credentials, or none when the
 * request names no component.
 */
export interface NestedClusterCreateTarget {
  component?: Entity;
}

/** Conditions are evaluated in memory against the one target of a create. */
export type NestedClusterCreateTargetPredicate = (
  target: NestedClusterCreateTarget,
) => boolean;

export const nestedClusterComponentPermissionResourceRef =
  createPermissionResourceRef<
    NestedClusterCreateTarget,
    NestedClusterCreateTargetPredicate
  >().with({
    pluginId: 'nested-clusters',
    resourceType: RESOURCE_TYPE_NESTED_CLUSTER_COMPONENT,
  });

/**
 * The owner of a catalog entity as a lowercase entity ref: its `ownedBy`
 * relation, or else `spec.owner` resolved as the catalog resolves it (kind
 * group, the entity's namespace).
 */
export function componentOwner(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef.toLocaleLowerCase('en-US');
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner === '') {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    // Not an entity ref: nobody owns the entity.
    return undefined;
  }
}

/** Parameters of the IS_COMPONENT_OWNER rule. */
export interface IsComponentOwnerParams {
  /** Entity refs of the caller: the user and the groups they belong to (ownershipEntityRefs). */
  claims: string[];
}

function isComponentOwnerApply(
  { component }: NestedClusterCreateTarget,
  { claims }: IsComponentOwnerParams,
): boolean {
  const owner = component && componentOwner(component);
  return (
    owner !== undefined &&
    claims.some(claim => claim.toLocaleLowerCase('en-US') === owner)
  );
}

export const isComponentOwner = createPermissionRule({
  name: 'IS_COMPONENT_OWNER',
  description:
    'Allow creating nested clusters for a component whose owner is among the given entity refs',
  resourceRef: nestedClusterComponentPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the caller, e.g. its ownershipEntityRefs'),
  }),
  apply: isComponentOwnerApply,
  toQuery: params => target => isComponentOwnerApply(target, params),
});

const hasNoComponentApply = ({ component }: NestedClusterCreateTarget) =>
  component === undefined;

export const hasNoComponent = createPermissionRule({
  name: 'HAS_NO_COMPONENT',
  description: 'Allow creating nested clusters that belong to no component',
  resourceRef: nestedClusterComponentPermissionResourceRef,
  apply: hasNoComponentApply,
  toQuery: () => hasNoComponentApply,
});

export const nestedClusterComponentRules = { isComponentOwner, hasNoComponent };

/**
 * Condition factories for `nested-clusters.cluster.create`, e.g.
 * `createNestedClusterComponentConditionalDecision(request.permission,
 *  nestedClusterComponentConditions.isComponentOwner({ claims }))`.
 */
export const {
  conditions: nestedClusterComponentConditions,
  createConditionalDecision: createNestedClusterComponentConditionalDecision,
} = createConditionExports({
  resourceRef: nestedClusterComponentPermissionResourceRef,
  rules: nestedClusterComponentRules,
});
