import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION } from '@backstage/plugin-kubernetes-common';
import {
  CLUSTERS_PAGE_PATH,
  NESTED_CLUSTER_ENTITY_ANNOTATIONS,
  NESTED_CLUSTER_RESOURCE_TYPE,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { isDeepStrictEqual } from 'node:util';
import {
  NestedClusterEvent,
  NestedClustersHostsService,
} from '@nested-clusters/plugin-nested-clusters-node';
import { clusterEntityName } from '@nested-clusters/plugin-nested-clusters-node';

const RETRY_DELAY_MS = 5_000;

/**
 * The Kubernetes plugin's cluster filter (honoured by its `singleTenant`
 * service locator): the entity's Kubernetes tab reads this cluster only.
 */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * A label selector that matches every object, for a Kubernetes tab that shows
 * all workloads of the nested cluster. The plugin needs a non-empty selector,
 * and `!key` matches the objects without a label that nothing carries.
 */
export const ALL_OBJECTS_SELECTOR = '!nested-clusters.backstage.io/none';

/** Where this provider's entities come from, one location per host. */
export function hostLocation(host: string): string {
  return `nested-clusters:${host}`;
}

export function toResourceEntity(
  cluster: NestedCluster,
  appBaseUrl: string,
): Entity {
  const location = hostLocation(cluster.host);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: clusterEntityName(cluster),
      namespace: 'default',
      title: `${cluster.name} (${cluster.host})`,
      description: `Nested cluster ${cluster.name} on host ${cluster.host}`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [NESTED_CLUSTER_ENTITY_ANNOTATIONS.host]: cluster.host,
        [NESTED_CLUSTER_ENTITY_ANNOTATIONS.name]: cluster.name,
        [NESTED_CLUSTER_ENTITY_ANNOTATIONS.status]: cluster.status,
        [KUBERNETES_CLUSTER_ANNOTATION]: clusterEntityName(cluster),
        [KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION]: ALL_OBJECTS_SELECTOR,
      },
      links: [
        {
          url: `${appBaseUrl}${CLUSTERS_PAGE_PATH}`,
          title: 'Nested clusters',
          icon: 'dashboard',
        },
      ],
    },
    spec: {
      type: NESTED_CLUSTER_RESOURCE_TYPE,
      owner: cluster.owner,
      ...(cluster.component ? { dependencyOf: [cluster.component] } : {}),
    },
  };
}

/**
 * Keeps one `Resource` entity per nested cluster. The first mutation after
 * connect is a full one from the watch cache; afterwards every cluster
 * change becomes a delta mutation within moments, with no timer.
 */
export class NestedClusterEntityProvider implements EntityProvider {
  /** The entity last sent per cluster, to skip changes the entity does not show (progress). */
  private readonly sent = new Map<string, Entity>();
  /** Cluster key → its entity, or null for removal; drained by flush(). */
  private readonly pending = new Map<string, Entity | null>();
  private connection?: EntityProviderConnection;
  private flushing?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly hosts: NestedClustersHostsService,
    private readonly appBaseUrl: string,
    private readonly logger: LoggerService,
  ) {}

  getProviderName(): string {
    return 'nested-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    // Subscribe before the snapshot so no change falls between the two.
    this.unsubscribe = this.hosts.subscribe(event => this.onEvent(event));
    const { items } = await this.hosts.listClusters();
    const entities = items.map(cluster => this.entityOf(cluster));
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(deferred),
    });
    for (const [index, cluster] of items.entries()) {
      this.sent.set(keyOf(cluster), entities[index]);
    }
    this.connection = connection;
    this.flush();
  }

  /** Stops following changes (on shutdown). */
  close(): void {
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
  }

  private onEvent(event: NestedClusterEvent): void {
    const key = keyOf(event.cluster);
    this.pending.set(
      key,
      event.type === 'removed' ? null : this.entityOf(event.cluster),
    );
    this.flush();
  }

  private entityOf(cluster: NestedCluster): Entity {
    return toResourceEntity(cluster, this.appBaseUrl);
  }

  /** One mutation at a time; changes arriving meanwhile go into the next one. */
  private flush(): void {
    if (
      !this.connection ||
      this.flushing ||
      this.retryTimer ||
      this.pending.size === 0
    ) {
      return;
    }
    const connection = this.connection;
    this.flushing = (async () => {
      while (this.pending.size > 0) {
        const batch = [...this.pending];
        this.pending.clear();
        const added: Entity[] = [];
        const removed: Entity[] = [];
        for (const [key, entity] of batch) {
          const previous = this.sent.get(key);
          if (entity && !isDeepStrictEqual(previous, entity)) {
            added.push(entity);
          } else if (!entity && previous) {
            removed.push(previous);
          }
        }
        if (added.length === 0 && removed.length === 0) {
          continue;
        }
        try {
          await connection.applyMutation({
            type: 'delta',
            added: added.map(deferred),
            removed: removed.map(deferred),
          });
        } catch (error) {
          this.logger.warn(
            `Could not update ${
              added.length + removed.length
            } nested-cluster entities in the catalog, retrying: ${error}`,
          );
          // Retry the batch later, unless newer changes replaced it meanwhile.
          for (const [key, entity] of batch) {
            if (!this.pending.has(key)) {
              this.pending.set(key, entity);
            }
          }
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.flush();
          }, RETRY_DELAY_MS);
          return;
        }
        for (const [key, entity] of batch) {
          if (entity) {
            this.sent.set(key, entity);
          } else {
            this.sent.delete(key);
          }
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      this.flush();
    });
  }
}

function keyOf(cluster: NestedCluster): string {
  return `${cluster.host}/${cluster.name}`;
}

function deferred(entity: Entity): DeferredEntity {
  return {
    entity,
    locationKey: entity.metadata.annotations![ANNOTATION_LOCATION],
  };
}
