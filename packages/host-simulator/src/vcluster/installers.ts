import { ControllerContext } from '../controllers/context';
import { FaultController } from '../faults';
import { capiInstaller } from './capi';
import { fluxInstaller } from './flux';
import { helmJobInstaller } from './helmJob';
import { VclusterRuntime } from './runtime';

/** Starts the installer controllers (helm-job, flux, capi) on the host. */
export function startInstallers(
  ctx: ControllerContext,
  faults: FaultController,
  vclusters: VclusterRuntime,
) {
  const installers = [
    helmJobInstaller(ctx, faults),
    fluxInstaller(ctx, faults),
    capiInstaller(ctx, faults, vclusters),
  ];
  return {
    retry() {
      installers.forEach(i => i.retryHung());
    },
    stop() {
      installers.forEach(i => i.stop());
    },
  };
}
