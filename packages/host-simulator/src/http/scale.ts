import { ClusterApi } from '../api';
import { errors } from '../errors';
import { isJsonObject, JsonObject, JsonValue } from '../json';
import { KubeObject, StoredObject } from '../model';
import { ResourceType } from '../registry';

function field(o: unknown, key: string): JsonObject {
  return isJsonObject(o as JsonValue) && isJsonObject((o as JsonObject)[key])
    ? ((o as JsonObject)[key] as JsonObject)
    : {};
}

/** A label selector object as the string form `Scale.status.selector` carries. */
function selectorString(selector: JsonObject): string {
  const terms = Object.entries(field({ s: selector.matchLabels }, 's')).map(
    ([k, v]) => `${k}=${String(v)}`,
  );
  for (const req of Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions.filter(isJsonObject)
    : []) {
    const values = Array.isArray(req.values) ? req.values.map(String) : [];
    switch (req.operator) {
      case 'In':
        terms.push(`${String(req.key)} in (${values.join(',')})`);
        break;
      case 'NotIn':
        terms.push(`${String(req.key)} notin (${values.join(',')})`);
        break;
      case 'Exists':
        terms.push(String(req.key));
        break;
      case 'DoesNotExist':
        terms.push(`!${String(req.key)}`);
        break;
      default:
        break;
    }
  }
  return terms.join(',');
}

/** The autoscaling/v1 Scale of a workload, as the `scale` subresource presents it. */
export function readScale(obj: StoredObject): JsonObject {
  const spec = field(obj, 'spec');
  const status = field(obj, 'status');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace ?? null,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(field(spec, 'selector')),
    },
  };
}

/** Writes a Scale's `spec.replicas` to the workload (409 on a stale resourceVersion). */
export function writeScale(
  api: ClusterApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  scale: JsonValue | undefined,
  dryRun: boolean,
): JsonObject {
  const replicas = field(scale, 'spec').replicas;
  if (typeof replicas !== 'number' || replicas < 0) {
    throw errors.invalid(
      'Scale',
      'autoscaling',
      name,
      'spec.replicas',
      `Invalid value: ${JSON.stringify(
        replicas ?? null,
      )}: must be greater than or equal to 0`,
    );
  }
  const current = api.get(type, namespace, name);
  const rv = field(scale, 'metadata').resourceVersion;
  const next: KubeObject = {
    ...current,
    metadata: {
      ...current.metadata,
      resourceVersion:
        typeof rv === 'string' && rv !== ''
          ? rv
          : current.metadata.resourceVersion,
    },
    spec: { ...field(current, 'spec'), replicas },
  };
  return readScale(api.update(type, namespace, name, next, { dryRun }));
}
