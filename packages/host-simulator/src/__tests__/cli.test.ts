import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  eventually,
  isolatedNetwork,
  kubeConfigFor,
} from '../__testUtils__/helpers';

describe('host-simulator command', () => {
  it('prints its URL once listening and writes the CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'host-sim-cli-'));
    const caOut = join(dir, 'deep', 'dir', 'ca.pem');
    const network = isolatedNetwork();
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        resolve(__dirname, '../cli.ts'),
        '--port',
        '0',
        '--token',
        'cli-token',
        '--ca-out',
        caOut,
        '--install-delay-ms',
        '100',
        '--node-address',
        network.nodeAddress,
        '--lb-addresses',
        network.loadBalancer.addresses,
        '--lb-port',
        '8443',
        '--passthrough-port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', d => {
      output += String(d);
    });
    try {
      const url = await eventually(
        () => /https:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0],
        30000,
      );
      const ca = await readFile(caOut, 'utf8');
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const core = kubeConfigFor(url, 'cli-token', ca).makeApiClient(
        k8s.CoreV1Api,
      );
      expect(
        (await core.listNamespace()).items.map(n => n.metadata?.name),
      ).toContain('kube-system');
      // --passthrough-port brings the ingress controller's and the Gateway's objects.
      await core.readNamespace({ name: 'gateway-system' });
      expect(output.trim().split('\n')).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    }
  }, 40000);
});
