import { randomBytes } from 'node:crypto';
import { ApiError } from '../errors';
import { KubeObject, nowIso } from '../model';
import { ControllerContext } from './context';

/**
 * Records a core/v1 Event about an object, as the real controllers and the kubelet
 * do (`kubectl describe` shows them). Best effort: a namespace that is gone or
 * terminating just gets no event.
 */
export function recordEvent(
  ctx: ControllerContext,
  involved: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component: string,
) {
  const namespace = involved.metadata.namespace ?? 'default';
  const now = nowIso();
  try {
    ctx.api.create(ctx.kinds.event, namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`,
      },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: involved.metadata.namespace,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component },
      reportingComponent: component,
      reportingInstance: '',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
  }
}
