import { parseEntityRef } from '@backstage/catalog-model';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { createHash } from 'node:crypto';

/** The clusters page of the frontend plugin. */
export const CLUSTERS_PAGE_PATH = '/nested-clusters';

const MAX_NAME_LENGTH = 63;

/**
 * One name for a nested cluster across Backstage: the catalog Resource and
 * the Kubernetes plugin's cluster are both called `<host>-<name>`. Host and
 * name may each be 40 characters, so a longer result is shortened and made
 * unique again with a hash, to stay a valid entity name (≤ 63).
 */
export function clusterEntityName(cluster: {
  host: string;
  name: string;
}): string {
  const full = `${cluster.host}-${cluster.name}`;
  if (full.length <= MAX_NAME_LENGTH) {
    return full;
  }
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/** The app path of a cluster's component page, or of the clusters page. */
export function clusterPagePath(cluster: NestedCluster): string {
  if (cluster.component) {
    try {
      const { kind, namespace, name } = parseEntityRef(cluster.component);
      return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
        kind.toLocaleLowerCase('en-US'),
      )}/${encodeURIComponent(name)}`;
    } catch {
      // An annotation edited by hand on the host: fall back to the clusters page.
    }
  }
  return CLUSTERS_PAGE_PATH;
}

/** "team-a" for "group:default/team-a": the words people search for. */
export function shortRef(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}
