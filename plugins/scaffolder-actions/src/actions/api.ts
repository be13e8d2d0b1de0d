import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { isError, ResponseError } from '@backstage/errors';
import {
  NESTED_CLUSTERS_PLUGIN_ID,
  NestedClustersApi,
} from '@nested-clusters/plugin-nested-clusters-common';

/** What the actions are built from. */
export interface NestedClusterActionsOptions {
  /** The nested-clusters REST API; every call carries an initiator token. */
  api: NestedClustersApi;
  auth: AuthService;
  /** `app.baseUrl`, for links to the portal. */
  appBaseUrl: string;
  /** How often to poll a cluster while waiting; defaults to 2 seconds. */
  pollIntervalMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 2000;

/**
 * Returns a function that issues a fresh token for the nested-clusters backend
 * on behalf of the task's initiator, so the user's permissions and quotas
 * apply. Fresh per call because waiting can outlive a single token.
 */
export function initiatorToken(
  auth: AuthService,
  ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
): () => Promise<string> {
  return async () => {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: NESTED_CLUSTERS_PLUGIN_ID,
    });
    return token;
  };
}

export function statusCodeOf(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.statusCode : undefined;
}

/**
 * The client's ResponseError only says "Request failed with 429"; the step log
 * should say what the backend said (quota, permission, bad field), under the
 * backend's error name.
 */
export function explain(error: unknown, context: string): Error {
  const cause = error instanceof ResponseError ? error.cause : error;
  if (!isError(cause)) {
    return new Error(`${context}: ${String(cause)}`, { cause: error });
  }
  const explained = new Error(`${context}: ${cause.message}`, { cause: error });
  explained.name = cause.name;
  return explained;
}
