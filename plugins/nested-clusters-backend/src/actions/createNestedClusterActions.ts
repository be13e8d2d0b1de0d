import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import {
  CreateClusterRequest,
  ExtendClusterRequest,
  ListClustersQuery,
} from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod/v3';
import { spec } from '../schema/generated/spec';
import {
  Caller,
  ClusterAccess,
  ClusterTarget,
} from '../services/ClusterAccess';
import {
  TypedZodObject,
  zodFromParameters,
  zodFromSpec,
  zodObjectFromSpec,
} from './specZod';

export interface NestedClusterActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  access: ClusterAccess;
}

/** The action schemas are the REST API's, from src/schema/openapi.yaml. */
const clusterOutput = z.object({ cluster: zodFromSpec('NestedCluster') });
const target = zodFromParameters<ClusterTarget>(
  spec.paths['/clusters/{host}/{name}'].parameters,
);
const listInput = zodFromParameters<ListClustersQuery>(
  spec.paths['/clusters'].get.parameters,
);
const createInput = zodObjectFromSpec('CreateClusterRequest').extend({
  dryRun: z.boolean().optional().describe('Only validate; create nothing'),
  // extend() recomputes the value type from the runtime-built shape.
}) as unknown as TypedZodObject<CreateClusterRequest & { dryRun?: boolean }>;
const extendInput = target.merge(
  zodObjectFromSpec('ExtendClusterRequest'),
) as TypedZodObject<ClusterTarget & ExtendClusterRequest>;

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
      input: () => listInput,
      output: () => zodObjectFromSpec('ListClustersResponse'),
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
      input: () => target,
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
    // No visibilityPermission: create is decided on the component (a
    // conditional decision), which only the call itself knows.
    // Creates new things only; a second call with the same name fails as taken.
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: () => createInput,
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

  const lifecycleAction = (definition: {
    verb: 'pause' | 'resume';
    title: string;
    description: string;
  }) =>
    actionsRegistry.register({
      name: `${definition.verb}-nested-cluster`,
      title: definition.title,
      description: definition.description,
      // Reversible (data stays on the volume); repeating it changes nothing more.
      attributes: { readOnly: false, destructive: false, idempotent: true },
      schema: {
        input: () => target,
        output: () => clusterOutput,
      },
      action: async ({ input, credentials }) => ({
        output: {
          cluster: await access[definition.verb](caller(credentials), input),
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
      input: () => extendInput,
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
      input: () => target,
      output: () => clusterOutput,
    },
    action: async ({ input, credentials }) => ({
      output: { cluster: await access.delete(caller(credentials), input) },
    }),
  });
}
