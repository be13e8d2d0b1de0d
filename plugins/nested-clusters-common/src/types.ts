import type { components, operations } from './generated/openapi';

/*
 * The REST API's shapes, generated from the backend's src/schema/openapi.yaml
 * (`yarn generate`); these are only names for them.
 */
type Schemas = components['schemas'];

/** Lifecycle states of a nested cluster, derived from signals on its host. */
export type NestedClusterStatus = Schemas['NestedClusterStatus'];
/** How a vcluster gets installed onto a host. */
export type InstallerType = Schemas['InstallerType'];
/** Progress through the installation steps of a provisioning cluster. */
export type ProvisioningProgress = Schemas['ProvisioningProgress'];
/** A nested (virtual) cluster running on a host cluster. */
export type NestedCluster = Schemas['NestedCluster'];
/** A phase of vcluster's deploy controller (pkg/controllers/deploy). */
export type AddonPhase = Schemas['AddonPhase'];
/** Something a profile deploys inside its clusters: raw manifests or a Helm chart. */
export type AddonSummary = Schemas['AddonSummary'];
/** An add-on of a cluster and its phase. */
export type AddonStatus = Schemas['AddonStatus'];
/** A registered host cluster, its health and capacity. */
export type HostSummary = Schemas['HostSummary'];
/** A vcluster on a host that the plugin did not create; read-only. */
export type UnmanagedVcluster = Schemas['UnmanagedVcluster'];
export type UnmanagedVclusterStatus = Schemas['UnmanagedVclusterStatus'];
/** A platform-defined profile that users pick when creating a cluster. */
export type ProfileSummary = Schemas['ProfileSummary'];
export type HostError = Schemas['HostError'];
/** When a cluster pauses and resumes (vCluster's sleep.auto shape). */
export type SleepSchedule = Schemas['SleepSchedule'];
/** A cluster's sleep schedule and its next event. */
export type ClusterSleep = Schemas['ClusterSleep'];
/** CPU (millicores) and memory (bytes), as pods request them. */
export type Resources = Schemas['Resources'];
/** What a cluster's pods request on its host now. */
export type ClusterUsage = Schemas['ClusterUsage'];
/** Hours running and paused in the last 7 days. */
export type ClusterHours = Schemas['ClusterHours'];
/** One owner's clusters, requests, usage, limits and saving. */
export type OwnerUsage = Schemas['OwnerUsage'];
export type OwnerLimits = Schemas['OwnerLimits'];
export type CostSettings = Schemas['CostSettings'];
export type UsageResponse = Schemas['UsageResponse'];
/** A kubeconfig of the caller's own ServiceAccount, with a short-lived token. */
export type UserKubeconfig = Schemas['UserKubeconfig'];
/** The ServiceAccounts (`<namespace>/<name>`) whose access was revoked. */
export type RevokeAccessResponse = Schemas['RevokeAccessResponse'];
export type ListClustersResponse = Schemas['ListClustersResponse'];
export type ListClustersQuery = NonNullable<
  operations['listClusters']['parameters']['query']
>;
export type CreateClusterRequest = Schemas['CreateClusterRequest'];
export type ExtendClusterRequest = Schemas['ExtendClusterRequest'];
