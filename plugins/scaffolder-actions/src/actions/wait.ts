import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DEFAULT_POLL_INTERVAL_MS,
  initiatorToken,
  NestedClusterActionsOptions,
} from './api';
import { DEFAULT_TIMEOUT_SECONDS, fields, WAITABLE_STATUSES } from './fields';
import { examples } from './wait.examples';
import { waitForCluster } from './waitForCluster';

export const WAIT_ACTION_ID = 'nested-clusters:wait';

/** Waits until a nested cluster reaches a state, as the task's initiator. */
export function createNestedClusterWaitAction(
  options: NestedClusterActionsOptions,
) {
  const { api, auth } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

  return createTemplateAction({
    id: WAIT_ACTION_ID,
    description:
      'Waits until a nested cluster reaches a state (Running by default), logging each change of state. Fails with the reason when the cluster fails, is deleted, or the timeout passes.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        host: fields.host,
        name: fields.name,
        status: z =>
          z
            .enum(WAITABLE_STATUSES)
            .optional()
            .describe(
              'The state to wait for: Running or Paused. Default: Running',
            ),
        timeoutSeconds: fields.timeoutSeconds,
      },
      output: {
        namespace: fields.namespace,
        status: fields.status,
      },
    },
    async handler(ctx) {
      const { host, name } = ctx.input;
      const status = ctx.input.status ?? 'Running';
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      if (ctx.isDryRun) {
        // The cluster of a dry run was never created, so there is nothing to poll.
        ctx.logger.info(
          `Dry run: would wait for ${host}/${name} to be ${status}`,
        );
        ctx.output('namespace', '');
        ctx.output('status', status);
        return;
      }
      ctx.logger.info(
        `Waiting up to ${timeoutSeconds}s for ${host}/${name} to be ${status}`,
      );
      const cluster = await waitForCluster({
        api,
        token: initiatorToken(auth, ctx),
        host,
        name,
        until: status,
        timeoutMs: timeoutSeconds * 1000,
        pollIntervalMs,
        logger: ctx.logger,
        signal: ctx.signal,
      });
      ctx.output('namespace', cluster?.namespace ?? '');
      ctx.output('status', cluster?.status ?? status);
    },
  });
}
