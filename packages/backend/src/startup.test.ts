import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';

/*
 * Boots the real packages/backend with the real app-config.yaml in a child
 * process, with a host simulator standing in for the `simulated` host. A
 * backend whose plugin fails to start keeps listening and answers empty lists,
 * so this test reads the log for startup failures and asserts real content,
 * not just HTTP 200.
 */

const backendDir = resolve(__dirname, '..');
const repoRoot = resolve(backendDir, '../..');
const STARTUP_FAILURE =
  /Backend startup failed|Plugin '[^']+' startup failed|Module '[^']+' for plugin '[^']+' startup failed/;

jest.setTimeout(180_000);

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

interface RunningBackend {
  baseUrl: string;
  log: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

async function startBackend(
  simulator: HostSimulator,
  extraConfig: object,
): Promise<RunningBackend> {
  const port = await freePort();
  const configDir = mkdtempSync(join(tmpdir(), 'backend-smoke-'));
  const overrides = join(configDir, 'app-config.smoke.yaml');
  const caFile = join(configDir, 'simulator-ca.pem');
  writeFileSync(caFile, simulator.caPem);
  // JSON is valid YAML, so the override file needs no serializer.
  writeFileSync(
    overrides,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
      },
      nestedClusters: {
        hosts: [
          {
            name: 'simulated',
            url: simulator.url,
            auth: {
              type: 'serviceAccount',
              token: simulator.token,
              caFile,
            },
            installer: 'helm-job',
            exposure: { type: 'nodePort', nodeAddress: simulator.nodeAddress },
          },
        ],
      },
      ...extraConfig,
    }),
  );
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      join(repoRoot, 'app-config.yaml'),
      '--config',
      overrides,
    ],
    {
      cwd: backendDir,
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', chunk => (output += chunk));
  child.stderr?.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(done =>
    child.once('exit', code => done(code)),
  );
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the backend reports its startup outcome. */
async function waitForStartup(
  backend: RunningBackend,
): Promise<'ready' | 'failed'> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (STARTUP_FAILURE.test(backend.log())) {
      return 'failed';
    }
    try {
      const response = await fetch(
        `${backend.baseUrl}/.backstage/health/v1/readiness`,
      );
      if (response.ok) {
        return STARTUP_FAILURE.test(backend.log()) ? 'failed' : 'ready';
      }
    } catch {
      // not listening yet
    }
    const exitedEarly = await Promise.race([
      backend.exited.then(() => true),
      new Promise<boolean>(done => setTimeout(() => done(false), 500)),
    ]);
    if (exitedEarly) {
      return 'failed';
    }
  }
  throw new Error(`backend did not start in time:\n${backend.log()}`);
}

async function guestToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/guest/refresh`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    backstageIdentity: { token: string };
  };
  return body.backstageIdentity.token;
}

async function getJson<T>(
  baseUrl: string,
  path: string,
  token: string,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function componentNames(
  baseUrl: string,
  token: string,
): Promise<string[]> {
  const entities = await getJson<Array<{ metadata: { name: string } }>>(
    baseUrl,
    '/api/catalog/entities?filter=kind=component',
    token,
  );
  return entities.map(entity => entity.metadata.name).sort();
}

describe('backend startup', () => {
  let simulator: HostSimulator;

  beforeAll(async () => {
    simulator = await startHostSimulator();
  });

  afterAll(async () => {
    await simulator.stop();
  });

  it('starts every plugin and serves the example catalog', async () => {
    const backend = await startBackend(simulator, {});
    try {
      const outcome = await waitForStartup(backend);
      expect({
        outcome,
        log: outcome === 'ready' ? '' : backend.log(),
      }).toEqual({ outcome: 'ready', log: '' });

      const token = await guestToken(backend.baseUrl);
      let names: string[] = [];
      const deadline = Date.now() + 60_000;
      while (names.length < 4 && Date.now() < deadline) {
        names = await componentNames(backend.baseUrl, token);
        if (names.length < 4) {
          await new Promise(done => setTimeout(done, 1000));
        }
      }
      expect(names).toEqual([
        'billing-service',
        'checkout-api',
        'notification-worker',
        'web-shop',
      ]);

      const hosts = await getJson<{
        items: Array<{ name: string; healthy: boolean }>;
      }>(backend.baseUrl, '/api/nested-clusters/hosts', token);
      expect(hosts.items).toEqual([
        expect.objectContaining({ name: 'simulated', healthy: true }),
      ]);
      const profiles = await getJson<{ items: Array<{ name: string }> }>(
        backend.baseUrl,
        '/api/nested-clusters/profiles',
        token,
      );
      expect(profiles.items.map(profile => profile.name)).toEqual([
        'sandbox',
        'ci',
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('detects a plugin that fails to start', async () => {
    // An unknown service locator makes the kubernetes plugin throw during init.
    const backend = await startBackend(simulator, {
      kubernetes: { serviceLocatorMethod: { type: 'no-such-locator' } },
    });
    try {
      expect(await waitForStartup(backend)).toBe('failed');
      expect(backend.log()).toMatch(STARTUP_FAILURE);
    } finally {
      await backend.stop();
    }
  });
});
