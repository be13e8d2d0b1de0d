import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DEFAULT_POLL_INTERVAL_MS,
  explain,
  initiatorToken,
  NestedClusterActionsOptions,
} from './api';
import { examples } from './delete.examples';
import { DEFAULT_TIMEOUT_SECONDS, fields } from './fields';
import { waitForCluster } from './waitForCluster';

export const DELETE_ACTION_ID = 'nested-clusters:delete';

/** Deletes a nested cluster, as the task's initiator. */
export function createNestedClusterDeleteAction(
  options: NestedClusterActionsOptions,
) {
  const { api, auth } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

  return createTemplateAction({
    id: DELETE_ACTION_ID,
    description:
      'Deletes a nested cluster and everything it holds, as the user who runs the template (they need the delete permission), optionally waiting until it is gone.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        host: fields.host,
        name: fields.name,
        waitForDeletion: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait until the cluster and its namespace are gone. Default: false',
            ),
        timeoutSeconds: fields.timeoutSeconds,
      },
    },
    async handler(ctx) {
      const { host, name, waitForDeletion } = ctx.input;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const ref = `${host}/${name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would delete ${ref}; nothing was deleted`);
        return;
      }
      const token = initiatorToken(auth, ctx);
      await ctx.checkpoint({
        key: `nested-clusters.delete.${host}.${name}`,
        fn: async () => {
          // The backend accepts a delete again while the cluster is Deleting,
          // so a retry after an accepted delete needs no special case.
          try {
            await api.deleteCluster(host, name, { token: await token() });
          } catch (error) {
            throw explain(error, `Could not delete nested cluster ${ref}`);
          }
        },
      });
      ctx.logger.info(`Deleting nested cluster ${ref}`);
      if (waitForDeletion) {
        await waitForCluster({
          api,
          token,
          host,
          name,
          until: 'Gone',
          timeoutMs: timeoutSeconds * 1000,
          pollIntervalMs,
          logger: ctx.logger,
          signal: ctx.signal,
        });
      }
    },
  });
}
