import { HostConfig } from '../config';
import { CapiInstaller } from './CapiInstaller';
import { FluxInstaller } from './FluxInstaller';
import { HelmJobInstaller } from './HelmJobInstaller';
import { Installer } from './Installer';

export type { Installer, InstallRequest, ObjectPatch } from './Installer';

/** The installer a host is configured with. */
export function createInstaller(host: HostConfig): Installer {
  switch (host.installer) {
    case 'capi':
      return new CapiInstaller(host.capi?.chartRepo);
    case 'helm-job':
      return new HelmJobInstaller(host.helmJob?.image);
    case 'flux':
      return new FluxInstaller(host.flux?.sourceRef);
    default:
      throw new Error(`Unknown installer ${host.installer satisfies never}`);
  }
}
