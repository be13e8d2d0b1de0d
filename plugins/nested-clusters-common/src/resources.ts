import type { Resources } from './types';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** Trims a number to at most two decimals, without trailing zeros. */
function short(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Millicores as CPUs, e.g. `1.25 CPU`, `200m CPU` below one. */
export function formatCpu(millicores: number): string {
  return millicores < 1000 && millicores > 0
    ? `${millicores}m CPU`
    : `${short(millicores / 1000)} CPU`;
}

/** Bytes as GiB, or MiB below one GiB, e.g. `2.5 GiB`, `256 MiB`. */
export function formatMemory(bytes: number): string {
  return bytes < GIB && bytes > 0
    ? `${short(bytes / MIB)} MiB`
    : `${short(bytes / GIB)} GiB`;
}

/** Both, e.g. `1.2 CPU · 2.5 GiB`. */
export function formatResources(resources: Resources): string {
  return `${formatCpu(resources.cpuMillicores)} · ${formatMemory(
    resources.memoryBytes,
  )}`;
}

/** Bytes in GiB, as prices per GiB-hour count them. */
export function toGiB(bytes: number): number {
  return bytes / GIB;
}
