import { IncomingMessage, ServerResponse } from 'node:http';
import { ClusterApi } from './api';
import { Authenticator, TokenGrant } from './auth';
import {
  InstallerDelays,
  PodBehaviour,
  ControllerContext,
} from './controllers/context';
import {
  crdController,
  garbageCollector,
  namespaceController,
} from './controllers/core';
import { kubelet, NODE_NAME } from './controllers/kubelet';
import { kindsOf } from './controllers/kinds';
import { ControllerRuntime, Logger } from './controllers/runtime';
import {
  deploymentController,
  jobController,
  replicaSetController,
  statefulSetController,
} from './controllers/workloads';
import { nodePortsOf } from './defaults';
import { FaultController } from './faults';
import { ClusterEndpoint, VersionInfo } from './http/handler';
import { KubeObject, nowIso } from './model';
import { clusterRoleAggregationController } from './rbac/aggregation';
import { bootstrapClusterRoles } from './rbac/bootstrapPolicy';
import { ResourceRegistry } from './registry';
import { Store, StoreSnapshot } from './store';

export interface ClusterOptions {
  kubernetesVersion: string;
  /** The node's InternalIP (default 127.0.0.1). */
  nodeAddress?: string;
  delays: () => InstallerDelays;
  caPem: string;
  log: Logger;
  bookmarkIntervalMs: number;
  eventLogSize?: number;
  faults?: FaultController;
  /** The server's clock (Unix ms); the machine's by default. */
  clock?: () => number;
  podBehaviour?: (pod: KubeObject) => PodBehaviour | undefined;
  admin?: (
    req: IncomingMessage,
    res: ServerResponse,
    grant: TokenGrant,
  ) => Promise<void>;
}

export function versionInfo(gitVersion: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return { major: m?.[1] ?? '1', minor: m?.[2] ?? '35', gitVersion };
}

/** One Kubernetes cluster: storage, REST semantics, auth and the built-in controllers. */
export class Cluster {
  readonly store: Store;
  readonly registry = new ResourceRegistry();
  readonly api: ClusterApi;
  readonly auth: Authenticator;
  readonly endpoint: ClusterEndpoint;
  readonly runtime: ControllerRuntime;
  readonly context: ControllerContext;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(readonly options: ClusterOptions) {
    this.store = new Store(options.eventLogSize);
    this.api = new ClusterApi(this.store, this.registry);
    this.auth = new Authenticator(this.store, options.clock);
    this.runtime = new ControllerRuntime(options.log);
    this.endpoint = new ClusterEndpoint({
      api: this.api,
      auth: this.auth,
      version: versionInfo(options.kubernetesVersion),
      faults: options.faults,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      admin: options.admin,
    });
    this.context = {
      api: this.api,
      store: this.store,
      runtime: this.runtime,
      kinds: kindsOf(this.api),
      delays: options.delays,
      caPem: options.caPem,
      podBehaviour: pod => options.podBehaviour?.(pod),
      auth: this.auth,
      kubernetesVersion: options.kubernetesVersion,
      nodeAddress: options.nodeAddress ?? '127.0.0.1',
    };
    for (const controller of [
      namespaceController,
      garbageCollector,
      crdController,
      kubelet,
      statefulSetController,
      deploymentController,
      replicaSetController,
      jobController,
      clusterRoleAggregationController,
    ]) {
      this.unsubscribers.push(controller(this.context));
    }
  }

  /** Creates what a fresh cluster has: system namespaces, a node, a default StorageClass, bootstrap roles. */
  bootstrap() {
    const { api } = this;
    const k = this.context.kinds;
    for (const name of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]) {
      api.create(k.namespace, undefined, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    }
    const now = nowIso();
    const node = api.create(k.node, undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: NODE_NAME,
        labels: {
          'kubernetes.io/hostname': NODE_NAME,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node-role.kubernetes.io/control-plane': '',
        },
      },
      spec: { podCIDR: '10.244.0.0/24' },
    });
    api.update(
      k.node,
      undefined,
      NODE_NAME,
      {
        ...node,
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
          addresses: [
            { type: 'InternalIP', address: this.context.nodeAddress },
            { type: 'Hostname', address: NODE_NAME },
          ],
          capacity: { cpu: '8', memory: '32Gi', pods: '110' },
          allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
          nodeInfo: {
            kubeletVersion: this.options.kubernetesVersion,
            operatingSystem: 'linux',
            architecture: 'amd64',
            containerRuntimeVersion: 'containerd://2.0.0',
          },
        },
      },
      { subresource: 'status' },
    );
    api.create(k.storageClass, undefined, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'standard',
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    api.create(k.service, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: '10.96.0.1',
        ports: [
          { name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' },
        ],
      },
    });
    for (const role of bootstrapClusterRoles()) {
      api.create(k.clusterRole, undefined, role);
    }
  }

  snapshot(): StoreSnapshot {
    return this.store.snapshot();
  }

  /** Loads persisted objects and re-serves the CRDs among them. */
  restore(snapshot: StoreSnapshot) {
    this.store.restore(snapshot);
    for (const crd of this.store.list(this.api.key(this.context.kinds.crd))) {
      this.registry.registerCrd(crd);
    }
    for (const svc of this.store.list('/services')) {
      const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (ip) {
        this.api.ips.markUsed(ip);
      }
      nodePortsOf(svc).forEach(port => this.api.nodePorts.markUsed(port));
    }
  }

  stop() {
    this.unsubscribers.forEach(u => u());
    this.runtime.stop();
    this.endpoint.endWatches(true);
  }
}
