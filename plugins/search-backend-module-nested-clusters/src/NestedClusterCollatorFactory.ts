import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  CLUSTERS_PAGE_PATH,
  NestedCluster,
  nestedClusterReadPermission,
  nestedClusterResourceRef,
} from '@nested-clusters/plugin-nested-clusters-common';
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import {
  clusterEntityName,
  NestedClusterEvent,
  NestedClustersHostsService,
  shortRef,
} from '@nested-clusters/plugin-nested-clusters-node';

/**
 * Documents between two turns of the event loop. Streamed from memory, a
 * collation otherwise runs as one task: with the Lunr engine indexing in the
 * same process, 5,000 clusters held every request for 1.7–2.7 s.
 */
const YIELD_EVERY = 100;

/** The search document type of nested clusters. */
export const NESTED_CLUSTER_DOCUMENT_TYPE = 'nested-cluster';

/** A `nested-cluster` search document; the frontend's result item reads these fields. */
export interface NestedClusterDocument extends IndexableDocument {
  host: string;
  status: string;
  component: string;
  owner: string;
  kubernetesVersion: string;
}

/** The clusters page; it names no cluster, so it needs no per-document check. */
export const CLUSTERS_PAGE_DOCUMENT: NestedClusterDocument = {
  title: 'Nested clusters',
  text: 'Your nested (virtual) clusters on all hosts, and the health and capacity of the hosts.',
  location: CLUSTERS_PAGE_PATH,
  host: '',
  status: '',
  component: '',
  owner: '',
  kubernetesVersion: '',
};

/**
 * Emits one document per nested cluster from the hosts' watch cache (no
 * calls to the hosts). Each document carries the cluster's resource ref, so
 * the search backend checks `nested-clusters.cluster.read` per document.
 */
export class NestedClusterCollatorFactory implements DocumentCollatorFactory {
  readonly type = NESTED_CLUSTER_DOCUMENT_TYPE;
  readonly visibilityPermission = nestedClusterReadPermission;
  /**
   * Whether a document differs from the last collation's; true until one
   * has collated every host. Usage and sleep changes leave it false.
   */
  changed = true;

  constructor(private readonly hosts: NestedClustersHostsService) {
    hosts.subscribe(event => {
      if (changesDocument(event)) {
        this.changed = true;
      }
    });
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<NestedClusterDocument> {
    // Cleared before the list: a change while it streams counts for the next run.
    this.changed = false;
    // Always at least one document: the Lunr engine keeps the previous index
    // when a run yields none, so the last deleted cluster would stay findable.
    yield CLUSTERS_PAGE_DOCUMENT;
    const { items, hostErrors } = await this.hosts.listClusters();
    if (hostErrors.length > 0) {
      // Its clusters are missing from this run; try again at the next.
      this.changed = true;
    }
    for (const [index, cluster] of items.entries()) {
      if (index % YIELD_EVERY === YIELD_EVERY - 1) {
        await setImmediate();
      }
      yield toDocument(cluster);
    }
  }
}

function changesDocument(event: NestedClusterEvent): boolean {
  return (
    event.type !== 'changed' ||
    JSON.stringify(toDocument(event.cluster)) !==
      JSON.stringify(toDocument(event.previous))
  );
}

/**
 * The page of the cluster's Resource entity (catalog module), with its
 * overview card and Kubernetes tab. One page per cluster also keeps documents
 * apart: the Lunr engine keys them by location.
 */
export function clusterEntityPath(cluster: NestedCluster): string {
  return `/catalog/default/resource/${encodeURIComponent(
    clusterEntityName(cluster),
  )}`;
}

export function toDocument(cluster: NestedCluster): NestedClusterDocument {
  const component = cluster.component ?? '';
  const version = cluster.kubernetesVersion ?? '';
  // Short names first: "web-shop" and "team-a" are what people type.
  const text = [
    `Nested cluster ${cluster.name} on host ${cluster.host}, ${cluster.status}.`,
    component && `Component ${shortRef(component)} (${component}).`,
    `Owner ${shortRef(cluster.owner)} (${cluster.owner}).`,
    version && `Kubernetes ${version}.`,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    title: cluster.name,
    text,
    location: clusterEntityPath(cluster),
    host: cluster.host,
    status: cluster.status,
    component,
    owner: cluster.owner,
    kubernetesVersion: version,
    authorization: {
      resourceRef: nestedClusterResourceRef(cluster.host, cluster.name),
    },
  };
}
