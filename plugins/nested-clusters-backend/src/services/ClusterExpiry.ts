import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { audited } from './audit';
import { ClusterCommands } from './ClusterCommands';
import { ClusterQueries } from './ClusterQueries';

/**
 * Deletes nested clusters past their expires-at. Runs as a scheduled task with
 * scope 'global', so one replica does it; the state it reads is on the hosts.
 */
export class ClusterExpiry {
  constructor(
    private readonly queries: ClusterQueries,
    private readonly commands: ClusterCommands,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Deletes every expired cluster and every create that was cut off halfway;
   * returns how many deletions started.
   */
  async run(now: Date = new Date()): Promise<number> {
    const batches = [
      {
        eventId: 'nested-cluster-expire',
        reason: 'expired',
        clusters: await this.queries.expiredClusters(now),
      },
      {
        eventId: 'nested-cluster-abandoned-create',
        reason: 'its create was cut off before the installer was submitted',
        clusters: await this.queries.abandonedCreates(now),
      },
    ];
    let deleted = 0;
    for (const { eventId, reason, clusters } of batches) {
      for (const cluster of clusters) {
        try {
          await audited(
            this.auditor,
            {
              eventId,
              severityLevel: 'high',
              meta: {
                host: cluster.host,
                name: cluster.name,
                owner: cluster.owner,
                expiresAt: cluster.expiresAt,
              },
            },
            () => this.commands.delete(cluster),
          );
          deleted += 1;
          this.logger.info(
            `Deleting nested cluster ${cluster.host}/${cluster.name}: ${reason}`,
          );
        } catch {
          // Audited as failed; one failing host must not stop the others, and the next run retries.
        }
      }
    }
    return deleted;
  }
}
