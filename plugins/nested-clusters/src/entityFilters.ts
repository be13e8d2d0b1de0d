import { Entity } from '@backstage/catalog-model';
import {
  NESTED_CLUSTER_ENTITY_ANNOTATIONS,
  NESTED_CLUSTER_RESOURCE_TYPE,
} from '@nested-clusters/plugin-nested-clusters-common';

/**
 * Whether the entity is a nested cluster's Resource (from the catalog module)
 * that names its cluster; use it to show the overview card in legacy apps.
 */
export function isNestedClusterEntity(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === NESTED_CLUSTER_RESOURCE_TYPE &&
    !!annotations[NESTED_CLUSTER_ENTITY_ANNOTATIONS.host] &&
    !!annotations[NESTED_CLUSTER_ENTITY_ANNOTATIONS.name]
  );
}
