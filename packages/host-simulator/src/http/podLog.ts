import { errors } from '../errors';
import { isJsonObject } from '../json';
import { KubeObject } from '../model';

/**
 * `pods/<name>/log`: the simulated containers print one line when they start. Like
 * the kubelet, it refuses pods that are not running and asks for a container name
 * when there are several.
 */
export function podLog(pod: KubeObject, container: string | null): string {
  const spec = isJsonObject(pod.spec) ? pod.spec : {};
  const containers = (
    Array.isArray(spec.containers) ? spec.containers : []
  ).filter(isJsonObject);
  const names = containers.map(c => String(c.name));
  const name = container ?? (names.length === 1 ? names[0] : undefined);
  const podName = pod.metadata.name;
  if (!name) {
    throw errors.badRequest(
      `a container name must be specified for pod ${podName}, choose one of: [${names.join(
        ' ',
      )}]`,
    );
  }
  const found = containers.find(c => c.name === name);
  if (!found) {
    throw errors.badRequest(
      `container ${name} is not valid for pod ${podName}`,
    );
  }
  const status = isJsonObject(pod.status) ? pod.status : {};
  const statuses = (
    Array.isArray(status.containerStatuses) ? status.containerStatuses : []
  ).filter(isJsonObject);
  const cs = statuses.find(c => c.name === name);
  const state = cs && isJsonObject(cs.state) ? cs.state : {};
  const ran = isJsonObject(state.running) ? state.running : state.terminated;
  const started = isJsonObject(ran) ? ran.startedAt : undefined;
  if (typeof started !== 'string') {
    throw errors.badRequest(
      `container "${name}" in pod "${podName}" is waiting to start: ContainerCreating`,
    );
  }
  return `${started} ${name} started from image ${String(
    found.image,
  )} (simulated container)\n`;
}
