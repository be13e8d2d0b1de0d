/**
 * A Kubernetes API server emulator with vcluster installer controllers, for tests, demos and benchmarks.
 *
 * @packageDocumentation
 */
export { startHostSimulator, CLI_DELAYS, TEST_DELAYS } from './simulator';
export type { HostSimulator, HostSimulatorOptions } from './simulator';
export type { InstallerDelays } from './controllers/context';
export { FaultController } from './faults';
export type { FaultState, InstallFailure } from './faults';
export type { TokenGrant } from './auth';
export { isolatedNetwork } from './network/isolated';
