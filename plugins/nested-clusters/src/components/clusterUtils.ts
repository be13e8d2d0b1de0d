import { ResponseError } from '@backstage/errors';
import {
  NestedCluster,
  NestedClusterStatus,
} from '@nested-clusters/plugin-nested-clusters-common';

/** Statuses the backend is still working on; the views poll while any is shown. */
export const TRANSITIONAL_STATUSES: ReadonlySet<NestedClusterStatus> = new Set([
  'Provisioning',
  'Pausing',
  'Resuming',
  'Deleting',
]);

/** How often views refresh while a cluster is in transition. */
export const REFRESH_INTERVAL_MS = 5_000;

/** Under this, "expires in" turns into a warning. */
export const EXPIRY_WARNING_MS = 24 * 3_600_000;

export function isTransitional(cluster: NestedCluster): boolean {
  return TRANSITIONAL_STATUSES.has(cluster.status);
}

/** The file name the backend also uses for its attachment. */
export function kubeconfigFileName(cluster: {
  host: string;
  name: string;
}): string {
  return `${cluster.host}-${cluster.name}.kubeconfig.yaml`;
}

export function kubectlCommand(cluster: { host: string; name: string }) {
  return `kubectl --kubeconfig ${kubeconfigFileName(cluster)} get namespaces`;
}

/** Stable row key: names are unique per host only. */
export function clusterKey(cluster: { host: string; name: string }): string {
  return `${cluster.host}/${cluster.name}`;
}

/**
 * The reason the backend gave, without the client's "Request failed with…"
 * prefix, so users read e.g. "ttl 30d exceeds the profile's maxTtl 14d".
 */
export function errorReason(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** "3d 4h", "5h 12m", "42m"; at most two units, never negative. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) {
    return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  }
  if (hours > 0) {
    return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  }
  return `${mins}m`;
}
