import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  clusterPagePath,
  CreateClusterRequest,
  NestedCluster,
  normalizeEntityRef,
  parseDuration,
  validateClusterName,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  DEFAULT_POLL_INTERVAL_MS,
  explain,
  initiatorToken,
  NestedClusterActionsOptions,
  statusCodeOf,
} from './api';
import { examples } from './create.examples';
import { DEFAULT_TIMEOUT_SECONDS, fields } from './fields';
import { waitForCluster } from './waitForCluster';

export const CREATE_ACTION_ID = 'nested-clusters:create';

/** Creates a nested cluster through the nested-clusters REST API, as the task's initiator. */
export function createNestedClusterCreateAction(
  options: NestedClusterActionsOptions,
) {
  const { api, auth } = options;
  const appBaseUrl = options.appBaseUrl.replace(/\/+$/, '');
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

  return createTemplateAction({
    id: CREATE_ACTION_ID,
    description:
      'Creates a nested (virtual) cluster on a host cluster for a component, as the user who runs the template (their permissions and quotas apply), and by default waits until it is Running, logging its progress.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: fields.name,
        profile: z =>
          z
            .string()
            .min(1)
            .describe(
              'Profile to create the cluster from (platform-defined size, Kubernetes version and default TTL), e.g. sandbox',
            ),
        host: z =>
          z
            .string()
            .optional()
            .describe(
              'Host cluster to create it on; when omitted, the backend picks the healthy host with the most free capacity',
            ),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              "Entity ref of the component the cluster is for, e.g. component:default/web-shop; the permission policy decides who may create one for it (the example policy: the component's owners)",
            ),
        owner: z =>
          z
            .string()
            .optional()
            .describe(
              "Entity ref of the owning group or user, which must be the initiator or one of the initiator's groups; defaults to the component's owner when the initiator belongs to it, otherwise to the initiator",
            ),
        ttl: z =>
          z
            .string()
            .optional()
            .describe(
              "Time to live such as 24h, 3d or 2w; defaults to the profile's TTL and may not exceed its maximum",
            ),
        waitForReady: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait until the cluster is Running before the step ends. Default: true',
            ),
        timeoutSeconds: fields.timeoutSeconds,
      },
      output: {
        name: z => z.string().describe('Name of the nested cluster'),
        host: z => z.string().describe('Host cluster it runs on'),
        namespace: fields.namespace,
        status: fields.status,
        clusterUrl: z =>
          z
            .string()
            .describe(
              "Portal page of the cluster: its component's page (the nested clusters card), or the nested clusters page when it has no component",
            ),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe('Entity ref of the component the cluster belongs to'),
      },
    },
    async handler(ctx) {
      const request = toRequest(ctx.input);
      const token = initiatorToken(auth, ctx);
      const emit = (
        cluster: Pick<NestedCluster, 'name' | 'host' | 'namespace' | 'status'>,
      ) => {
        ctx.output('name', cluster.name);
        ctx.output('host', cluster.host);
        ctx.output('namespace', cluster.namespace);
        ctx.output('status', cluster.status);
        ctx.output(
          'clusterUrl',
          `${appBaseUrl}${clusterPagePath(request.entityRef)}`,
        );
        if (request.entityRef) {
          ctx.output('entityRef', request.entityRef);
        }
      };

      if (ctx.isDryRun) {
        let preview: NestedCluster;
        try {
          preview = await api.createCluster(request, {
            token: await token(),
            dryRun: true,
          });
        } catch (error) {
          throw explain(
            error,
            `Nested cluster "${request.name}" cannot be created`,
          );
        }
        ctx.logger.info(
          `Dry run: ${preview.host}/${preview.name} would be created in namespace ${preview.namespace}; nothing was created`,
        );
        emit(preview);
        return;
      }

      ctx.logger.info(
        `Creating nested cluster "${request.name}" from profile ${
          request.profile
        }${request.entityRef ? ` for ${request.entityRef}` : ''}`,
      );
      // Recorded once per task: a retried task keeps the first attempt's time,
      // which tells a cluster this task created apart from someone else's.
      const attemptStartedAt = await ctx.checkpoint({
        key: `nested-clusters.create.${request.name}.started`,
        fn: async () => new Date().toISOString(),
      });
      const created = await ctx.checkpoint({
        key: `nested-clusters.create.${request.name}`,
        fn: async () => {
          const cluster = await createOrAdopt({
            request,
            attemptStartedAt,
            token,
            credentials: await ctx.getInitiatorCredentials(),
            log: message => ctx.logger.info(message),
          });
          return {
            name: cluster.name,
            host: cluster.host,
            namespace: cluster.namespace,
            status: cluster.status,
          };
        },
      });
      ctx.logger.info(
        `Nested cluster ${created.host}/${created.name} is ${created.status} in namespace ${created.namespace}`,
      );

      if (ctx.input.waitForReady === false) {
        emit(created);
        return;
      }
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      ctx.logger.info(
        `Waiting up to ${timeoutSeconds}s for ${created.host}/${created.name} to be Running`,
      );
      const running = await waitForCluster({
        api,
        token,
        host: created.host,
        name: created.name,
        until: 'Running',
        timeoutMs: timeoutSeconds * 1000,
        pollIntervalMs,
        logger: ctx.logger,
        signal: ctx.signal,
      });
      emit(running ?? created);
    },
  });

  async function createOrAdopt(opts: {
    request: CreateClusterRequest;
    attemptStartedAt: string;
    token: () => Promise<string>;
    credentials: BackstageCredentials;
    log: (message: string) => void;
  }): Promise<NestedCluster> {
    const { request, token } = opts;
    try {
      return await api.createCluster(request, { token: await token() });
    } catch (error) {
      if (statusCodeOf(error) === 409) {
        const earlier = await findEarlierAttempt(opts);
        if (earlier) {
          opts.log(
            `${earlier.host}/${earlier.name} was created by an earlier attempt of this task; continuing with it`,
          );
          return earlier;
        }
      }
      throw explain(error, `Could not create nested cluster "${request.name}"`);
    }
  }

  /**
   * After a crash between the backend accepting the create and the checkpoint being saved, the
   * retry meets its own cluster as a 409. It is ours when this user created it
   * for the same component and profile after this task first started.
   */
  async function findEarlierAttempt(opts: {
    request: CreateClusterRequest;
    attemptStartedAt: string;
    token: () => Promise<string>;
    credentials: BackstageCredentials;
  }): Promise<NestedCluster | undefined> {
    const { request, credentials } = opts;
    if (!auth.isPrincipal(credentials, 'user')) {
      return undefined;
    }
    // Kubernetes timestamps have whole seconds.
    const notBefore =
      Math.floor(Date.parse(opts.attemptStartedAt) / 1000) * 1000;
    const { items } = await api.listClusters(
      { entityRef: request.entityRef, host: request.host },
      { token: await opts.token() },
    );
    return items.find(
      cluster =>
        cluster.name === request.name &&
        cluster.createdBy === credentials.principal.userEntityRef &&
        cluster.component === request.entityRef &&
        cluster.profile === request.profile &&
        Date.parse(cluster.createdAt) >= notBefore,
    );
  }
}

/** Validates the inputs the way the backend does, so bad input fails before any call. */
function toRequest(input: {
  name: string;
  profile: string;
  host?: string;
  entityRef?: string;
  owner?: string;
  ttl?: string;
}): CreateClusterRequest {
  const nameError = validateClusterName(input.name);
  if (nameError) {
    throw new InputError(`Invalid input "name": ${nameError}`);
  }
  if (!input.profile) {
    throw new InputError('Invalid input "profile": a profile is required');
  }
  // Optional template parameters render as empty strings when left blank.
  const ttl = input.ttl || undefined;
  if (ttl !== undefined && parseDuration(ttl) === undefined) {
    throw new InputError(
      `Invalid input "ttl": "${ttl}" is not a duration such as 90m, 24h, 3d or 2w`,
    );
  }
  return {
    name: input.name,
    profile: input.profile,
    host: input.host || undefined,
    entityRef: input.entityRef
      ? normalizeEntityRef(input.entityRef, {
          field: 'entityRef',
          defaultKind: 'component',
        })
      : undefined,
    owner: input.owner
      ? normalizeEntityRef(input.owner, {
          field: 'owner',
          defaultKind: 'group',
        })
      : undefined,
    ttl,
  };
}
