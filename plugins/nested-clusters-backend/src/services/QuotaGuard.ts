import { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  Host,
  MANAGED_SELECTOR,
  NestedClustersHostsService,
  parseResourcesAnnotation,
} from '@nested-clusters/plugin-nested-clusters-node';
import { QuotaExceededError } from './errors';
import { checkOwnerLimits, clusterRequests } from './ownerLimits';

/**
 * The host's resourceVersion of a namespace when it was created. Later
 * changes (pause, extend) bump metadata.resourceVersion, so it is recorded.
 */
export const CREATED_REVISION_ANNOTATION =
  'nested-clusters.backstage.io/created-revision';

/** Namespaces older than this without the annotation predate it. */
const LEGACY_AGE_MS = 60_000;

/**
 * Makes `maxClusters` and `limits.perOwner` (clusters, CPU, memory) hold under any number of
 * parallel creates, on any number of backend replicas, with the host as the
 * only state. Each create first creates its namespace, then reads a fresh
 * list of the managed namespaces from the host (no cache) and keeps its
 * cluster only when fewer than the limit were created before it on that
 * host. "Before" is the host's own commit order (the resourceVersion of the
 * create): a namespace committed before ours is in our list, one committed
 * after ours sees ours in its own list, so two racing creates never both
 * count past each other. The loser gets 429 and its namespace is deleted.
 */
export class QuotaGuard {
  constructor(private readonly hosts: NestedClustersHostsService) {}

  /**
   * Throws QuotaExceededError when the just created namespace is over a
   * limit; otherwise records its creation revision on it.
   */
  async verify(host: Host, created: KubernetesObject): Promise<void> {
    const revision = created.metadata?.resourceVersion ?? '';
    const owner = created.metadata?.annotations?.[ANNOTATIONS.owner] ?? '';
    const own = await this.liveNamespaces(host);
    const before = own.filter(ns => isBefore(ns, revision, created));

    const { maxClusters } = host.config;
    if (before.length >= maxClusters) {
      throw new QuotaExceededError(
        `host "${host.config.name}" is full: it has ${before.length} of ${maxClusters} nested clusters`,
      );
    }

    // Other hosts have their own revisions, so their clusters of this owner
    // all count: a race across hosts may refuse both, never admit both.
    const elsewhere = await Promise.all(
      this.hosts
        .hosts()
        .filter(h => h.config.name !== host.config.name)
        .map(h => this.liveNamespaces(h).catch(() => [])),
    );
    const owned = [...before, ...elsewhere.flat()].filter(
      ns => ns.metadata?.annotations?.[ANNOTATIONS.owner] === owner,
    );
    // CPU and memory count in the same order as clusters do.
    const requestsOf = (ns: KubernetesObject) => {
      const a = ns.metadata?.annotations ?? {};
      return clusterRequests(
        parseResourcesAnnotation(a[ANNOTATIONS.requests]),
        a[ANNOTATIONS.profile],
        this.hosts.config.profiles,
      );
    };
    checkOwnerLimits(
      owner,
      owned.map(requestsOf),
      requestsOf(created),
      this.hosts.config.limits.perOwner,
    );

    await host.client.mergePatch(
      { apiVersion: 'v1', kind: 'Namespace', name: created.metadata!.name! },
      {
        metadata: { annotations: { [CREATED_REVISION_ANNOTATION]: revision } },
      },
    );
  }

  /** Managed namespaces that are not being deleted, read from the host now. */
  private async liveNamespaces(host: Host): Promise<V1Namespace[]> {
    const list = await host.client.call('namespaces', () =>
      host.client.core.listNamespace({ labelSelector: MANAGED_SELECTOR }),
    );
    return list.items.filter(ns => !ns.metadata?.deletionTimestamp);
  }
}

function isBefore(
  ns: V1Namespace,
  revision: string,
  created: KubernetesObject,
): boolean {
  if (ns.metadata?.uid === created.metadata?.uid) {
    return false;
  }
  return compareRevisions(createdRevision(ns), revision) < 0;
}

/** The creation revision; namespaces from before the annotation sort first. */
function createdRevision(ns: V1Namespace): string {
  const recorded = ns.metadata?.annotations?.[CREATED_REVISION_ANNOTATION];
  if (recorded) {
    return recorded;
  }
  const createdAt = ns.metadata?.creationTimestamp;
  const age = createdAt ? Date.now() - new Date(createdAt).getTime() : 0;
  return age > LEGACY_AGE_MS ? '0' : ns.metadata?.resourceVersion ?? '0';
}

/**
 * resourceVersions are etcd revisions, decimal integers that only grow; the
 * API calls them opaque, so non-numeric ones compare as strings.
 */
function compareRevisions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    return a.length === b.length ? a.localeCompare(b) : a.length - b.length;
  }
  return a.localeCompare(b);
}
