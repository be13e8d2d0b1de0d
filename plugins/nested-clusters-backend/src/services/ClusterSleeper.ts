import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import {
  ANNOTATIONS,
  hasPlatformSleep,
  lastSleepEvent,
  NestedClustersHostsService,
  SleepEvent,
} from '@nested-clusters/plugin-nested-clusters-node';
import { audited } from './audit';
import { ClusterCommands } from './ClusterCommands';

export interface SleepRunResult {
  slept: string[];
  woken: string[];
}

/**
 * Applies clusters' sleep schedules with the vcluster CLI's pause and resume.
 * Runs as a scheduled task with scope 'global' (one replica at a time); each
 * schedule event is applied at most once per cluster, recorded on the
 * StatefulSet, so a later run, a manual resume at night or a second replica
 * never repeats it. The schedule wakes only clusters it put to sleep, and
 * leaves clusters alone that vCluster Platform's sleep mode manages.
 */
export class ClusterSleeper {
  constructor(
    private readonly hosts: NestedClustersHostsService,
    private readonly commands: ClusterCommands,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  async run(now: Date): Promise<SleepRunResult> {
    const result: SleepRunResult = { slept: [], woken: [] };
    const { items } = await this.hosts.listClusters();
    for (const cluster of items) {
      const event = cluster.sleep && lastSleepEvent(cluster.sleep, now);
      // Events from before the cluster existed are not its to follow.
      if (!event || event.at.getTime() < Date.parse(cluster.createdAt)) {
        continue;
      }
      const due =
        event.action === 'sleep'
          ? cluster.status === 'Running'
          : cluster.status === 'Paused' || cluster.status === 'Pausing';
      if (!due) {
        continue;
      }
      try {
        if (await this.apply(cluster, event)) {
          result[event.action === 'sleep' ? 'slept' : 'woken'].push(
            `${cluster.host}/${cluster.name}`,
          );
        }
      } catch (error) {
        // Audited as failed; one failing host must not stop the others.
        this.logger.warn(
          `Could not apply the sleep schedule (${
            event.action
          }) to nested cluster ${cluster.host}/${cluster.name}: ${
            (error as Error).message
          }`,
        );
      }
    }
    return result;
  }

  /** Applies one event after checking the host's current objects; true when it acted. */
  private async apply(
    cluster: NestedCluster,
    event: SleepEvent,
  ): Promise<boolean> {
    const host = this.hosts.host(cluster.host);
    // Fresh reads, not the cache: another replica may have acted moments ago.
    const [statefulSet, namespace] = await Promise.all([
      host.client.readStatefulSet(cluster.namespace, cluster.name),
      host.client.call('read namespace', () =>
        host.client.core.readNamespace({ name: cluster.namespace }),
      ),
    ]).catch(error => {
      if (error instanceof NotFoundError) {
        return [undefined, undefined];
      }
      throw error;
    });
    const annotations = statefulSet?.metadata?.annotations ?? {};
    if (
      !statefulSet ||
      hasPlatformSleep(annotations, namespace?.metadata?.annotations)
    ) {
      return false;
    }
    const applied = Date.parse(annotations[ANNOTATIONS.sleepEvent] ?? '');
    if (applied >= event.at.getTime()) {
      return false;
    }
    const at = event.at.toISOString();
    if (event.action === 'wake') {
      // Paused by hand (no mark of ours): the schedule never wakes it.
      if (annotations[ANNOTATIONS.sleptBySchedule] !== 'true') {
        return false;
      }
      await this.audited('nested-cluster-wake', cluster, at, () =>
        this.commands.resume(cluster, { [ANNOTATIONS.sleepEvent]: at }),
      );
    } else {
      await this.audited('nested-cluster-sleep', cluster, at, () =>
        this.commands.pause(cluster, {
          [ANNOTATIONS.sleptBySchedule]: 'true',
          [ANNOTATIONS.sleepEvent]: at,
        }),
      );
    }
    this.logger.info(
      `Sleep schedule: ${
        event.action === 'sleep' ? 'paused' : 'resumed'
      } nested cluster ${cluster.host}/${cluster.name} (event at ${at})`,
    );
    return true;
  }

  private audited(
    eventId: string,
    cluster: NestedCluster,
    scheduledAt: string,
    operation: () => Promise<NestedCluster>,
  ): Promise<NestedCluster> {
    return audited(
      this.auditor,
      {
        eventId,
        severityLevel: 'medium',
        meta: {
          host: cluster.host,
          name: cluster.name,
          owner: cluster.owner,
          scheduledAt,
        },
      },
      operation,
    );
  }
}
