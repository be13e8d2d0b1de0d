import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ClusterLifecycleService } from './ClusterLifecycleService';

/**
 * Deletes nested clusters past their expires-at. Runs as a scheduled task with
 * scope 'global', so one replica does it; the state it reads is on the hosts.
 */
export class ClusterExpiry {
  constructor(
    private readonly lifecycle: ClusterLifecycleService,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  /** Deletes every expired cluster; returns how many deletions started. */
  async run(now: Date = new Date()): Promise<number> {
    const expired = await this.lifecycle.expiredClusters(now);
    let deleted = 0;
    for (const cluster of expired) {
      const event = await this.auditor.createEvent({
        eventId: 'nested-cluster-expire',
        severityLevel: 'high',
        meta: {
          host: cluster.host,
          name: cluster.name,
          owner: cluster.owner,
          expiresAt: cluster.expiresAt,
        },
      });
      try {
        await this.lifecycle.delete(cluster);
        await event.success();
        deleted += 1;
        this.logger.info(
          `Deleting expired nested cluster ${cluster.host}/${cluster.name} (expired ${cluster.expiresAt})`,
        );
      } catch (error) {
        // One failing host must not stop the others; the next run retries.
        await event.fail({ error: error as Error });
      }
    }
    return deleted;
  }
}
