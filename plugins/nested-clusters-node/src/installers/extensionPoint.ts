import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { HostConfig } from '../config';
import { Installer } from './Installer';

/** Builds the installer of one host that is configured with its type. */
export type InstallerFactory = (host: HostConfig) => Installer;

/**
 * Lets a backend module add a way of installing vclusters: hosts whose
 * `nestedClusters.hosts[].installer` names the type use it. The built-in
 * types are capi, helm-job and flux.
 */
export interface NestedClustersInstallersExtensionPoint {
  addInstaller(type: string, factory: InstallerFactory): void;
}

export const nestedClustersInstallersExtensionPoint =
  createExtensionPoint<NestedClustersInstallersExtensionPoint>({
    id: 'nested-clusters.installers',
  });
