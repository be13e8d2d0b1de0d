import { KubernetesObject } from '@kubernetes/client-node';
import { InstallerType } from '@nested-clusters/plugin-nested-clusters-common';
import { HostClient, ObjectRef } from '../hosts/HostClient';
import { InstallerRecord } from '../hosts/records';
import { WatchedResource } from '../hosts/ResourceWatcher';

/** What an installer needs to put one vcluster onto a host. */
export interface InstallRequest {
  name: string;
  namespace: string;
  chartVersion: string;
  /** The merged vcluster.yaml values (profile fragment + plugin-controlled values). */
  values: Record<string, unknown>;
  /** Labels every installer object carries, so the cache can watch them. */
  labels: Record<string, string>;
}

/**
 * One way of installing vclusters onto a host (one file per installer).
 * After installation everything is plain Kubernetes API work, so an installer
 * only describes its objects; the lifecycle service applies them.
 */
export interface Installer {
  readonly type: InstallerType;

  /** The objects to create in the cluster's namespace, in creation order. */
  manifests(request: InstallRequest): KubernetesObject[];

  /** The installer objects of a cluster, in deletion order. */
  installerObjects(name: string, namespace: string): ObjectRef[];

  /** The object whose status tells the installation's progress, for the watch cache. */
  watchedResource(client: HostClient): WatchedResource<InstallerRecord>;

  /** Where the installer leaves the nested cluster's kubeconfig. */
  kubeconfigSecret(name: string): { name: string; key: string };

  /**
   * Selects the kubeconfig Secrets among a host's Secrets, for the
   * metadata-only watch that tells when one exists. Without it, every Secret
   * but service-account tokens and Helm release records is watched.
   */
  kubeconfigSecretSelector?(): SecretSelector;

  /** Objects to delete once the cluster runs: the installer's rights it no longer needs. */
  installedRefs?(namespace: string): ObjectRef[];

  /** Extra patches while pausing, e.g. Flux must stop reconciling replicas. */
  pausePatches(name: string, namespace: string): ObjectPatch[];
  resumePatches(name: string, namespace: string): ObjectPatch[];
}

export interface SecretSelector {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ObjectPatch {
  ref: ObjectRef;
  patch: object;
}
