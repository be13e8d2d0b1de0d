import { errors } from './errors';
import { isJsonObject, JsonObject } from './json';
import { KubeObject } from './model';

/** Allocates ClusterIPs from 10.96.0.0/16 the way the service IP allocator hands them out. */
export class ClusterIpAllocator {
  private next = 10;
  private readonly used = new Set<string>();

  markUsed(ip: string) {
    this.used.add(ip);
  }

  allocate(): string {
    for (;;) {
      const n = this.next++;
      const ip = `10.96.${(n >> 8) & 255}.${n & 255}`;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
  }
}

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/** The API server's NodePort allocator over the default `--service-node-port-range` 30000-32767. */
export class NodePortAllocator {
  private readonly used = new Set<number>();

  markUsed(port: number) {
    this.used.add(port);
  }

  release(port: number) {
    this.used.delete(port);
  }

  isUsed(port: number) {
    return this.used.has(port);
  }

  /** A free port, scanning from a random offset as the real allocator does. */
  allocate(): number {
    const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    const offset = Math.floor(Math.random() * size);
    for (let i = 0; i < size; i++) {
      const port = NODE_PORT_MIN + ((offset + i) % size);
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    throw errors.internal('failed to allocate a nodePort: range is full');
  }
}

export interface ServiceAllocators {
  ips: ClusterIpAllocator;
  nodePorts: NodePortAllocator;
}

function servicePorts(service: KubeObject | undefined): JsonObject[] {
  const spec = obj(service?.spec);
  return Array.isArray(spec.ports) ? spec.ports.filter(isJsonObject) : [];
}

function needsNodePorts(service: KubeObject | undefined) {
  const type = obj(service?.spec).type;
  return type === 'NodePort' || type === 'LoadBalancer';
}

/** The nodePorts a Service holds. */
export function nodePortsOf(service: KubeObject | undefined): number[] {
  return servicePorts(service)
    .map(p => p.nodePort)
    .filter((p): p is number => typeof p === 'number' && p > 0);
}

/**
 * NodePort allocation and validation of the service REST storage (kubernetes
 * pkg/registry/core/service/storage): a nodePort of 0 is allocated, a taken or
 * out-of-range one is refused with 422, a ClusterIP Service may not have one,
 * an update keeps the ports it already holds, and switching to ClusterIP drops
 * them. Validates first and only then allocates, so a refusal changes nothing.
 */
function assignNodePorts(
  service: KubeObject,
  old: KubeObject | undefined,
  allocator: NodePortAllocator,
) {
  const spec = obj(service.spec);
  const ports = servicePorts(service);
  const held = new Set(nodePortsOf(old));
  const invalid = (i: number, why: string) =>
    errors.invalid(
      'Service',
      '',
      service.metadata.name ?? '',
      `spec.ports[${i}].nodePort`,
      why,
    );
  if (!needsNodePorts(service)) {
    const oldPorts = servicePorts(old);
    ports.forEach((p, i) => {
      const unchanged = oldPorts.some(
        o => o.port === p.port && o.nodePort === p.nodePort,
      );
      if (needsNodePorts(old) && unchanged) {
        delete p.nodePort;
      } else if (typeof p.nodePort === 'number' && p.nodePort !== 0) {
        throw invalid(
          i,
          `Forbidden: may not be used when \`type\` is '${String(spec.type)}'`,
        );
      } else {
        delete p.nodePort;
      }
    });
    return;
  }
  ports.forEach((p, i) => {
    const port = p.nodePort;
    if (typeof port !== 'number' || port === 0) {
      return;
    }
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
      throw invalid(
        i,
        `Invalid value: ${port}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
      );
    }
    const duplicate = ports.findIndex(o => o !== p && o.nodePort === port);
    if (duplicate >= 0 && duplicate < i) {
      throw invalid(i, `Duplicate value: ${port}`);
    }
    if (!held.has(port) && allocator.isUsed(port)) {
      throw invalid(
        i,
        `Invalid value: ${port}: provided port is already allocated`,
      );
    }
  });
  const oldPorts = servicePorts(old);
  for (const p of ports) {
    if (typeof p.nodePort !== 'number' || p.nodePort === 0) {
      // An update that omits an allocated nodePort keeps it (patchAllocatedValues).
      const kept = oldPorts.find(
        o => o.port === p.port && typeof o.nodePort === 'number',
      );
      p.nodePort =
        kept && typeof kept.nodePort === 'number'
          ? kept.nodePort
          : allocator.allocate();
    } else {
      allocator.markUsed(p.nodePort);
    }
  }
}

/** Releases the nodePorts `old` held that `next` (if any) no longer holds. */
export function releaseNodePorts(
  old: KubeObject,
  next: KubeObject | undefined,
  allocator: NodePortAllocator,
) {
  const kept = new Set(nodePortsOf(next));
  for (const port of nodePortsOf(old)) {
    if (!kept.has(port)) {
      allocator.release(port);
    }
  }
}

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

function obj(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/** Moves Secret stringData into base64 data, as the API server does on every write. */
function foldStringData(secret: KubeObject) {
  const stringData = obj(secret.stringData);
  if (Object.keys(stringData).length > 0) {
    const data = { ...obj(secret.data) };
    for (const [k, v] of Object.entries(stringData)) {
      data[k] = Buffer.from(String(v)).toString('base64');
    }
    secret.data = data;
  }
  delete secret.stringData;
}

/** Defaulting done by the real API server on create, for the fields clients commonly read. */
export function defaultOnCreate(
  typeKey: string,
  o: KubeObject,
  { ips, nodePorts }: ServiceAllocators,
) {
  switch (typeKey) {
    case '/namespaces':
      o.metadata.labels = {
        ...o.metadata.labels,
        'kubernetes.io/metadata.name': o.metadata.name!,
      };
      o.spec = { finalizers: ['kubernetes'] };
      o.status = { phase: 'Active' };
      break;
    case '/secrets':
      o.type = typeof o.type === 'string' ? o.type : 'Opaque';
      foldStringData(o);
      break;
    case '/services': {
      const spec = obj(o.spec);
      spec.type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
      if (spec.clusterIP !== 'None' && spec.type !== 'ExternalName') {
        spec.clusterIP =
          typeof spec.clusterIP === 'string' && spec.clusterIP
            ? spec.clusterIP
            : ips.allocate();
      }
      if (typeof spec.clusterIP === 'string') {
        spec.clusterIPs = [spec.clusterIP];
      }
      spec.sessionAffinity = spec.sessionAffinity ?? 'None';
      if (Array.isArray(spec.ports)) {
        spec.ports = spec.ports.map(p => {
          const port = obj(p);
          return {
            protocol: 'TCP',
            ...port,
            targetPort: port.targetPort ?? port.port ?? null,
          };
        });
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        spec.externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster';
      }
      o.spec = spec;
      assignNodePorts(o, undefined, nodePorts);
      o.status = { loadBalancer: {} };
      break;
    }
    case '/pods': {
      const spec = obj(o.spec);
      spec.serviceAccountName = spec.serviceAccountName ?? 'default';
      spec.restartPolicy = spec.restartPolicy ?? 'Always';
      spec.terminationGracePeriodSeconds =
        spec.terminationGracePeriodSeconds ?? 30;
      o.spec = spec;
      o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    }
    case '/persistentvolumeclaims':
      // The storage-object-in-use admission plugin: a PVC in use by a pod is not removed.
      o.metadata.finalizers = [
        ...(o.metadata.finalizers ?? []).filter(f => f !== PVC_PROTECTION),
        PVC_PROTECTION,
      ];
      o.status = { phase: 'Pending' };
      break;
    case 'apps/statefulsets':
    case 'apps/deployments':
    case 'apps/replicasets': {
      const spec = obj(o.spec);
      spec.replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      o.spec = spec;
      o.status = { replicas: 0 };
      break;
    }
    case 'batch/jobs': {
      const spec = obj(o.spec);
      spec.backoffLimit = spec.backoffLimit ?? 6;
      spec.completions = spec.completions ?? 1;
      spec.parallelism = spec.parallelism ?? 1;
      spec.completionMode = spec.completionMode ?? 'NonIndexed';
      const uid = o.metadata.uid!;
      const labels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': o.metadata.name!,
        'controller-uid': uid,
        'job-name': o.metadata.name!,
      };
      spec.selector = spec.selector ?? {
        matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
      };
      const template = obj(spec.template);
      const meta = obj(template.metadata);
      meta.labels = { ...obj(meta.labels), ...labels };
      template.metadata = meta;
      spec.template = template;
      o.spec = spec;
      o.status = {};
      break;
    }
    case 'batch/cronjobs': {
      // SetDefaults_CronJob (pkg/apis/batch/v1/defaults.go).
      const spec = obj(o.spec);
      spec.concurrencyPolicy = spec.concurrencyPolicy ?? 'Allow';
      spec.suspend = spec.suspend ?? false;
      spec.successfulJobsHistoryLimit = spec.successfulJobsHistoryLimit ?? 3;
      spec.failedJobsHistoryLimit = spec.failedJobsHistoryLimit ?? 1;
      o.spec = spec;
      break;
    }
    default:
      break;
  }
}

export function defaultOnUpdate(
  typeKey: string,
  o: KubeObject,
  old: KubeObject,
  { nodePorts }: ServiceAllocators,
) {
  if (typeKey === '/secrets') {
    foldStringData(o);
  }
  if (typeKey === '/services') {
    const spec = obj(o.spec);
    // The cluster IP is immutable and kept when an update leaves it out.
    spec.clusterIP = spec.clusterIP ?? obj(old.spec).clusterIP;
    if (typeof spec.clusterIP === 'string') {
      spec.clusterIPs = [spec.clusterIP];
    }
    o.spec = spec;
    assignNodePorts(o, old, nodePorts);
  }
}
