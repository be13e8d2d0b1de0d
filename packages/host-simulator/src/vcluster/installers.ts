import { ControllerContext } from '../controllers/context';
import { FaultController } from '../faults';
import { helmJobInstaller } from './helmJob';
import { VclusterRuntime } from './runtime';

/** Starts the installer controllers (helm-job, flux, capi) on the host. */
export function startInstallers(
  ctx: ControllerContext,
  faults: FaultController,
  _vclusters: VclusterRuntime,
) {
  const helmJob = helmJobInstaller(ctx, faults);
  return {
    retry() {
      helmJob.retryHung();
    },
    stop() {
      helmJob.stop();
    },
  };
}
