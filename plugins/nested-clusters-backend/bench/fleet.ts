/*
 * The benchmark's simulated hosts, in a child process of their own so that
 * their CPU and heap do not count against the backend being measured.
 * Controlled over IPC by bench/index.ts (see protocol.ts).
 */
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { FleetHost, NAMESPACE_PREFIX, seedCluster } from './seed';
import {
  FleetMessage,
  FleetReply,
  FleetRequest,
  HostChange,
  preciseNow,
} from './protocol';

type Host = HostSimulator['host'];
type Stored = ReturnType<Host['store']['list']>[number];

const sims: HostSimulator[] = [];
const hosts: FleetHost[] = [];

function status(object: Stored | undefined): Record<string, unknown> {
  return (object?.status as Record<string, unknown> | undefined) ?? {};
}

/** True once the host shows the cluster in the state the change leads to. */
function reached(host: Host, change: HostChange, name: string): boolean {
  const namespace = `${NAMESPACE_PREFIX}${name}`;
  const { store } = host;
  const sts = store.get('apps/statefulsets', namespace, name);
  const ready = (status(sts).readyReplicas as number | undefined) ?? 0;
  switch (change) {
    case 'ready': {
      // Running also needs the kubeconfig Secret the control plane writes.
      const job = store.get('batch/jobs', namespace, `${name}-install`);
      return (
        ready >= 1 &&
        status(job).succeeded === 1 &&
        store.get('/secrets', namespace, `vc-${name}`) !== undefined
      );
    }
    case 'paused':
      return (
        ready === 0 &&
        status(sts).replicas === 0 &&
        !store
          .list('/pods', namespace)
          .some(p => p.metadata.labels?.release === name)
      );
    case 'deleted':
      return store.get('/namespaces', undefined, namespace) === undefined;
    default:
      throw new Error(`unknown change ${change satisfies never}`);
  }
}

/** Resolves with the moment the host reaches the changed state. */
function whenReached(
  host: Host,
  change: HostChange,
  name: string,
): Promise<number> {
  return new Promise(resolve => {
    const unsubscribe = host.store.subscribe(() => {
      if (reached(host, change, name)) {
        const at = preciseNow();
        unsubscribe();
        resolve(at);
      }
    });
  });
}

/** Waits until every seeded cluster's Job succeeded and its pod is Ready. */
async function settled(host: Host, names: string[]): Promise<number> {
  for (;;) {
    const ready = names.filter(n => reached(host, 'ready', n)).length;
    if (ready === names.length) {
      return ready;
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function handle(request: FleetRequest): Promise<FleetReply> {
  switch (request.op) {
    case 'start':
      for (const name of request.names) {
        const sim = await startHostSimulator({
          // Installs and pods complete at once: only the API is measured.
          delays: {
            helmInstallMs: 0,
            podReadyMs: 0,
            kubeconfigMs: 0,
            podTerminateMs: 0,
            uninstallMs: 0,
            jobRunMs: 0,
          },
          bookmarkIntervalMs: 1000,
        });
        sims.push(sim);
        hosts.push({ name, url: sim.url, token: sim.token, caPem: sim.caPem });
      }
      return { hosts };
    case 'seed': {
      const { host } = sims[request.host];
      request.clusters.forEach(c => seedCluster(host, c));
      return {
        ready: await settled(
          host,
          request.clusters.map(c => c.name),
        ),
      };
    }
    case 'latency':
      sims.forEach(s => s.faults.setLatency(request.ms));
      return { ok: true };
    case 'hangInstalls':
      sims.forEach(s => s.faults.hangInstalls(request.hang));
      return { ok: true };
    case 'change': {
      const { host } = sims[request.host];
      const { name } = request.cluster;
      const namespace = `${NAMESPACE_PREFIX}${name}`;
      const at = whenReached(host, request.change, name);
      const { api, context } = host;
      if (request.change === 'ready') {
        seedCluster(host, request.cluster);
      } else if (request.change === 'paused') {
        // The patch `vcluster pause` sends.
        api.patch(context.kinds.statefulSet, namespace, name, 'merge', {
          metadata: {
            annotations: {
              'loft.sh/paused': 'true',
              'loft.sh/paused-replicas': '1',
              'loft.sh/paused-date': new Date().toISOString(),
            },
          },
          spec: { replicas: 0 },
        });
      } else {
        api.delete(context.kinds.namespace, undefined, namespace);
      }
      return { changedAt: await at };
    }
    case 'count': {
      const names = sims.flatMap(s =>
        s.host.store
          .list('/namespaces')
          .map(n => n.metadata.name)
          .filter(n => n.startsWith(request.prefix)),
      );
      return { count: names.length, names };
    }
    case 'memory': {
      const { heapUsed, rss } = process.memoryUsage();
      return { heapUsedMb: heapUsed / 2 ** 20, rssMb: rss / 2 ** 20 };
    }
    case 'stop':
      await Promise.all(sims.map(s => s.stop()));
      setImmediate(() => process.exit(0));
      return { ok: true };
    default:
      throw new Error(
        `unknown op ${(request satisfies never as FleetRequest).op}`,
      );
  }
}

process.on('message', (message: FleetMessage<FleetRequest>) => {
  handle(message.body).then(
    body => process.send!({ id: message.id, body }),
    (error: Error) =>
      process.send!({ id: message.id, body: { error: String(error.stack) } }),
  );
});
