import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { audited } from './audit';
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
      try {
        await audited(
          this.auditor,
          {
            eventId: 'nested-cluster-expire',
            severityLevel: 'high',
            meta: {
              host: cluster.host,
              name: cluster.name,
              owner: cluster.owner,
              expiresAt: cluster.expiresAt,
            },
          },
          () => this.lifecycle.delete(cluster),
        );
        deleted += 1;
        this.logger.info(
          `Deleting expired nested cluster ${cluster.host}/${cluster.name} (expired ${cluster.expiresAt})`,
        );
      } catch {
        // Audited as failed; one failing host must not stop the others, and the next run retries.
      }
    }
    return deleted;
  }
}
