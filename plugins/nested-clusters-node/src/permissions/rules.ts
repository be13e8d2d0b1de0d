import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  NestedCluster,
  RESOURCE_TYPE_NESTED_CLUSTER,
} from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod';

/**
 * Clusters live in the watch cache, not in a database, so a "query" is a
 * predicate evaluated in memory.
 */
export type NestedClusterPredicate = (cluster: NestedCluster) => boolean;

export const nestedClusterPermissionResourceRef = createPermissionResourceRef<
  NestedCluster,
  NestedClusterPredicate
>().with({
  pluginId: 'nested-clusters',
  resourceType: RESOURCE_TYPE_NESTED_CLUSTER,
});

/** Parameters of the IS_OWNER rule. */
export interface IsOwnerParams {
  /** Entity refs of the caller: the user and the groups they belong to (ownershipEntityRefs). */
  claims: string[];
}

/** Parameters of the HAS_COMPONENT rule. */
export interface HasComponentParams {
  componentRef: string;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

function isOwnerApply(cluster: NestedCluster, { claims }: IsOwnerParams) {
  const refs = new Set(claims.map(lower));
  return refs.has(lower(cluster.owner)) || refs.has(lower(cluster.createdBy));
}

function hasComponentApply(
  cluster: NestedCluster,
  { componentRef }: HasComponentParams,
) {
  return (
    cluster.component !== undefined &&
    lower(cluster.component) === lower(componentRef)
  );
}

export const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description:
    'Allow nested clusters whose owner or creator is among the given entity refs',
  resourceRef: nestedClusterPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the caller, e.g. its ownershipEntityRefs'),
  }),
  apply: isOwnerApply,
  toQuery: params => cluster => isOwnerApply(cluster, params),
});

export const hasComponent = createPermissionRule({
  name: 'HAS_COMPONENT',
  description: 'Allow nested clusters that belong to the given component',
  resourceRef: nestedClusterPermissionResourceRef,
  paramsSchema: z.object({
    componentRef: z
      .string()
      .describe('Entity ref of the component, e.g. component:default/web-shop'),
  }),
  apply: hasComponentApply,
  toQuery: params => cluster => hasComponentApply(cluster, params),
});

export const nestedClusterRules = { isOwner, hasComponent };

/**
 * Condition factories for permission policies, e.g.
 * `createNestedClusterConditionalDecision(request.permission,
 *  nestedClusterConditions.isOwner({ claims: info.ownershipEntityRefs }))`.
 */
export const {
  conditions: nestedClusterConditions,
  createConditionalDecision: createNestedClusterConditionalDecision,
} = createConditionExports({
  resourceRef: nestedClusterPermissionResourceRef,
  rules: nestedClusterRules,
});
