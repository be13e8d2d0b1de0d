import { ServiceUnavailableError } from '@backstage/errors';
import { HostConfig } from '../config';
import { CapiInstaller } from './CapiInstaller';
import { InstallerFactory } from './extensionPoint';
import { FluxInstaller } from './FluxInstaller';
import { HelmJobInstaller } from './HelmJobInstaller';
import { Installer } from './Installer';

export type {
  Installer,
  InstallRequest,
  ObjectPatch,
  SecretSelector,
} from './Installer';
export {
  nestedClustersInstallersExtensionPoint,
  type InstallerFactory,
  type NestedClustersInstallersExtensionPoint,
} from './extensionPoint';

/** The installers every backend has; modules add others through the extension point. */
export const BUILT_IN_INSTALLERS: ReadonlyMap<string, InstallerFactory> =
  new Map<string, InstallerFactory>([
    ['capi', host => new CapiInstaller(host.capi?.chartRepo)],
    ['helm-job', host => new HelmJobInstaller(host.helmJob?.image)],
    ['flux', host => new FluxInstaller(host.flux?.sourceRef)],
  ]);

const UNREGISTERED = Symbol('unregistered installer');

/** Whether the host waits for an installer type that no module has added. */
export function isUnregistered(installer: Installer): boolean {
  return UNREGISTERED in installer;
}

function unregisteredInstaller(host: HostConfig): Installer {
  const fail = (): never => {
    throw new ServiceUnavailableError(
      `installer type "${
        host.installer
      }" is not registered: add the backend module that provides it (built-in types: ${[
        ...BUILT_IN_INSTALLERS.keys(),
      ].join(', ')})`,
    );
  };
  return Object.assign(
    {
      type: host.installer,
      manifests: fail,
      installerObjects: fail,
      kubeconfigSecret: fail,
      pausePatches: fail,
      resumePatches: fail,
      watchedResource: () => ({
        name: `installer "${host.installer}"`,
        path: '',
        labelSelector: '',
        list: async () => fail(),
        reduce: () => undefined,
      }),
    },
    { [UNREGISTERED]: true },
  );
}

/**
 * The installer a host is configured with, or, for a type nobody registered,
 * one that fails every use with an error naming the type: the host then
 * reports that as its health, and the other hosts are not affected.
 */
export function createInstaller(
  host: HostConfig,
  added: ReadonlyMap<string, InstallerFactory> = new Map(),
): Installer {
  const factory =
    BUILT_IN_INSTALLERS.get(host.installer) ?? added.get(host.installer);
  return factory ? factory(host) : unregisteredInstaller(host);
}
