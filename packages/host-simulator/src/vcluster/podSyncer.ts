import { createHash } from 'node:crypto';
import { Cluster } from '../cluster';
import { ControllerContext } from '../controllers/context';
import { field, ownerRef } from '../controllers/kinds';
import { deepClone } from '../json';
import { KubeObject } from '../model';

export const MANAGED_BY = 'vcluster.loft.sh/managed-by';

/** The host name of a synced object: `<name>-x-<namespace>-x-<vcluster>`, hashed when longer than 63. */
export function hostPodName(name: string, namespace: string, vcluster: string) {
  const full = `${name}-x-${namespace}-x-${vcluster}`;
  if (full.length <= 63) {
    return full;
  }
  return `${full.slice(0, 52)}-${createHash('sha256')
    .update(full)
    .digest('hex')
    .slice(0, 10)}`;
}

/**
 * The syncer's pod sync (toHost): pods of a nested cluster run as pods in the
 * vcluster's host namespace, labelled `vcluster.loft.sh/managed-by=<name>` and
 * owned by Service `<name>`. Only while the control plane runs (`active()`).
 */
export class PodSyncer {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly host: ControllerContext,
    private readonly nested: Cluster,
    private readonly namespace: string,
    private readonly name: string,
    private readonly active: () => boolean,
  ) {
    this.unsubscribe = nested.store.subscribe(e => {
      if (e.typeKey !== '/pods') {
        return;
      }
      const { namespace: podNs, name: podName } = e.object.metadata;
      host.runtime.enqueue(
        `sync/${namespace}/${name}/${podNs}/${podName}`,
        () => this.syncPod(podNs!, podName),
      );
    });
  }

  /** Re-creates the host pods of every nested pod (the syncer starting up). */
  resync() {
    for (const pod of this.nested.store.list('/pods')) {
      this.syncPod(pod.metadata.namespace!, pod.metadata.name);
    }
  }

  stop() {
    this.unsubscribe();
  }

  private syncPod(podNs: string, podName: string) {
    if (!this.active()) {
      return;
    }
    const { api, kinds } = this.host;
    const hostName = hostPodName(podName, podNs, this.name);
    const virtual = this.nested.store.get('/pods', podNs, podName);
    const existing = api.tryGet(kinds.pod, this.namespace, hostName);
    if (!virtual || virtual.metadata.deletionTimestamp) {
      if (existing && !existing.metadata.deletionTimestamp) {
        api.delete(kinds.pod, this.namespace, hostName);
      }
      return;
    }
    if (existing) {
      return;
    }
    const service = api.tryGet(kinds.service, this.namespace, this.name);
    // Like pkg/controllers/resources/pods/translate/translator.go Translate:
    // the host pod starts as a deep copy of the virtual one, so each
    // container's resources (requests, limits) reach the host unchanged.
    const spec = deepClone(field(virtual, 'spec'));
    delete spec.nodeName;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: hostName,
        labels: {
          [MANAGED_BY]: this.name,
          'vcluster.loft.sh/namespace': podNs,
        },
        annotations: {
          'vcluster.loft.sh/object-name': podName,
          'vcluster.loft.sh/object-namespace': podNs,
          'vcluster.loft.sh/object-uid': virtual.metadata.uid,
        },
        ...(service ? { ownerReferences: [ownerRef(service, false)] } : {}),
      },
      spec: { ...spec, serviceAccountName: `vc-workload-${this.name}` },
    };
    api.create(kinds.pod, this.namespace, pod);
  }
}
