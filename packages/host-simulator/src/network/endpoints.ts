import { ControllerContext } from '../controllers/context';
import { field, isPodReady } from '../controllers/kinds';
import { isJsonObject, JsonObject } from '../json';
import { KubeObject } from '../model';
import { Address } from './forward';

/** Where a pod's container port answers, if anything listens there. */
export type PodBackend = (
  namespace: string,
  pod: KubeObject,
  port: number,
) => Promise<Address | undefined>;

function selects(selector: JsonObject, labels: Record<string, string>) {
  const entries = Object.entries(selector);
  return (
    entries.length > 0 && entries.every(([k, v]) => labels[k] === String(v))
  );
}

/** The container port a Service's targetPort names (a number, or a container port's name). */
function containerPort(pod: KubeObject, target: unknown): number | undefined {
  if (typeof target === 'number') {
    return target;
  }
  const containers = field(pod, 'spec').containers;
  for (const c of Array.isArray(containers) ? containers : []) {
    const ports = isJsonObject(c) && Array.isArray(c.ports) ? c.ports : [];
    for (const p of ports.filter(isJsonObject)) {
      if (p.name === target && typeof p.containerPort === 'number') {
        return p.containerPort;
      }
    }
  }
  return undefined;
}

/**
 * Service routing as kube-proxy does it: a Service port leads to the target
 * port of a Ready pod its selector matches (the Service's endpoints).
 */
export class ServiceRouter {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly backend: PodBackend,
  ) {}

  /** A backend for port `port` (number or name) of Service `namespace/name`. */
  async resolve(
    namespace: string,
    name: string,
    port: number | string,
  ): Promise<Address | undefined> {
    const { store, api, kinds } = this.ctx;
    const service = store.get(api.key(kinds.service), namespace, name);
    const spec = field(service, 'spec');
    const ports = Array.isArray(spec.ports)
      ? spec.ports.filter(isJsonObject)
      : [];
    const servicePort = ports.find(p => p.port === port || p.name === port);
    if (!service || !servicePort || !isJsonObject(spec.selector)) {
      return undefined;
    }
    const selector = spec.selector;
    const endpoints = store
      .list(api.key(kinds.pod), namespace)
      .filter(
        pod =>
          !pod.metadata.deletionTimestamp &&
          isPodReady(pod) &&
          selects(selector, pod.metadata.labels ?? {}),
      );
    for (const pod of endpoints) {
      const target = containerPort(
        pod,
        servicePort.targetPort ?? servicePort.port,
      );
      const address =
        target === undefined
          ? undefined
          : await this.backend(namespace, pod, target);
      if (address) {
        return address;
      }
    }
    return undefined;
  }
}
