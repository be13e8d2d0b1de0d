import { ControllerContext } from '../controllers/context';
import { field } from '../controllers/kinds';

/** `vcluster pause NAME -n NS` (pkg/lifecycle): annotate and scale the StatefulSet to 0, delete managed pods. */
export function pauseVcluster(
  ctx: ControllerContext,
  namespace: string,
  name: string,
) {
  const { api, kinds, store } = ctx;
  const sts = api.get(kinds.statefulSet, namespace, name);
  const replicas = field(sts, 'spec').replicas;
  api.patch(kinds.statefulSet, namespace, name, 'merge', {
    metadata: {
      annotations: {
        'loft.sh/paused': 'true',
        'loft.sh/paused-replicas': String(
          typeof replicas === 'number' ? replicas : 1,
        ),
        'loft.sh/paused-date': new Date().toISOString(),
      },
    },
    spec: { replicas: 0 },
  });
  for (const pod of store.list(api.key(kinds.pod), namespace)) {
    if (pod.metadata.labels?.['vcluster.loft.sh/managed-by'] === name) {
      api.delete(kinds.pod, namespace, pod.metadata.name);
    }
  }
}

/** `vcluster resume NAME -n NS`: restore replicas from `loft.sh/paused-replicas` and drop the annotations. */
export function resumeVcluster(
  ctx: ControllerContext,
  namespace: string,
  name: string,
) {
  const { api, kinds } = ctx;
  const sts = api.get(kinds.statefulSet, namespace, name);
  const replicas =
    Number(sts.metadata.annotations?.['loft.sh/paused-replicas'] ?? '1') || 1;
  api.patch(kinds.statefulSet, namespace, name, 'merge', {
    metadata: {
      annotations: {
        'loft.sh/paused': null,
        'loft.sh/paused-replicas': null,
        'loft.sh/paused-date': null,
      },
    },
    spec: { replicas },
  });
}
