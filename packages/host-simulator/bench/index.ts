/* eslint-disable no-console */
import { Agent, request } from 'node:https';
import { startHostSimulator, HostSimulator } from '../src';

/** Benchmarks: list latency, watch fan-out and memory per object. Run with --expose-gc. */

const LIST_SAMPLES = 20;
const FANOUT_WATCHERS = 50;
const FANOUT_SAMPLES = 30;

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

function fmt(values: number[]) {
  return `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(
    values,
    95,
  ).toFixed(1)} ms`;
}

function get(
  sim: HostSimulator,
  agent: Agent,
  path: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${path}`,
      {
        agent,
        ca: sim.caPem,
        headers: { Authorization: `Bearer ${sim.token}` },
      },
      res => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function createConfigMaps(
  sim: HostSimulator,
  namespace: string,
  from: number,
  to: number,
) {
  const type = sim.host.context.kinds.configMap;
  for (let i = from; i < to; i++) {
    sim.host.api.create(type, namespace, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `cm-${String(i).padStart(6, '0')}`,
        labels: { app: 'bench', shard: String(i % 10) },
        annotations: { 'bench.example.com/index': String(i) },
      },
      data: { 'config.yaml': `key: value-${i}\nother: ${'x'.repeat(64)}\n` },
    });
  }
}

async function listLatency(sim: HostSimulator, agent: Agent, count: number) {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < LIST_SAMPLES; i++) {
    const start = performance.now();
    const res = await get(sim, agent, '/api/v1/namespaces/bench/configmaps');
    samples.push(performance.now() - start);
    bytes = res.bytes;
    if (res.status !== 200) throw new Error(`list failed with ${res.status}`);
  }
  const paged: number[] = [];
  for (let i = 0; i < LIST_SAMPLES; i++) {
    const start = performance.now();
    await get(
      sim,
      agent,
      '/api/v1/namespaces/bench/configmaps?limit=500&labelSelector=shard%3D3',
    );
    paged.push(performance.now() - start);
  }
  console.log(
    `list ${count.toLocaleString('en')} objects: ${fmt(samples)} (${(
      bytes / 1e6
    ).toFixed(1)} MB); limit=500 with label selector: ${fmt(paged)}`,
  );
}

async function watchFanout(sim: HostSimulator) {
  const received = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const sockets: { destroy(): void }[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: FANOUT_WATCHERS + 5 });
  const rv = (await new Promise<string>((resolve, reject) => {
    const req = request(
      `${sim.url}/api/v1/namespaces/fanout/configmaps`,
      {
        agent,
        ca: sim.caPem,
        headers: { Authorization: `Bearer ${sim.token}` },
      },
      res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve(JSON.parse(body).metadata.resourceVersion));
      },
    );
    req.on('error', reject);
    req.end();
  })) as string;
  await Promise.all(
    Array.from(
      { length: FANOUT_WATCHERS },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = request(
            `${sim.url}/api/v1/namespaces/fanout/configmaps?watch=true&resourceVersion=${rv}`,
            {
              agent,
              ca: sim.caPem,
              headers: { Authorization: `Bearer ${sim.token}` },
            },
            res => {
              sockets.push(res);
              let buffer = '';
              res.on('data', (chunk: Buffer) => {
                buffer += chunk.toString();
                let nl = buffer.indexOf('\n');
                while (nl >= 0) {
                  const line = buffer.slice(0, nl);
                  buffer = buffer.slice(nl + 1);
                  const name = JSON.parse(line).object.metadata.name as string;
                  const n = (received.get(name) ?? 0) + 1;
                  received.set(name, n);
                  if (n === FANOUT_WATCHERS) waiters.get(name)?.();
                  nl = buffer.indexOf('\n');
                }
              });
              res.on('error', () => {});
              resolve();
            },
          );
          req.on('error', reject);
          req.end();
        }),
    ),
  );
  const samples: number[] = [];
  for (let i = 0; i < FANOUT_SAMPLES; i++) {
    const name = `fan-${i}`;
    const done = new Promise<void>(resolve => waiters.set(name, resolve));
    const start = performance.now();
    sim.host.api.create(sim.host.context.kinds.configMap, 'fanout', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      data: { i: String(i) },
    });
    await done;
    samples.push(performance.now() - start);
  }
  sockets.forEach(s => s.destroy());
  agent.destroy();
  console.log(
    `watch fan-out to ${FANOUT_WATCHERS} watchers (write → all received): ${fmt(
      samples,
    )}`,
  );
}

function heapUsed() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('run with node --expose-gc');
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  const sim = await startHostSimulator({ eventLogSize: 1000 });
  const ns = sim.host.context.kinds.namespace;
  for (const name of ['bench', 'fanout', 'memory']) {
    sim.host.api.create(ns, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    createConfigMaps(sim, 'bench', 0, 10000);
    await listLatency(sim, agent, 10000);
    createConfigMaps(sim, 'bench', 10000, 50000);
    await listLatency(sim, agent, 50000);
    await watchFanout(sim);

    const before = heapUsed();
    createConfigMaps(sim, 'memory', 0, 10000);
    const after = heapUsed();
    console.log(
      `memory per 1,000 objects (ConfigMaps with labels, an annotation and ~100 B data): ${(
        (after - before) /
        10 /
        1024 /
        1024
      ).toFixed(2)} MiB`,
    );
  } finally {
    agent.destroy();
    await sim.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
