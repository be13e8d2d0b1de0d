/* eslint-disable no-console */
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI_DELAYS, InstallerDelays } from './controllers/context';
import { startHostSimulator } from './simulator';

const USAGE = `Usage: host-simulator [options]

  --port <port>             port on 127.0.0.1 (default 6443; 0 picks a free one)
  --token <token>           bearer token with full access (default: generated and printed)
  --ca-out <file>           write the CA certificate (PEM) to this file
  --kubeconfig-out <file>   write a kubeconfig for the host to this file
  --state <file>            load state from this file and persist it there
  --admin                   serve the fault injection API at /admin/faults
  --install-delay-ms <ms>   delay of the helm install step; the other steps scale with it (default ${CLI_DELAYS.helmInstallMs})
  --kubernetes-version <v>  version reported by /version (default v1.35.0)
  --node-address <ip>       the node's address, where NodePorts listen (default 127.0.0.1)
  --lb-addresses <range>    run a load-balancer controller with this pool in 127.0.0.0/8,
                            e.g. 127.0.0.100-127.0.0.149 (default: none, LoadBalancer Services stay pending)
  --lb-port <port>          where load balancers serve the Service's port 443 (default 443;
                            pick a port >= 1024 to run unprivileged)
  --passthrough-port <port> run ingress-nginx (SSL passthrough) and a TLS passthrough Gateway on
                            the node address at this port (default: none)
  --help                    show this help
`;

/** Scales the CLI timeline so the helm install step takes `base` ms. */
function delaysFrom(base: number): InstallerDelays {
  const scale = base / CLI_DELAYS.helmInstallMs;
  return Object.fromEntries(
    Object.entries(CLI_DELAYS).map(([k, v]) => [k, Math.round(v * scale)]),
  ) as unknown as InstallerDelays;
}

async function writeFile(path: string, content: string) {
  await fs.mkdir(dirname(path), { recursive: true });
  await fs.writeFile(path, content);
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '6443' },
      token: { type: 'string' },
      'ca-out': { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      state: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'install-delay-ms': { type: 'string' },
      'kubernetes-version': { type: 'string' },
      'node-address': { type: 'string' },
      'lb-addresses': { type: 'string' },
      'lb-port': { type: 'string' },
      'passthrough-port': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const portOption = (name: 'port' | 'lb-port' | 'passthrough-port') => {
    const text = values[name];
    if (text === undefined) {
      return undefined;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      throw new Error(`--${name} must be a port number, got ${text}`);
    }
    return value;
  };
  const port = portOption('port')!;
  const delay =
    values['install-delay-ms'] === undefined
      ? undefined
      : Number(values['install-delay-ms']);
  if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) {
    throw new Error(
      `--install-delay-ms must be a non-negative number, got ${values['install-delay-ms']}`,
    );
  }
  const sim = await startHostSimulator({
    port,
    token: values.token,
    adminApi: values.admin,
    statePath: values.state ? resolve(values.state) : undefined,
    delays: delay === undefined ? CLI_DELAYS : delaysFrom(delay),
    kubernetesVersion: values['kubernetes-version'],
    nodeAddress: values['node-address'],
    loadBalancer: values['lb-addresses']
      ? {
          addresses: values['lb-addresses'],
          httpsPort: portOption('lb-port'),
        }
      : undefined,
    passthroughPort: portOption('passthrough-port'),
    logger: message => console.error(message),
  });
  if (values['ca-out']) {
    await writeFile(resolve(values['ca-out']), sim.caPem);
  }
  if (values['kubeconfig-out']) {
    await writeFile(resolve(values['kubeconfig-out']), sim.kubeconfig());
  }
  console.log(
    `host simulator listening on ${sim.url}${
      values.token ? '' : ` (token: ${sim.token})`
    }`,
  );
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.exit(0),
      e => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  console.error(USAGE);
  process.exit(1);
});
