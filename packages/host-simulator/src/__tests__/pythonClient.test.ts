import * as k8s from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  installNestedCluster,
  isolatedNetwork,
} from '../__testUtils__/helpers';

/**
 * The official Python client (Debian's python3-kubernetes, run by /usr/bin/python3
 * or $PYTHON) against the host and against a nested cluster: list, create, patch,
 * 409 on a stale replace, a watch (it sends `watch=True`), pagination and 404.
 */
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const SCRIPT = resolve(__dirname, '../__testUtils__/pythonClient.py');

jest.setTimeout(30000);

interface Report {
  listed: string[];
  paged: { pages: number; names: string[] };
  patched: Record<string, string>;
  staleReplace: number;
  missing: number;
  watched: [string, string][];
}

function runPython(kubeconfig: string, namespace: string) {
  return new Promise<Report>((done, fail) => {
    execFile(
      PYTHON,
      [SCRIPT, kubeconfig, namespace],
      { timeout: 20000 },
      (error, stdout, stderr) =>
        error
          ? fail(new Error(`python client failed: ${stderr || error.message}`))
          : done(JSON.parse(stdout) as Report),
    );
  });
}

describe('the official Python client', () => {
  let sim: HostSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    dir = mkdtempSync(join(tmpdir(), 'python-client-'));
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, () => Promise<string>][] = [
    ['the host', async () => sim.kubeconfig()],
    ['a nested cluster', () => installNestedCluster(sim, 'team-py', 'py')],
  ];

  it.each(cases)(
    'lists, creates, patches, pages, watches and gets 409/404 on %s',
    async (_where, kubeconfigOf) => {
      const kubeconfig = join(dir, `${_where.replace(/\W/g, '-')}.yaml`);
      writeFileSync(kubeconfig, await kubeconfigOf());
      const report = await runPython(kubeconfig, 'py-check');
      const items = ['item-0', 'item-1', 'item-2', 'item-3', 'item-4'];
      expect(report.listed).toEqual([...items, 'kube-root-ca.crt']);
      expect(report.paged).toEqual({
        pages: 3,
        names: [...items, 'kube-root-ca.crt'],
      });
      expect(report.patched).toEqual({ i: '0', patched: 'yes' });
      expect(report.staleReplace).toBe(409);
      expect(report.missing).toBe(404);
      expect(report.watched).toEqual([['ADDED', 'watched']]);

      // The effects, read back through another client.
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const read = (name: string) =>
        core.readNamespacedConfigMap({ name, namespace: 'py-check' });
      expect((await read('item-0')).data).toEqual({ i: '0', patched: 'yes' });
      expect((await read('item-1')).data).toEqual({ i: '1', bump: '1' });
      expect((await read('watched')).data).toEqual({ seen: 'yes' });
    },
  );
});
