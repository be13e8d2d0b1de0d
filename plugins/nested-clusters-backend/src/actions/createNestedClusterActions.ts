import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { nestedClusterCreatePermission } from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod/v3';
import { Caller, ClusterAccess } from '../services/ClusterAccess';

export interface NestedClusterActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  access: ClusterAccess;
}

const clusterSchema = z
  .object({
    name: z.string().describe('Name of the nested cluster, unique per host'),
    host: z.string().describe('Host cluster it runs on'),
    namespace: z.string().describe('Its namespace on the host'),
    status: z
      .enum([
        'Provisioning',
        'Running',
        'Pausing',
        'Paused',
        'Resuming',
        'Failed',
        'Deleting',
        'Unknown',
      ])
      .describe('Lifecycle status'),
    statusMessage: z.string().optional().describe('Why it is in this status'),
    progress: z
      .object({
        completedSteps: z.number(),
        totalSteps: z.number(),
        step: z.string(),
      })
      .optional()
      .describe('Provisioning progress'),
    owner: z.string().describe('Entity ref of the owning group or user'),
    component: z
      .string()
      .optional()
      .describe('Entity ref of the component it belongs to'),
    createdBy: z.string().describe('Entity ref of the user who created it'),
    profile: z.string().describe('Profile it was created from'),
    installer: z
      .enum(['capi', 'helm-job', 'flux'])
      .describe('How it was installed on its host'),
    kubernetesVersion: z.string().optional().describe('Kubernetes version'),
    createdAt: z.string().describe('Creation time, RFC 3339'),
    expiresAt: z
      .string()
      .describe('When it is deleted automatically, RFC 3339'),
  })
  .describe('A nested (virtual) cluster');

const clusterOutput = z.object({ cluster: clusterSchema });

const target = {
  host: z.string().min(1).describe('Host cluster of the nested cluster'),
  name: z.string().min(1).describe('Name of the nested cluster'),
};

/**
 * Registers the nested-cluster MCP actions. Each one authorizes the caller's
 * own credentials with the same permissions as the REST API, and mutations
 * are audited like the REST API's. There is deliberately no kubeconfig action:
 * credentials should not flow through an AI assistant's context.
 */
export function registerNestedClusterActions(
  options: NestedClusterActionsOptions,
): void {
  const { actionsRegistry, auth, access } = options;

  /** Only users; audit events name the actor and that it came through an action. */
  function caller(credentials: BackstageCredentials): Caller {
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        'Nested-cluster actions must be called with a user’s credentials',
      );
    }
    return {
      credentials,
      audit: {
        meta: { actor: credentials.principal.userEntityRef, via: 'action' },
      },
    };
  }

  actionsRegistry.register({
    name: 'list-nested-clusters',
    title: 'List nested clusters',
    description:
      'Lists the nested (virtual) clusters the caller may read, optionally only those of a component, of an owner or on one host. Hosts that cannot be reached are reported in hostErrors.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: zod =>
        zod.object({
          entityRef: zod
            .string()
            .optional()
            .describe(
              'Only clusters of this component, e.g. component:default/web-shop',
            ),
          owner: zod
            .string()
            .optional()
            .describe('Only clusters of this owner, e.g. group:default/team-a'),
          host: zod.string().optional().describe('Only clusters on this host'),
        }),
      output: zod =>
        zod.object({
          items: zod.array(clusterSchema).describe('The readable clusters'),
          hostErrors: zod
            .array(
              zod.object({
                host: zod.string().describe('The unreachable host'),
                message: zod.string().describe('What went wrong'),
              }),
            )
            .describe('Hosts whose clusters could not be listed'),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await access.list(caller(credentials), input),
    }),
  });

  actionsRegistry.register({
    name: 'get-nested-cluster',
    title: 'Get a nested cluster',
    description:
      'Returns one nested cluster: its status, owner, component, Kubernetes version and expiry.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: zod => zod.object(target),
      output: () => clusterOutput,
    },
    action: async ({ input, credentials }) => ({
      output: { cluster: await access.get(caller(credentials), input) },
    }),
  });

  actionsRegistry.register({
    name: 'create-nested-cluster',
    title: 'Create a nested cluster',
    description:
      'Creates a nested (virtual) cluster from a platform profile, for a component and owner. Returns at once with status Provisioning; poll get-nested-cluster until it is Running. With dryRun, validates everything (name, profile, quotas, permission) and creates nothing.',
    visibilityPermission: nestedClusterCreatePermission,
    // Creates new things only; a second call with the same name fails as taken.
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          name: zod
            .string()
            .describe(
              'DNS-1123 label, at most 40 characters, unique on the host',
            ),
          profile: zod.string().describe('Name of a profile, e.g. sandbox'),
          host: zod
            .string()
            .optional()
            .describe('Host to create it on; default: the least loaded host'),
          entityRef: zod
            .string()
            .optional()
            .describe(
              'The component it is for, e.g. component:default/web-shop',
            ),
          owner: zod
            .string()
            .optional()
            .describe(
              "Owning group or user; default: the component's owner, else the caller",
            ),
          ttl: zod
            .string()
            .optional()
            .describe(
              "Lifetime such as 8h or 3d; default: the profile's ttl, at most its maxTtl",
            ),
          dryRun: zod
            .boolean()
            .optional()
            .describe('Only validate; create nothing'),
        }),
      output: () => clusterOutput,
    },
    action: async ({ input, credentials }) => {
      const { dryRun, ...request } = input;
      const cluster = await access.create(caller(credentials), request, {
        dryRun: dryRun ?? false,
      });
      return { output: { cluster } };
    },
  });

  const lifecycleAction = (spec: {
    verb: 'pause' | 'resume';
    title: string;
    description: string;
  }) =>
    actionsRegistry.register({
      name: `${spec.verb}-nested-cluster`,
      title: spec.title,
      description: spec.description,
      // Reversible (data stays on the volume); repeating it changes nothing more.
      attributes: { readOnly: false, destructive: false, idempotent: true },
      schema: {
        input: zod => zod.object(target),
        output: () => clusterOutput,
      },
      action: async ({ input, credentials }) => ({
        output: {
          cluster: await access[spec.verb](caller(credentials), input),
        },
      }),
    });

  lifecycleAction({
    verb: 'pause',
    title: 'Pause a nested cluster',
    description:
      'Pauses a Running nested cluster the way `vcluster pause` does: its control plane and workloads scale to zero, its data is kept. Resume it with resume-nested-cluster.',
  });
  lifecycleAction({
    verb: 'resume',
    title: 'Resume a nested cluster',
    description:
      'Resumes a Paused nested cluster the way `vcluster resume` does; it becomes Running again.',
  });

  actionsRegistry.register({
    name: 'extend-nested-cluster',
    title: 'Extend a nested cluster',
    description:
      "Moves a nested cluster's expiry further out by a duration, at most to its profile's maxTtl counted from creation.",
    // Every call moves the expiry again.
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: zod =>
        zod.object({
          ...target,
          ttl: zod
            .string()
            .min(1)
            .describe('How much longer, such as 8h, 3d or 1w'),
        }),
      output: () => clusterOutput,
    },
    action: async ({ input, credentials }) => ({
      output: {
        cluster: await access.extend(caller(credentials), input, input.ttl),
      },
    }),
  });

  actionsRegistry.register({
    name: 'delete-nested-cluster',
    title: 'Delete a nested cluster',
    description:
      'Deletes a nested cluster and everything in it. Irreversible. Returns at once with status Deleting.',
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: zod => zod.object(target),
      output: () => clusterOutput,
    },
    action: async ({ input, credentials }) => ({
      output: { cluster: await access.delete(caller(credentials), input) },
    }),
  });
}
