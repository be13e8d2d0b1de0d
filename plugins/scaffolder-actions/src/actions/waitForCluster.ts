import { LoggerService } from '@backstage/backend-plugin-api';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  NestedCluster,
  NestedClustersApi,
} from '@nested-clusters/plugin-nested-clusters-common';
import { explain, statusCodeOf } from './api';

export interface WaitForClusterOptions {
  api: NestedClustersApi;
  token: () => Promise<string>;
  host: string;
  name: string;
  /** The status to wait for, or `Gone` to wait until the cluster no longer exists. */
  until: 'Running' | 'Paused' | 'Gone';
  timeoutMs: number;
  pollIntervalMs: number;
  logger: LoggerService;
  signal?: AbortSignal;
}

/**
 * Polls a cluster until it reaches the wanted state, logging every change of
 * state with the elapsed time. Fails fast when the cluster fails, disappears or
 * starts being deleted, and with the last known state on timeout.
 */
export async function waitForCluster(
  options: WaitForClusterOptions,
): Promise<NestedCluster | undefined> {
  const { api, token, host, name, until, timeoutMs, logger, signal } = options;
  const ref = `${host}/${name}`;
  const startedAt = Date.now();
  const elapsed = () => `${Math.round((Date.now() - startedAt) / 1000)}s`;
  let lastLine: string | undefined;
  let last: NestedCluster | undefined;

  for (;;) {
    signal?.throwIfAborted();
    try {
      last = await api.getCluster(host, name, { token: await token() });
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 404) {
        if (until === 'Gone') {
          logger.info(`${ref}: deleted after ${elapsed()}`);
          return undefined;
        }
        throw new Error(
          `Nested cluster ${ref} not found (it may have been deleted)`,
        );
      }
      // A host or backend hiccup is not the cluster's fault: keep waiting.
      if (status === undefined || status < 500) {
        throw explain(error, `Could not read nested cluster ${ref}`);
      }
      logger.warn(`${ref}: could not read the cluster (${status}); retrying`);
    }

    if (last) {
      const line = describe(last);
      if (line !== lastLine) {
        logger.info(`${ref}: ${line} after ${elapsed()}`);
        lastLine = line;
      }
      if (last.status === until) {
        return last;
      }
      if (last.status === 'Failed') {
        throw new Error(
          `Nested cluster ${ref} failed: ${
            last.statusMessage ?? 'the host gave no reason'
          }`,
        );
      }
      if (last.status === 'Deleting' && until !== 'Gone') {
        throw new Error(`Nested cluster ${ref} is being deleted`);
      }
    }

    const remaining = timeoutMs - (Date.now() - startedAt);
    if (remaining <= 0) {
      const state = last ? `; it is ${describe(last)}` : '';
      throw new Error(
        `Timed out after ${elapsed()} waiting for nested cluster ${ref} to be ${
          until === 'Gone' ? 'deleted' : until
        }${state}`,
      );
    }
    await sleep(Math.min(options.pollIntervalMs, remaining), undefined, {
      signal,
    });
  }
}

/** e.g. `Provisioning (2/5 installing chart)` or `Failed: image pull failed`. */
function describe(cluster: NestedCluster): string {
  if (cluster.status === 'Failed' && cluster.statusMessage) {
    return `Failed: ${cluster.statusMessage}`;
  }
  const { progress } = cluster;
  if (progress) {
    return `${cluster.status} (${progress.completedSteps}/${progress.totalSteps} ${progress.step})`;
  }
  return cluster.status;
}
