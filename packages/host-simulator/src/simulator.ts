import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { stringify as toYaml } from 'yaml';
import { newToken, TokenGrant } from './auth';
import { Cluster, ClusterOptions } from './cluster';
import {
  CLI_DELAYS,
  InstallerDelays,
  TEST_DELAYS,
} from './controllers/context';
import { Logger } from './controllers/runtime';
import { errors } from './errors';
import { FaultController, FaultState } from './faults';
import { parseBody, readBody, sendJson } from './http/body';
import { isJsonObject } from './json';
import { loadState, PersistedState, saveState } from './state';
import { createCa, issueServerCert } from './tls';
import { ServiceRouter } from './network/endpoints';
import {
  LoadBalancerOptions,
  loadBalancerController,
} from './network/loadBalancer';
import { nodePortProxy } from './network/nodePorts';
import {
  GATEWAY_API_CRDS,
  PASSTHROUGH_OBJECTS,
  passthroughController,
} from './network/passthrough';
import { FLUX_SOURCES, INSTALLER_CRDS } from './vcluster/crds';
import { deployController } from './vcluster/deploy';
import { startInstallers } from './vcluster/installers';
import { VclusterRuntime } from './vcluster/runtime';

export interface HostSimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Bearer token with full access; generated when omitted. */
  token?: string;
  /** Installer and workload timeline delays; defaults are short (tests). */
  delays?: Partial<InstallerDelays>;
  /** Serve `/admin/faults` (closed by default). */
  adminApi?: boolean;
  /** Persist state to this JSON file (on stop and periodically) and load it at start. */
  statePath?: string;
  /** Kubernetes version the host reports at /version. */
  kubernetesVersion?: string;
  /** Interval of BOOKMARK events on watches that allow them (default 5000). */
  bookmarkIntervalMs?: number;
  /** Events kept for watch resumption before versions become 410 Gone (default 20000). */
  eventLogSize?: number;
  /** Periodic state save interval when statePath is set (default 5000). */
  stateSaveIntervalMs?: number;
  /** The node's InternalIP; NodePorts listen there (default 127.0.0.1). */
  nodeAddress?: string;
  /** A load-balancer controller with this address pool; without it LoadBalancer Services stay pending. */
  loadBalancer?: LoadBalancerOptions;
  /**
   * Port of the TLS passthrough listener on the node address (ingress-nginx and
   * a Gateway); 0 picks a free one. Without it, no ingress controller or
   * Gateway API runs.
   */
  passthroughPort?: number;
  logger?: Logger;
}

export interface HostSimulator {
  /** `https://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  faults: FaultController;
  /** Adds a bearer token, optionally restricted to namespaces and/or verbs (403 outside). */
  addToken(grant: TokenGrant): void;
  /** A kubeconfig (YAML) for the host with the full-access token. */
  kubeconfig(): string;
  /** The host cluster, for assertions and direct object access in tests. */
  host: Cluster;
  /** The node's address, where NodePorts listen. */
  nodeAddress: string;
  /** The TLS passthrough listener (Ingress and TLSRoute hosts), when enabled. */
  passthrough?: { address: string; port: number };
  stop(): Promise<void>;
}

export { CLI_DELAYS, TEST_DELAYS };

/** Starts the host simulator: an HTTPS Kubernetes API server with vcluster installer controllers. */
export async function startHostSimulator(
  options: HostSimulatorOptions = {},
): Promise<HostSimulator> {
  const log: Logger = options.logger ?? (() => {});
  const saved = options.statePath
    ? await loadState(options.statePath)
    : undefined;
  const ca = saved?.ca ?? (await createCa());
  const tls = await issueServerCert(ca);
  const delays: InstallerDelays = { ...TEST_DELAYS, ...options.delays };
  const faults = new FaultController();
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 5000;
  let url = '';

  const nodeAddress = options.nodeAddress ?? '127.0.0.1';
  const baseOptions = (kubernetesVersion: string): ClusterOptions => ({
    kubernetesVersion,
    nodeAddress,
    delays: () => delays,
    caPem: ca.certPem,
    log,
    bookmarkIntervalMs,
    eventLogSize: options.eventLogSize,
    clock: () => faults.now(),
  });

  const runtimeRef: { vclusters?: VclusterRuntime } = {};
  const host = new Cluster({
    ...baseOptions(options.kubernetesVersion ?? 'v1.35.0'),
    faults,
    podBehaviour: pod => runtimeRef.vclusters?.podBehaviour(pod),
    admin: options.adminApi
      ? (req, res, grant) => adminFaults(req, res, grant, faults)
      : undefined,
  });
  const vclusters = new VclusterRuntime(host.context, faults, v =>
    baseOptions(v),
  );
  runtimeRef.vclusters = vclusters;
  const stopVclusters = vclusters.start();
  const installers = startInstallers(host.context, faults, vclusters);
  const stopDeploy = deployController(host.context, faults, (ns, name) =>
    vclusters.serving(ns, name),
  );

  // The host's network: kube-proxy's NodePorts, a load balancer, TLS passthrough.
  const router = new ServiceRouter(host.context, vclusters.podBackend);
  const stopNodePorts = nodePortProxy(host.context, router, log);
  const stopLoadBalancer = options.loadBalancer
    ? loadBalancerController(host.context, router, options.loadBalancer, log)
    : undefined;
  const passthrough =
    options.passthroughPort !== undefined
      ? passthroughController(host.context, router, nodeAddress, log)
      : undefined;

  const token =
    options.token ??
    saved?.grants.find(g => !g.namespaces && !g.verbs && !g.serviceAccount)
      ?.token ??
    newToken('admin');
  if (saved) {
    host.restore(saved.host);
    saved.grants.forEach(g => host.auth.add(g));
    vclusters.restore(saved.nested);
    host.store.resync();
  } else {
    host.bootstrap();
    for (const crd of INSTALLER_CRDS) {
      host.api.create(host.context.kinds.crd, undefined, crd);
    }
    for (const obj of FLUX_SOURCES) {
      host.api.create(
        host.api.typeOf(obj.apiVersion, obj.kind),
        obj.metadata.namespace,
        obj,
      );
    }
  }
  host.auth.add({ token, user: 'kubernetes-admin' });
  // What the ingress controller and the Gateway implementation bring (also into an older saved state).
  for (const obj of passthrough
    ? [...GATEWAY_API_CRDS, ...PASSTHROUGH_OBJECTS]
    : []) {
    const type = host.api.typeOf(obj.apiVersion, obj.kind);
    if (!host.api.tryGet(type, obj.metadata.namespace, obj.metadata.name!)) {
      host.api.create(type, obj.metadata.namespace, obj);
    }
  }

  const passthroughPort =
    passthrough && options.passthroughPort !== undefined
      ? await passthrough.listen(options.passthroughPort)
      : undefined;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const reqUrl = new URL(req.url ?? '/', 'https://127.0.0.1');
    const path = reqUrl.pathname.replace(/\/+$/, '') || '/';
    void host.endpoint.handle(req, res, path, reqUrl);
  };

  const server: Server = createServer(
    { key: tls.keyPem, cert: tls.certPem, ca: ca.certPem },
    handler,
  );
  server.keepAliveTimeout = 30000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(options.port ?? 0);
  url = `https://127.0.0.1:${port}`;

  const allEndpoints = () => [
    host.endpoint,
    ...vclusters.clusters().map(c => c.endpoint),
  ];
  faults.bind({
    dropWatches: graceful =>
      allEndpoints().forEach(e => e.endWatches(graceful)),
    forceGone: () => {
      host.store.compact();
      vclusters.clusters().forEach(c => c.store.compact());
      allEndpoints().forEach(e => e.goneWatches());
    },
    setDown: async down => {
      if (down) {
        allEndpoints().forEach(e => e.endWatches(false));
        await new Promise<void>(resolve => {
          server.close(() => resolve());
          sockets.forEach(s => s.destroy());
        });
      } else if (!server.listening) {
        await listen(port);
      }
    },
    installSwitchesChanged: () => installers.retry(),
  });

  const snapshot = (): PersistedState => ({
    version: 1,
    ca,
    grants: host.auth.all(),
    host: host.snapshot(),
    nested: vclusters.snapshot(),
  });
  let lastSavedRv = -1;
  const stateVersion = () =>
    host.store.resourceVersion +
    vclusters.clusters().reduce((n, c) => n + c.store.resourceVersion, 0);
  const save = async () => {
    if (options.statePath) {
      lastSavedRv = stateVersion();
      await saveState(options.statePath, snapshot());
    }
  };
  const saveTimer = options.statePath
    ? setInterval(() => {
        if (stateVersion() !== lastSavedRv) {
          save().catch(e => log(`saving state failed: ${String(e)}`));
        }
      }, options.stateSaveIntervalMs ?? 5000)
    : undefined;
  saveTimer?.unref();

  return {
    url,
    token,
    caPem: ca.certPem,
    faults,
    host,
    nodeAddress,
    passthrough:
      passthroughPort !== undefined
        ? { address: nodeAddress, port: passthroughPort }
        : undefined,
    addToken: grant => host.auth.add(grant),
    kubeconfig: () =>
      toYaml({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'host-simulator',
            cluster: {
              server: url,
              'certificate-authority-data': Buffer.from(ca.certPem).toString(
                'base64',
              ),
            },
          },
        ],
        contexts: [
          {
            name: 'host-simulator',
            context: { cluster: 'host-simulator', user: 'admin' },
          },
        ],
        'current-context': 'host-simulator',
        users: [{ name: 'admin', user: { token } }],
      }),
    stop: async () => {
      if (saveTimer) clearInterval(saveTimer);
      installers.stop();
      stopDeploy();
      stopVclusters();
      await Promise.all([
        stopNodePorts(),
        stopLoadBalancer?.(),
        passthrough?.stop(),
      ]);
      await vclusters.stop();
      host.stop();
      await save();
      await new Promise<void>(resolve => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        sockets.forEach(s => s.destroy());
      });
    },
  };
}

/** `/admin/faults`: GET shows the switches, POST changes them. Needs a full-access token. */
async function adminFaults(
  req: IncomingMessage,
  res: ServerResponse,
  grant: TokenGrant,
  faults: FaultController,
) {
  if (grant.namespaces || grant.verbs || grant.serviceAccount) {
    throw errors.forbidden('the fault admin API needs a full-access token');
  }
  if (req.method === 'GET') {
    sendJson(res, 200, faults.current());
    return;
  }
  if (req.method !== 'POST') {
    throw errors.methodNotAllowed('use GET or POST');
  }
  const body = parseBody(await readBody(req), 'application/json');
  if (!isJsonObject(body)) {
    throw errors.badRequest('expected a JSON object of fault switches');
  }
  const b = body as Partial<FaultState> & {
    reset?: boolean;
    dropWatches?: boolean | 'graceful';
    forceGone?: boolean;
    downForMs?: number;
    latency?: number | Record<string, number>;
  };
  if (b.reset) await faults.reset();
  if (b.latency !== undefined) faults.setLatency(b.latency);
  if (b.latencyMs !== undefined) faults.setLatency(b.latencyMs);
  if (b.latencyByVerb !== undefined) faults.setLatency(b.latencyByVerb);
  if (b.errorRate !== undefined)
    faults.setErrorRate(b.errorRate, { verbs: b.errorVerbs });
  if (b.failInstalls !== undefined) faults.failInstalls(b.failInstalls);
  if (b.hangInstalls !== undefined) faults.hangInstalls(b.hangInstalls);
  if (b.failAddonCharts !== undefined)
    faults.failAddonCharts(b.failAddonCharts);
  if (b.slowInstalls !== undefined) faults.slowInstalls(b.slowInstalls);
  if (b.dropWatches)
    faults.dropWatches({ graceful: b.dropWatches === 'graceful' });
  if (b.forceGone) faults.forceGone();
  if (b.clockOffsetMs !== undefined) faults.setClockOffset(b.clockOffsetMs);
  // Answer before going down, or the caller would never hear back.
  sendJson(res, 200, {
    ...faults.current(),
    down: b.down ?? faults.current().down,
  });
  if (b.down !== undefined) {
    await faults.setDown(b.down);
    if (b.down && b.downForMs) {
      setTimeout(() => void faults.setDown(false), b.downForMs).unref();
    }
  }
}
