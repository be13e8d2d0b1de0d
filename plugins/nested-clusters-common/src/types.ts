/** Lifecycle states of a nested cluster, derived from signals on its host. */
export type NestedClusterStatus =
  | 'Provisioning'
  | 'Running'
  | 'Pausing'
  | 'Paused'
  | 'Resuming'
  | 'Failed'
  | 'Deleting'
  | 'Unknown';

/** How a vcluster gets installed onto a host. */
export type InstallerType = 'capi' | 'helm-job' | 'flux';

export const INSTALLER_TYPES: readonly InstallerType[] = [
  'capi',
  'helm-job',
  'flux',
];

/** Progress through the installation steps of a provisioning cluster. */
export interface ProvisioningProgress {
  completedSteps: number;
  totalSteps: number;
  step: string;
}

/** A nested (virtual) cluster running on a host cluster. */
export interface NestedCluster {
  name: string;
  host: string;
  namespace: string;
  status: NestedClusterStatus;
  /** Why the cluster is in its status, e.g. the installer's failure reason. */
  statusMessage?: string;
  progress?: ProvisioningProgress;
  /** Entity ref of the owning group or user. */
  owner: string;
  /** Entity ref of the component the cluster belongs to. */
  component?: string;
  /** Entity ref of the user who created the cluster. */
  createdBy: string;
  profile: string;
  installer: InstallerType;
  kubernetesVersion?: string;
  createdAt: string;
  expiresAt: string;
}

/** A registered host cluster, its health and capacity. */
export interface HostSummary {
  name: string;
  title: string;
  installer: InstallerType;
  healthy: boolean;
  /** Why the host is unhealthy; never contains credentials. */
  message?: string;
  /** When the backend's watch cache last heard from the host (ISO 8601). */
  lastSyncAt?: string;
  clusterCount: number;
  maxClusters: number;
}

/** A platform-defined profile that users pick when creating a cluster. */
export interface ProfileSummary {
  name: string;
  title: string;
  description?: string;
  kubernetesVersion: string;
  chartVersion: string;
  ttl: string;
  maxTtl: string;
}

export interface HostError {
  host: string;
  message: string;
}

export interface ListClustersResponse {
  items: NestedCluster[];
  /** Hosts that could not be read; the clusters of the others are still listed. */
  hostErrors: HostError[];
}

export interface ListClustersQuery {
  entityRef?: string;
  owner?: string;
  host?: string;
}

export interface CreateClusterRequest {
  name: string;
  profile: string;
  /** Defaults to the host with the most free capacity. */
  host?: string;
  /** Entity ref of the component the cluster is for. */
  entityRef?: string;
  /** Entity ref of the owner; defaults to the component's owner. */
  owner?: string;
  /** Time to live such as `72h` or `3d`; defaults to the profile's ttl. */
  ttl?: string;
}

export interface ExtendClusterRequest {
  ttl: string;
}
