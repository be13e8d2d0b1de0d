/**
 * Backstage signals channels on which the backend announces cluster changes.
 * Messages name no cluster the recipient may not read: the component channel
 * is a hint to re-read through the REST API (which authorizes), and the user
 * channel goes only to the owners and the creator of the changed clusters.
 *
 * @public
 */
export const NESTED_CLUSTERS_USER_CHANNEL = 'nested-clusters:user';

/**
 * The channel of one component's clusters (entity ref in lower case).
 *
 * @public
 */
export function nestedClustersComponentChannel(entityRef: string): string {
  return `nested-clusters:component:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * A component channel's message: something changed, read again.
 *
 * @public
 */
export interface ComponentClustersSignal {
  [key: string]: string | number;
  /** Increases with every message, so equal messages still differ. */
  sequence: number;
}

/**
 * A user channel's message: clusters of the recipient that changed.
 *
 * @public
 */
export interface UserClustersSignal {
  [key: string]: number | Array<{ host: string; name: string }>;
  sequence: number;
  clusters: Array<{ host: string; name: string }>;
}
