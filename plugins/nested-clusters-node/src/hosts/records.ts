/**
 * The few fields of host objects the cache keeps. Objects arrive both from
 * typed LIST calls (dates as Date) and from WATCH (dates as strings), so every
 * reader here accepts both.
 */
import { podRequests, Resources } from '../usage';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'backstage-nested-clusters';
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
export const CLUSTER_NAME_LABEL = 'nested-clusters.backstage.io/name';

const ANNOTATION_PREFIX = 'nested-clusters.backstage.io/';
export const ANNOTATIONS = {
  owner: `${ANNOTATION_PREFIX}owner`,
  component: `${ANNOTATION_PREFIX}component`,
  createdBy: `${ANNOTATION_PREFIX}created-by`,
  profile: `${ANNOTATION_PREFIX}profile`,
  installer: `${ANNOTATION_PREFIX}installer`,
  expiresAt: `${ANNOTATION_PREFIX}expires-at`,
  /** Set when the portal starts deleting, so the status is Deleting at once. */
  deletingSince: `${ANNOTATION_PREFIX}deleting-since`,
  /** Set on the StatefulSet by resume, to tell Resuming from Provisioning. */
  resumedAt: `${ANNOTATION_PREFIX}resumed-at`,
  /** The add-ons the cluster was created with (JSON), whatever its profile says now. */
  addons: `${ANNOTATION_PREFIX}addons`,
  /** The cluster's sleep schedule (JSON), chosen at create within its profile's bounds. */
  sleep: `${ANNOTATION_PREFIX}sleep`,
  /** On the StatefulSet: the schedule paused it, so the schedule may wake it. */
  sleptBySchedule: `${ANNOTATION_PREFIX}slept-by-schedule`,
  /** On the StatefulSet: the last schedule event applied, so none is applied twice. */
  sleepEvent: `${ANNOTATION_PREFIX}sleep-event`,
  /** On the namespace: what the cluster's profile requests (JSON Resources), counted by owners' limits. */
  requests: `${ANNOTATION_PREFIX}requests`,
  /** On the StatefulSet: the portal's finished pauses of the last 7 days (JSON). */
  pauses: `${ANNOTATION_PREFIX}pauses`,
  /** On the namespace: the installer's install-time rights were removed, so no start removes them again. */
  installerAccessRemoved: `${ANNOTATION_PREFIX}installer-access-removed`,
} as const;

/** The vcluster CLI's pause annotations (pkg/lifecycle). */
const LOFT_PREFIX = 'loft.sh/';
export const PAUSED_ANNOTATION = 'loft.sh/paused';
export const PAUSED_REPLICAS_ANNOTATION = 'loft.sh/paused-replicas';
export const PAUSED_DATE_ANNOTATION = 'loft.sh/paused-date';

export interface NamespaceRecord {
  name: string;
  clusterName: string;
  annotations: Record<string, string>;
  createdAt: string;
  terminating: boolean;
}

export interface StatefulSetRecord {
  namespace: string;
  release: string;
  annotations: Record<string, string>;
  specReplicas: number;
  statusReplicas: number;
  readyReplicas: number;
  /** The Kubernetes version: the tag of init container `kubernetes` (chart `_init-containers.tpl`). */
  kubernetesVersion?: string;
  /** The vcluster version: the tag of container `syncer` (`vcluster-pro:<chart version>`). */
  vclusterVersion?: string;
  terminating: boolean;
}

/** A control-plane pod; its requests flat, one object per pod in the cache. */
export interface PodRecord extends Partial<Resources> {
  namespace: string;
  release: string;
  ready: boolean;
  /** A waiting or init failure that will not heal by itself. */
  failure?: string;
}

/** The label vcluster's syncer puts on the host pods of a nested cluster's pods. */
export const SYNCED_BY_LABEL = 'vcluster.loft.sh/managed-by';

/** A pod synced from inside a nested cluster: only whose it is and what it requests. */
export interface SyncedPodRecord extends Resources {
  namespace: string;
  /** The vcluster that synced it (label vcluster.loft.sh/managed-by). */
  release: string;
}

export type InstallerState = 'pending' | 'done' | 'failed';

export interface InstallerRecord {
  namespace: string;
  name: string;
  state: InstallerState;
  message?: string;
  terminating: boolean;
  /** Flux: the HelmRelease is suspended. */
  suspended?: boolean;
}

/** The loosely typed shape every Kubernetes object shares. */
export interface RawObject {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: Date | string;
    deletionTimestamp?: Date | string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export function timestamp(
  value: Date | string | undefined,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  // Normalised, so a LIST (Date) and a WATCH (string) give the same text.
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * The annotations the cache reads: the plugin's own and vcluster's pause
 * marks. Others (kubectl's last-applied configuration, Helm's, a platform's
 * own) would only cost memory for every cluster.
 */
function keptAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX) || key.startsWith(LOFT_PREFIX)) {
      kept[key] = value;
    }
  }
  return kept;
}

export function reduceNamespace(object: unknown): NamespaceRecord | undefined {
  const { metadata, status } = object as RawObject;
  const clusterName = metadata?.labels?.[CLUSTER_NAME_LABEL];
  if (!metadata?.name || !clusterName) {
    return undefined;
  }
  return {
    name: metadata.name,
    clusterName,
    annotations: keptAnnotations(metadata.annotations),
    createdAt:
      timestamp(metadata.creationTimestamp) ?? new Date(0).toISOString(),
    terminating:
      metadata.deletionTimestamp !== undefined ||
      status?.phase === 'Terminating',
  };
}

export function reduceStatefulSet(
  object: unknown,
): StatefulSetRecord | undefined {
  const { metadata, spec, status } = object as RawObject;
  const release = metadata?.labels?.release;
  if (!metadata?.namespace || !release) {
    return undefined;
  }
  type Container = { name?: string; image?: string };
  const template = spec?.template as
    | { spec?: { containers?: Container[]; initContainers?: Container[] } }
    | undefined;
  const tagOf = (containers: Container[] | undefined, name: string) =>
    /:([^:/]+)$/.exec(containers?.find(c => c.name === name)?.image ?? '')?.[1];
  return {
    namespace: metadata.namespace,
    release,
    annotations: keptAnnotations(metadata.annotations),
    specReplicas:
      typeof spec?.replicas === 'number' ? (spec.replicas as number) : 1,
    statusReplicas: num(status?.replicas),
    readyReplicas: num(status?.readyReplicas),
    kubernetesVersion: tagOf(template?.spec?.initContainers, 'kubernetes'),
    vclusterVersion: tagOf(template?.spec?.containers, 'syncer'),
    terminating: metadata.deletionTimestamp !== undefined,
  };
}

const FATAL_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'InvalidImageName',
]);

interface ContainerStatus {
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode?: number; reason?: string };
  };
}

export function reducePod(object: unknown): PodRecord | undefined {
  const { metadata, spec, status } = object as RawObject;
  const release = metadata?.labels?.release;
  if (!metadata?.namespace || !release) {
    return undefined;
  }
  const conditions =
    (status?.conditions as Array<{ type?: string; status?: string }>) ?? [];
  const containers = (status?.containerStatuses as ContainerStatus[]) ?? [];
  const inits = (status?.initContainerStatuses as ContainerStatus[]) ?? [];
  let failure: string | undefined;
  for (const c of [...inits, ...containers]) {
    const reason = c.state?.waiting?.reason;
    if (reason && FATAL_WAITING_REASONS.has(reason)) {
      failure = `pod ${metadata.name}: ${reason}`;
    }
  }
  for (const c of inits) {
    const terminated = c.state?.terminated;
    if (terminated && terminated.exitCode && !failure) {
      failure = `pod ${metadata.name}: init container exited with ${terminated.exitCode}`;
    }
  }
  return {
    namespace: metadata.namespace,
    release,
    ready: conditions.some(c => c.type === 'Ready' && c.status === 'True'),
    failure,
    ...podRequests(spec),
  };
}

/** Finished pods request nothing any more (the scheduler skips them). */
export function reduceSyncedPod(object: unknown): SyncedPodRecord | undefined {
  const { metadata, spec, status } = object as RawObject;
  const release = metadata?.labels?.[SYNCED_BY_LABEL];
  if (
    !metadata?.namespace ||
    !release ||
    status?.phase === 'Succeeded' ||
    status?.phase === 'Failed'
  ) {
    return undefined;
  }
  return { namespace: metadata.namespace, release, ...podRequests(spec) };
}

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export function findCondition(
  status: Record<string, unknown> | undefined,
  type: string,
): Condition | undefined {
  const conditions = (status?.conditions as Condition[] | undefined) ?? [];
  return conditions.find(c => c.type === type);
}
