import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * Normalises an entity ref input (`web-shop` → `component:default/web-shop`),
 * naming the input when it is not a ref at all.
 */
export function normalizeEntityRef(
  field: string,
  ref: string,
  defaultKind: string,
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch (error) {
    throw new InputError(
      `Invalid input "${field}": "${ref}" is not an entity ref`,
    );
  }
}

/**
 * The portal page of a cluster: its component's page, where the nested
 * clusters card shows status, kubeconfig and actions; without a component,
 * the nested clusters page.
 */
export function clusterPageUrl(appBaseUrl: string, entityRef?: string): string {
  const base = appBaseUrl.replace(/\/+$/, '');
  if (!entityRef) {
    return `${base}/nested-clusters`;
  }
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return [
    base,
    'catalog',
    encodeURIComponent(namespace.toLocaleLowerCase('en-US')),
    encodeURIComponent(kind.toLocaleLowerCase('en-US')),
    encodeURIComponent(name),
  ].join('/');
}
