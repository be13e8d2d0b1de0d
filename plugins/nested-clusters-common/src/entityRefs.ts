import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/** The frontend plugin's clusters page. */
export const CLUSTERS_PAGE_PATH = '/nested-clusters';

/**
 * The canonical form of an entity ref input (`Web-Shop` →
 * `component:default/web-shop`). Backstage compares entity refs
 * case-insensitively, so the canonical form is lowercase and can key indexes
 * and annotations. Throws an InputError naming the field.
 */
export function normalizeEntityRef(
  ref: string,
  options: { field: string; defaultKind?: string },
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: options.defaultKind,
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `${options.field}: "${ref}" is not an entity ref: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * The app path of a cluster's page: its component's entity page, where the
 * nested clusters card shows it, or the clusters page without a component.
 * Kind and namespace are lowercase in entity routes, as catalog-react's
 * `entityRouteParams` makes them.
 */
export function clusterPagePath(component: string | undefined): string {
  if (component) {
    try {
      const { kind, namespace, name } = parseEntityRef(component);
      return ['', 'catalog', namespace, kind, name]
        .map((part, i) =>
          encodeURIComponent(i < 4 ? part.toLocaleLowerCase('en-US') : part),
        )
        .join('/');
    } catch {
      // An annotation edited by hand on the host: the clusters page instead.
    }
  }
  return CLUSTERS_PAGE_PATH;
}
