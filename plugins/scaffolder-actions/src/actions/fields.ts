import type { z as zod } from 'zod/v3';
import {
  MAX_CLUSTER_NAME_LENGTH,
  NestedClusterStatus,
} from '@nested-clusters/plugin-nested-clusters-common';

type Z = typeof zod;

export const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * Shared input and output fields, so the actions describe them the same way.
 * The scaffolder validates inputs against the JSON schema but does not apply
 * zod defaults, so optional inputs are optional here and defaulted in code.
 */
export const fields = {
  name: (z: Z) =>
    z
      .string()
      .max(MAX_CLUSTER_NAME_LENGTH)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .describe(
        `Name of the nested cluster: lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${MAX_CLUSTER_NAME_LENGTH} characters. Unique per host.`,
      ),
  host: (z: Z) =>
    z
      .string()
      .min(1)
      .describe(
        'Name of the host cluster, as registered in nestedClusters.hosts',
      ),
  timeoutSeconds: (z: Z) =>
    z
      .number()
      .positive()
      .optional()
      .describe(
        `How long to wait, in seconds, before failing the step. Default: ${DEFAULT_TIMEOUT_SECONDS}`,
      ),
  namespace: (z: Z) =>
    z.string().describe('Namespace of the nested cluster on its host'),
  status: (z: Z) =>
    z
      .string()
      .describe(
        'Status of the nested cluster: Provisioning, Running, Pausing, Paused, Resuming, Failed, Deleting or Unknown',
      ),
};

/** The states `nested-clusters:wait` can wait for: the stable ones a user asks for. */
export const WAITABLE_STATUSES = [
  'Running',
  'Paused',
] as const satisfies readonly NestedClusterStatus[];
