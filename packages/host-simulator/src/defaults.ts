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
  ips: ClusterIpAllocator,
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
      o.spec = spec;
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
    default:
      break;
  }
}

export function defaultOnUpdate(typeKey: string, o: KubeObject) {
  if (typeKey === '/secrets') {
    foldStringData(o);
  }
}
