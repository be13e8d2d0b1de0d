import { z } from 'zod';

/** CPU in millicores and memory in bytes: what pods request, or a limit. */
export interface Resources {
  cpuMillicores: number;
  memoryBytes: number;
}

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A Kubernetes quantity (apimachinery resource.Quantity: `250m`, `1.5`,
 * `512Mi`, `1e3`) as a plain number of base units; undefined when malformed.
 * Not client-node's quantityToScalar: its package does not export it, and it
 * throws on valid decimals with a binary suffix such as `1.5Gi` (BigInt).
 */
export function parseQuantity(
  value: string | number | undefined,
): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
  const match =
    /^([+]?\d+(?:\.\d+)?|[+]?\.\d+)(?:([eE][+-]?\d+)|([a-zA-Z]*))$/.exec(
      value?.trim() ?? '',
    );
  if (!match) {
    return undefined;
  }
  const [, number, exponent, suffix = ''] = match;
  if (exponent) {
    return Number(number + exponent);
  }
  const factor = SUFFIXES[suffix];
  return factor === undefined ? undefined : Number(number) * factor;
}

/** A quantity in config (`2`, `500m`, `8Gi`), checked at startup. */
export const quantitySchema = z
  .union([z.string(), z.number()])
  .refine(v => parseQuantity(v) !== undefined, {
    message: 'expected a Kubernetes quantity such as 2, 500m or 8Gi',
  });

export const cpuMillicores = (v: string | number | undefined) =>
  Math.ceil((parseQuantity(v) ?? 0) * 1000);
export const memoryBytes = (v: string | number | undefined) =>
  Math.ceil(parseQuantity(v) ?? 0);

type Requests = Record<string, string | number> | undefined;
interface Container {
  resources?: { requests?: Requests; limits?: Requests };
}

/** What one container requests; without requests, its limits (the API server defaults them so). */
function containerRequests(container: Container): Resources {
  const { requests = {}, limits = {} } = container.resources ?? {};
  return {
    cpuMillicores: cpuMillicores(requests.cpu ?? limits.cpu),
    memoryBytes: memoryBytes(requests.memory ?? limits.memory),
  };
}

export function addResources(a: Resources, b: Resources): Resources {
  return {
    cpuMillicores: a.cpuMillicores + b.cpuMillicores,
    memoryBytes: a.memoryBytes + b.memoryBytes,
  };
}

export const NO_RESOURCES: Resources = { cpuMillicores: 0, memoryBytes: 0 };

/**
 * A pod's effective request as the scheduler counts it
 * (k8s.io/component-helpers resource.PodRequests): the containers' sum plus
 * the pod overhead, but at least each init container's own request.
 */
export function podRequests(spec: unknown): Resources {
  const s = (spec ?? {}) as {
    containers?: Container[];
    initContainers?: Container[];
    overhead?: Requests;
  };
  const sum = (s.containers ?? [])
    .map(containerRequests)
    .reduce(addResources, NO_RESOURCES);
  const inits = (s.initContainers ?? []).map(containerRequests);
  const overhead = containerRequests({ resources: { requests: s.overhead } });
  return addResources(overhead, {
    cpuMillicores: Math.max(
      sum.cpuMillicores,
      ...inits.map(i => i.cpuMillicores),
    ),
    memoryBytes: Math.max(sum.memoryBytes, ...inits.map(i => i.memoryBytes)),
  });
}

/** vcluster chart defaults (`chart/values.yaml`) for what a profile leaves out. */
const CHART_CONTROL_PLANE_REQUESTS = { cpu: '200m', memory: '256Mi' };
const CHART_QUOTA_REQUESTS = { 'requests.cpu': 10, 'requests.memory': '20Gi' };

function at(values: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) =>
        v && typeof v === 'object'
          ? (v as Record<string, unknown>)[key]
          : undefined,
      values,
    );
}

/**
 * What one cluster of a profile may request on its host: its control plane's
 * requests (`controlPlane.statefulSet.resources.requests`) plus, when the
 * profile turns on vcluster's ResourceQuota (`policies.resourceQuota`), the
 * quota's `requests.cpu` and `requests.memory` for its workloads. Owners'
 * CPU and memory limits count this at create time.
 */
export function profileRequests(values: Record<string, unknown>): Resources {
  const requests = {
    ...CHART_CONTROL_PLANE_REQUESTS,
    ...(at(values, 'controlPlane.statefulSet.resources.requests') as object),
  } as Record<string, string | number>;
  const controlPlane = {
    cpuMillicores: cpuMillicores(requests.cpu),
    memoryBytes: memoryBytes(requests.memory),
  };
  if (at(values, 'policies.resourceQuota.enabled') !== true) {
    return controlPlane;
  }
  const quota = {
    ...CHART_QUOTA_REQUESTS,
    ...(at(values, 'policies.resourceQuota.quota') as object),
  } as Record<string, string | number>;
  return addResources(controlPlane, {
    cpuMillicores: cpuMillicores(quota['requests.cpu']),
    memoryBytes: memoryBytes(quota['requests.memory']),
  });
}

/** The JSON of a Resources annotation, or undefined when absent or malformed. */
export function parseResourcesAnnotation(
  value: string | undefined,
): Resources | undefined {
  // Most namespaces have none: a throwing JSON.parse costs far more than this check.
  if (!value) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    return typeof parsed?.cpuMillicores === 'number' &&
      typeof parsed?.memoryBytes === 'number'
      ? { cpuMillicores: parsed.cpuMillicores, memoryBytes: parsed.memoryBytes }
      : undefined;
  } catch {
    return undefined;
  }
}

/** A past pause, recorded on the StatefulSet when the portal resumes it. */
export interface PauseInterval {
  from: string;
  to: string;
}

export const USAGE_WINDOW_MS = 7 * 24 * 3_600_000;

/** Recorded pauses (JSON), the ones that ended within the usage window. */
export function parsePausesAnnotation(
  value: string | undefined,
): PauseInterval[] {
  if (!value) {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed)
      ? parsed.filter(
          (p): p is PauseInterval =>
            typeof p?.from === 'string' && typeof p?.to === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

/** Adds a finished pause and drops the ones that ended before the window. */
export function recordPause(
  previous: string | undefined,
  pause: PauseInterval,
  now: Date,
): string {
  const since = now.getTime() - USAGE_WINDOW_MS;
  const kept = parsePausesAnnotation(previous).filter(
    p => Date.parse(p.to) > since,
  );
  return JSON.stringify([...kept, pause]);
}

/**
 * Hours running and paused in the window before `now` (or since creation):
 * paused is the recorded pauses plus the current one, clipped to the window.
 */
export function hoursInWindow(
  options: {
    createdAt: string;
    pausedAt?: string;
    pauses?: PauseInterval[];
  },
  now: Date,
): { running: number; paused: number } {
  const end = now.getTime();
  const start = Math.max(end - USAGE_WINDOW_MS, Date.parse(options.createdAt));
  const spans = [
    ...(options.pauses ?? []).map(p => [Date.parse(p.from), Date.parse(p.to)]),
    ...(options.pausedAt ? [[Date.parse(options.pausedAt), end]] : []),
  ];
  let pausedMs = 0;
  for (const [from, to] of spans) {
    pausedMs += Math.max(0, Math.min(to, end) - Math.max(from, start));
  }
  const totalMs = Math.max(0, end - start);
  pausedMs = Math.min(pausedMs, totalMs);
  // Four decimals: a pause of a few seconds still shows.
  const hours = (ms: number) => Math.round(ms / 360) / 10_000;
  return { running: hours(totalMs - pausedMs), paused: hours(pausedMs) };
}
