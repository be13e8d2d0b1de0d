import { stringify as toYaml } from 'yaml';
import { newToken, TokenGrant } from '../auth';
import { Cluster, ClusterOptions } from '../cluster';
import { ControllerContext, PodBehaviour } from '../controllers/context';
import { field, isPodReady, ownerRef } from '../controllers/kinds';
import { FaultController } from '../faults';
import { getPath, isJsonObject } from '../json';
import { KubeObject } from '../model';
import { StoreSnapshot } from '../store';
import { DEFAULT_K8S_VERSION, latestRelease } from './chart';
import { PodSyncer } from './podSyncer';

export const VCLUSTER_CLI_IMAGE = 'ghcr.io/loft-sh/vcluster-cli:';

export interface NestedClusterState {
  namespace: string;
  name: string;
  adminToken: string;
  kubernetesVersion: string;
  store: StoreSnapshot;
  grants: TokenGrant[];
}

interface NestedCluster {
  cluster: Cluster;
  adminToken: string;
  kubernetesVersion: string;
  syncer: PodSyncer;
}

/** Base64 helper for Secret data. */
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * The vcluster control planes: one nested Cluster per vcluster, created when its
 * pod first becomes Ready and kept (like its PVC) while paused. Also writes the
 * kubeconfig Secret `vc-<name>` the way the syncer does.
 */
export class VclusterRuntime {
  private readonly nested = new Map<string, NestedCluster>();

  constructor(
    private readonly host: ControllerContext,
    private readonly faults: FaultController,
    private readonly baseUrl: () => string,
    private readonly nestedOptions: (
      kubernetesVersion: string,
    ) => ClusterOptions,
  ) {}

  /** What the kubelet does with vcluster pods and vcluster CLI job pods. */
  podBehaviour = (pod: KubeObject): PodBehaviour | undefined => {
    const containers = field(pod, 'spec').containers;
    const image =
      Array.isArray(containers) && isJsonObject(containers[0])
        ? String(containers[0].image)
        : '';
    if (image.startsWith(VCLUSTER_CLI_IMAGE)) {
      return 'external';
    }
    const labels = pod.metadata.labels ?? {};
    if (labels.app === 'vcluster' && labels.release) {
      return this.faults.installFails(labels.release) ? 'crash' : 'serve';
    }
    return undefined;
  };

  start() {
    const { store, runtime } = this.host;
    return store.subscribe(e => {
      const { namespace, name, labels } = e.object.metadata;
      const ready = field(e.object, 'status').readyReplicas;
      if (
        e.typeKey === 'apps/statefulsets' &&
        labels?.app === 'vcluster' &&
        typeof ready === 'number' &&
        ready > 0
      ) {
        const nc = this.nested.get(`${namespace}/${name}`);
        if (nc) {
          runtime.enqueue(`sync-all/${namespace}/${name}`, () =>
            nc.syncer.resync(),
          );
        }
      }
      if (
        e.typeKey === '/pods' &&
        e.type !== 'DELETED' &&
        labels?.app === 'vcluster' &&
        labels.release &&
        name === `${labels.release}-0`
      ) {
        const release = labels.release;
        if (isPodReady(e.object)) {
          runtime.enqueue(
            `vc-up/${namespace}/${release}`,
            () => this.controlPlaneUp(namespace!, release),
            this.host.delays().kubeconfigMs,
          );
        }
      }
      // The nested cluster's data lives on PVC data-<name>-0 (removed only once no pod uses it).
      if (
        e.typeKey === '/persistentvolumeclaims' &&
        e.type === 'DELETED' &&
        name.startsWith('data-') &&
        name.endsWith('-0')
      ) {
        const key = `${namespace}/${name.slice('data-'.length, -'-0'.length)}`;
        this.drop(key);
      }
    });
  }

  /** The nested cluster behind `/vclusters/<namespace>/<name>`, only while its StatefulSet has ready replicas. */
  serving(namespace: string, name: string): Cluster | undefined {
    const nc = this.nested.get(`${namespace}/${name}`);
    if (!nc) {
      return undefined;
    }
    const sts = this.host.store.get('apps/statefulsets', namespace, name);
    const ready = sts ? field(sts, 'status').readyReplicas : 0;
    return typeof ready === 'number' && ready > 0 ? nc.cluster : undefined;
  }

  /** The default kubeconfig server of a nested cluster. */
  serverUrl(namespace: string, name: string) {
    return `${this.baseUrl()}/vclusters/${namespace}/${name}`;
  }

  /** A kubeconfig for the nested cluster with its admin token and the CA, for `server`. */
  kubeconfig(
    namespace: string,
    name: string,
    server: string,
    contextName = 'my-vcluster',
  ): string | undefined {
    const nc = this.nested.get(`${namespace}/${name}`);
    if (!nc) {
      return undefined;
    }
    return toYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: contextName,
          cluster: {
            server,
            'certificate-authority-data': b64(this.host.caPem),
          },
        },
      ],
      contexts: [
        {
          name: contextName,
          context: { cluster: contextName, user: contextName },
        },
      ],
      'current-context': contextName,
      users: [{ name: contextName, user: { token: nc.adminToken } }],
      preferences: {},
    });
  }

  snapshot(): NestedClusterState[] {
    return [...this.nested.entries()].map(([key, nc]) => {
      const [namespace, name] = key.split('/');
      return {
        namespace,
        name,
        adminToken: nc.adminToken,
        kubernetesVersion: nc.kubernetesVersion,
        store: nc.cluster.snapshot(),
        grants: nc.cluster.auth.all(),
      };
    });
  }

  restore(states: NestedClusterState[]) {
    for (const s of states) {
      const cluster = new Cluster(this.nestedOptions(s.kubernetesVersion));
      cluster.restore(s.store);
      s.grants.forEach(g => cluster.auth.add(g));
      cluster.store.resync();
      this.nested.set(`${s.namespace}/${s.name}`, {
        cluster,
        adminToken: s.adminToken,
        kubernetesVersion: s.kubernetesVersion,
        syncer: this.syncerFor(s.namespace, s.name, cluster),
      });
    }
  }

  clusters(): Cluster[] {
    return [...this.nested.values()].map(nc => nc.cluster);
  }

  /** Stops the nested clusters; their state stays available to snapshot(). */
  stop() {
    for (const nc of this.nested.values()) {
      nc.syncer.stop();
      nc.cluster.stop();
    }
  }

  private drop(key: string) {
    const nc = this.nested.get(key);
    nc?.syncer.stop();
    nc?.cluster.stop();
    this.nested.delete(key);
  }

  private syncerFor(namespace: string, name: string, cluster: Cluster) {
    return new PodSyncer(
      this.host,
      cluster,
      namespace,
      name,
      () => this.serving(namespace, name) !== undefined,
    );
  }

  /** The syncer is up: start (or resume) the nested API server and export the kubeconfig secret. */
  private controlPlaneUp(namespace: string, name: string) {
    const { api, kinds } = this.host;
    const pod = api.tryGet(kinds.pod, namespace, `${name}-0`);
    if (!pod || !isPodReady(pod)) {
      return;
    }
    const values = latestRelease(this.host, name, namespace)?.config ?? {};
    const key = `${namespace}/${name}`;
    if (!this.nested.has(key)) {
      const containers = field(pod, 'spec').containers;
      const image =
        Array.isArray(containers) && isJsonObject(containers[0])
          ? String(containers[0].image)
          : '';
      const kubernetesVersion =
        /:(v[\d.]+)$/.exec(image)?.[1] ?? DEFAULT_K8S_VERSION;
      const cluster = new Cluster(this.nestedOptions(kubernetesVersion));
      cluster.bootstrap();
      const adminToken = newToken('vc-admin');
      cluster.auth.add({ token: adminToken, user: 'kube-admin' });
      this.nested.set(key, {
        cluster,
        adminToken,
        kubernetesVersion,
        syncer: this.syncerFor(namespace, name, cluster),
      });
    }
    // The syncer (re)starting puts the nested cluster's pods back on the host.
    this.nested.get(key)!.syncer.resync();
    if (api.tryGet(kinds.secret, namespace, `vc-${name}`)) {
      return;
    }
    const exportServer = getPath(values, 'exportKubeConfig.server');
    const server =
      typeof exportServer === 'string' && exportServer
        ? exportServer
        : this.serverUrl(namespace, name);
    const contextName = getPath(values, 'exportKubeConfig.context');
    const config = this.kubeconfig(
      namespace,
      name,
      server,
      typeof contextName === 'string' && contextName ? contextName : undefined,
    )!;
    const service = api.tryGet(kinds.service, namespace, name);
    api.create(kinds.secret, namespace, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `vc-${name}`,
        labels: { app: 'vcluster', 'vcluster-name': name },
        ...(service ? { ownerReferences: [ownerRef(service, false)] } : {}),
      },
      type: 'Opaque',
      data: {
        config: b64(config),
        'certificate-authority': b64(this.host.caPem),
        token: b64(this.nested.get(key)!.adminToken),
      },
    });
  }
}
