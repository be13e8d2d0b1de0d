import type { FleetHost, SeededCluster } from './seed';

/** A host-side change whose propagation to the API is measured. */
export type HostChange = 'ready' | 'paused' | 'deleted';

/** Requests from the benchmark to its simulator fleet (a child process). */
export type FleetRequest =
  | { op: 'start'; names: string[] }
  | { op: 'seed'; host: number; clusters: SeededCluster[] }
  | { op: 'latency'; ms: number }
  | { op: 'hangInstalls'; hang: boolean }
  | { op: 'change'; host: number; change: HostChange; cluster: SeededCluster }
  | { op: 'count'; prefix: string }
  | { op: 'memory' }
  | { op: 'stop' };

export type FleetReply =
  | { hosts: FleetHost[] }
  | { ready: number }
  /** When the host reached the changed state (epoch ms, sub-ms precision). */
  | { changedAt: number }
  | { count: number; names: string[] }
  | { heapUsedMb: number; rssMb: number }
  | { ok: true }
  | { error: string };

export interface FleetMessage<T> {
  id: number;
  body: T;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
