import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { isIP } from 'node:net';
import { stringify as toYaml } from 'yaml';
import { newToken, TokenGrant } from '../auth';
import { Cluster, ClusterOptions } from '../cluster';
import { ControllerContext, PodBehaviour } from '../controllers/context';
import { field, isPodReady, ownerRef } from '../controllers/kinds';
import { FaultController } from '../faults';
import { getPath, isJsonObject, JsonObject } from '../json';
import { KubeObject } from '../model';
import { Address } from '../network/forward';
import { StoreSnapshot } from '../store';
import { CaMaterial, createCa, issueServerCert } from '../tls';
import { DEFAULT_K8S_VERSION } from './chart';
import { latestRelease } from './helm';
import { PodSyncer } from './podSyncer';

export const VCLUSTER_CLI_IMAGE = 'ghcr.io/loft-sh/vcluster-cli:';

/** The syncer's port (`controlPlane.proxy.port`), the Service's targetPort. */
const SYNCER_PORT = 8443;

export interface NestedClusterState {
  namespace: string;
  name: string;
  adminToken: string;
  kubernetesVersion: string;
  store: StoreSnapshot;
  grants: TokenGrant[];
}

/** The syncer's HTTPS server, standing for the pod's port 8443, with its current serving certificate. */
interface SyncerServer {
  server: Server;
  address: Address;
  sans: string;
}

interface NestedCluster {
  cluster: Cluster;
  adminToken: string;
  kubernetesVersion: string;
  syncer: PodSyncer;
  server?: Promise<SyncerServer>;
}

/** Base64 helper for Secret data. */
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The Kubernetes version a control-plane pod runs: the tag of its init container `kubernetes`. */
function kubernetesVersionOf(pod: KubeObject): string {
  const inits = field(pod, 'spec').initContainers;
  const init = (Array.isArray(inits) ? inits : [])
    .filter(isJsonObject)
    .find(c => c.name === 'kubernetes');
  const tag = /:([^:/]+)$/.exec(String(init?.image ?? ''))?.[1];
  return tag ?? DEFAULT_K8S_VERSION;
}

/**
 * The vcluster control planes: one nested Cluster per vcluster, created when its
 * pod first becomes Ready and kept (like its PVC) while paused. Like the syncer,
 * it keeps the PKI in Secret `<name>-certs`, serves the nested API with a
 * certificate for the SANs the syncer computes, and writes the kubeconfig
 * Secret `vc-<name>`.
 */
export class VclusterRuntime {
  private readonly nested = new Map<string, NestedCluster>();

  constructor(
    private readonly host: ControllerContext,
    private readonly faults: FaultController,
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

  /** Where a control-plane pod's port 8443 answers: the syncer's server, once the control plane is up. */
  podBackend = async (
    namespace: string,
    pod: KubeObject,
    port: number,
  ): Promise<Address | undefined> => {
    const { app, release } = pod.metadata.labels ?? {};
    if (app !== 'vcluster' || !release || port !== SYNCER_PORT) {
      return undefined;
    }
    if (!this.nested.has(`${namespace}/${release}`)) {
      return undefined;
    }
    return (await this.syncerServer(namespace, release))?.address;
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

  /** The nested cluster, only while its StatefulSet has ready replicas. */
  serving(namespace: string, name: string): Cluster | undefined {
    const nc = this.nested.get(`${namespace}/${name}`);
    if (!nc) {
      return undefined;
    }
    const sts = this.host.store.get('apps/statefulsets', namespace, name);
    const ready = sts ? field(sts, 'status').readyReplicas : 0;
    return typeof ready === 'number' && ready > 0 ? nc.cluster : undefined;
  }

  /** A kubeconfig for the nested cluster with its admin token and its CA, for `server`. */
  kubeconfig(
    namespace: string,
    name: string,
    server: string,
    contextName = 'my-vcluster',
  ): string | undefined {
    const nc = this.nested.get(`${namespace}/${name}`);
    const ca = this.caOf(namespace, name);
    if (!nc || !ca) {
      return undefined;
    }
    return toYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: contextName,
          cluster: { server, 'certificate-authority-data': b64(ca.certPem) },
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

  /** Stops the nested clusters and their servers; their state stays available to snapshot(). */
  async stop() {
    const servers = [...this.nested.values()].map(nc => {
      nc.syncer.stop();
      nc.cluster.stop();
      return nc.server;
    });
    await Promise.all(servers.map(closeServer));
  }

  private drop(key: string) {
    const nc = this.nested.get(key);
    nc?.syncer.stop();
    nc?.cluster.stop();
    void closeServer(nc?.server);
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

  /** The CA in Secret `<name>-certs` (pkg/certs/ensure.go keeps the PKI there). */
  private caOf(namespace: string, name: string): CaMaterial | undefined {
    const { api, kinds } = this.host;
    const data = field(
      api.tryGet(kinds.secret, namespace, `${name}-certs`),
      'data',
    );
    if (
      typeof data['ca.crt'] !== 'string' ||
      typeof data['ca.key'] !== 'string'
    ) {
      return undefined;
    }
    const text = (v: unknown) => Buffer.from(String(v), 'base64').toString();
    return { certPem: text(data['ca.crt']), keyPem: text(data['ca.key']) };
  }

  /** Creates the vcluster's PKI once, owned by Service `<name>` like the syncer's. */
  private async ensureCa(namespace: string, name: string) {
    const existing = this.caOf(namespace, name);
    if (existing) {
      return existing;
    }
    const ca = await createCa(`vcluster-${name}-ca`);
    const { api, kinds } = this.host;
    const service = api.tryGet(kinds.service, namespace, name);
    if (!this.caOf(namespace, name)) {
      api.create(kinds.secret, namespace, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `${name}-certs`,
          labels: { app: 'vcluster', 'vcluster-name': name },
          ...(service ? { ownerReferences: [ownerRef(service, false)] } : {}),
        },
        type: 'Opaque',
        data: { 'ca.crt': b64(ca.certPem), 'ca.key': b64(ca.keyPem) },
      });
    }
    return this.caOf(namespace, name) ?? ca;
  }

  /**
   * The serving certificate's names, as the syncer computes them
   * (pkg/server/cert/cert.go GenAPIServerServingCerts and getExtraSANs).
   */
  private servingSans(namespace: string, name: string): string[] {
    const { api, kinds, store } = this.host;
    const values = latestRelease(this.host, name, namespace)?.config ?? {};
    const text = (path: string, fallback = '') => {
      const v = getPath(values, path);
      return typeof v === 'string' ? v : fallback;
    };
    const sans = [
      'kubernetes.default.svc.cluster.local',
      'kubernetes.default.svc',
      'kubernetes.default',
      'kubernetes',
      'localhost',
      '127.0.0.1',
      // The chart's default ingress host counts even when the ingress is off.
      text('controlPlane.ingress.host', 'my-host.com'),
    ];
    const extra = getPath(values, 'controlPlane.proxy.extraSANs');
    if (Array.isArray(extra)) {
      sans.push(...extra.map(String));
    }
    const endpoint = text('controlPlane.endpoint');
    if (endpoint) {
      sans.push(endpoint.replace(/:\d+$/, ''));
    }
    sans.push(
      name,
      `${name}.${namespace}`,
      '*.nodes.vcluster.com',
      `*.${name}.${namespace}.nodes.vcluster.com`,
    );
    const service = api.tryGet(kinds.service, namespace, name);
    const spec = field(service, 'spec');
    if (spec.type === 'NodePort') {
      for (const pod of store.list(api.key(kinds.pod), namespace)) {
        const labels = pod.metadata.labels ?? {};
        if (labels.app === 'vcluster' && labels.release === name) {
          const hostIPs = field(pod, 'status').hostIPs;
          for (const h of Array.isArray(hostIPs) ? hostIPs : []) {
            if (isJsonObject(h) && typeof h.ip === 'string' && h.ip) {
              sans.push(h.ip);
            }
          }
        }
      }
    }
    if (typeof spec.clusterIP === 'string' && spec.clusterIP) {
      sans.push(spec.clusterIP);
    }
    const ingress = field(field(service, 'status'), 'loadBalancer').ingress;
    for (const lb of Array.isArray(ingress) ? ingress : []) {
      if (isJsonObject(lb)) {
        sans.push(
          ...[lb.ip, lb.hostname].filter(
            (v): v is string => typeof v === 'string' && v !== '',
          ),
        );
      }
    }
    const pod = api.tryGet(kinds.pod, namespace, `${name}-0`);
    const podIP = field(pod, 'status').podIP;
    if (typeof podIP === 'string' && podIP) {
      sans.push(podIP);
    }
    const seen = new Set<string>();
    return sans.filter(s => {
      const key = s.toLowerCase();
      if (!s || seen.has(key)) {
        return false;
      }
      seen.add(key);
      return true;
    });
  }

  /**
   * The syncer's server with a certificate for the current SANs; like the
   * syncer, it issues a new one when they change (a LoadBalancer address that
   * arrived later, say).
   */
  private async syncerServer(
    namespace: string,
    name: string,
  ): Promise<SyncerServer | undefined> {
    const nc = this.nested.get(`${namespace}/${name}`);
    const ca = this.caOf(namespace, name);
    if (!nc || !ca) {
      return undefined;
    }
    const sans = this.servingSans(namespace, name);
    const key = sans.join(',');
    const issue = () =>
      issueServerCert(ca, {
        ips: sans.filter(s => isIP(s) !== 0),
        dns: sans.filter(s => isIP(s) === 0),
      });
    if (!nc.server) {
      nc.server = issue().then(
        tls =>
          new Promise<SyncerServer>((resolve, reject) => {
            const server = createServer(
              { key: tls.keyPem, cert: chain(tls.certPem, ca) },
              (req: IncomingMessage, res: ServerResponse) => {
                const url = new URL(req.url ?? '/', 'https://localhost');
                const path = url.pathname.replace(/\/+$/, '') || '/';
                void nc.cluster.endpoint.handle(req, res, path, url);
              },
            );
            server.keepAliveTimeout = 30000;
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              resolve({
                server,
                address: {
                  host: '127.0.0.1',
                  port:
                    typeof address === 'object' && address ? address.port : 0,
                },
                sans: key,
              });
            });
          }),
      );
    }
    const current = await nc.server.catch(error => {
      nc.server = undefined;
      throw error;
    });
    if (current.sans !== key) {
      current.sans = key;
      const tls = await issue();
      current.server.setSecureContext({
        key: tls.keyPem,
        cert: chain(tls.certPem, ca),
      });
    }
    return current;
  }

  /** The syncer is up: start (or resume) the nested API server and export the kubeconfig secret. */
  private async controlPlaneUp(namespace: string, name: string) {
    const { api, kinds } = this.host;
    const pod = api.tryGet(kinds.pod, namespace, `${name}-0`);
    if (!pod || !isPodReady(pod)) {
      return;
    }
    const values: JsonObject =
      latestRelease(this.host, name, namespace)?.config ?? {};
    const key = `${namespace}/${name}`;
    if (!this.nested.has(key)) {
      const kubernetesVersion = kubernetesVersionOf(pod);
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
    await this.ensureCa(namespace, name);
    // The syncer (re)starting puts the nested cluster's pods back on the host.
    this.nested.get(key)?.syncer.resync();
    if (api.tryGet(kinds.secret, namespace, `vc-${name}`)) {
      return;
    }
    // pkg/setup/controller_context.go: the default server is the syncer's own port on localhost.
    const exportServer = getPath(values, 'exportKubeConfig.server');
    const server =
      typeof exportServer === 'string' && exportServer
        ? exportServer
        : `https://localhost:${SYNCER_PORT}`;
    const contextName = getPath(values, 'exportKubeConfig.context');
    const config = this.kubeconfig(
      namespace,
      name,
      server,
      typeof contextName === 'string' && contextName ? contextName : undefined,
    );
    const ca = this.caOf(namespace, name);
    const nc = this.nested.get(key);
    if (!config || !ca || !nc) {
      return;
    }
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
        'certificate-authority': b64(ca.certPem),
        token: b64(nc.adminToken),
      },
    });
  }
}

/** The serving certificate followed by its CA, as the syncer serves it. */
function chain(certPem: string, ca: CaMaterial) {
  return `${certPem.trim()}\n${ca.certPem.trim()}\n`;
}

async function closeServer(server: Promise<SyncerServer> | undefined) {
  const s = await server?.catch(() => undefined);
  if (s) {
    s.server.closeAllConnections();
    await new Promise<void>(resolve => s.server.close(() => resolve()));
  }
}
