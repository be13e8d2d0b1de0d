import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ComponentClustersSignal,
  NestedCluster,
  nestedClustersComponentChannel,
  NESTED_CLUSTERS_USER_CHANNEL,
  UserClustersSignal,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  NestedClusterEvent,
  NestedClustersHostsService,
} from '@nested-clusters/plugin-nested-clusters-node';
import { SignalsService } from '@backstage/plugin-signals-node';

/** Changes are gathered this long, so a burst (a cold start) is one message per channel. */
const SIGNAL_BATCH_MS = 50;

/**
 * Publishes cluster changes through Backstage signals, so views update
 * without polling. Per component: a broadcast without cluster data, a hint
 * to re-read through the REST API, which authorizes the reader. Per user:
 * the host and name of changed clusters, sent only to their owner (user or
 * group, matched against the recipient's ownership refs) and their creator.
 */
export class ClusterSignals {
  private readonly components = new Set<string>();
  private readonly byRecipient = new Map<string, Map<string, string>>();
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  private readonly unsubscribe: () => void;

  constructor(
    hosts: NestedClustersHostsService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {
    this.unsubscribe = hosts.subscribe(event => this.collectEvent(event));
  }

  stop(): void {
    this.unsubscribe();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A change the hosts service does not see, e.g. an add-on's phase. */
  clusterChanged(cluster: NestedCluster): void {
    this.collect([cluster]);
  }

  private collectEvent(event: NestedClusterEvent): void {
    this.collect(
      event.type === 'changed'
        ? [event.cluster, event.previous]
        : [event.cluster],
    );
  }

  private collect(clusters: NestedCluster[]): void {
    for (const cluster of clusters) {
      if (cluster.component) {
        this.components.add(cluster.component);
      }
      for (const ref of [cluster.owner, cluster.createdBy]) {
        if (ref) {
          const keys = this.byRecipient.get(ref) ?? new Map<string, string>();
          keys.set(`${cluster.host}/${cluster.name}`, cluster.host);
          this.byRecipient.set(ref, keys);
        }
      }
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), SIGNAL_BATCH_MS);
      this.timer.unref?.();
    }
  }

  private flush(): void {
    this.timer = undefined;
    const components = [...this.components];
    const recipients = [...this.byRecipient];
    this.components.clear();
    this.byRecipient.clear();
    const sends: Promise<void>[] = [];
    for (const component of components) {
      sends.push(
        this.signals.publish<ComponentClustersSignal>({
          recipients: { type: 'broadcast' },
          channel: nestedClustersComponentChannel(component),
          message: { sequence: ++this.sequence },
        }),
      );
    }
    for (const [ref, keys] of recipients) {
      sends.push(
        this.signals.publish<UserClustersSignal>({
          recipients: { type: 'user', entityRef: ref },
          channel: NESTED_CLUSTERS_USER_CHANNEL,
          message: {
            sequence: ++this.sequence,
            clusters: [...keys.entries()].map(([key, host]) => ({
              host,
              name: key.slice(host.length + 1),
            })),
          },
        }),
      );
    }
    Promise.all(sends).catch(error =>
      this.logger.warn(`Publishing cluster signals failed: ${error}`),
    );
  }
}
