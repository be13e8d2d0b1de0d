import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startHostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  kubeConfigFromSecret,
  cliJob,
  grantInstaller,
  isolatedNetwork,
} from '../__testUtils__/helpers';

describe('state persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-sim-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps objects, the CA, tokens and nested clusters across a restart', async () => {
    const statePath = join(dir, 'nested', 'state.json');
    const { nodeAddress } = isolatedNetwork();
    const first = await startHostSimulator({
      statePath,
      token: 'persist-me',
      nodeAddress,
    });
    const core = hostKubeConfig(first).makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'kept' } } });
    await core.createNamespacedConfigMap({
      namespace: 'kept',
      body: { metadata: { name: 'cm' }, data: { a: 'b' } },
    });
    await core.createNamespacedConfigMap({
      namespace: 'kept',
      body: {
        metadata: { name: 'values' },
        data: {
          'values.yaml': `controlPlane: {service: {spec: {type: NodePort}, httpsNodePort: 31446}}\nexportKubeConfig: {server: 'https://${nodeAddress}:31446'}\n`,
        },
      },
    });
    await grantInstaller(hostKubeConfig(first), 'kept');
    await hostKubeConfig(first)
      .makeApiClient(k8s.BatchV1Api)
      .createNamespacedJob({
        namespace: 'kept',
        body: cliJob(
          'install',
          ['create', 'p', '-n', 'kept', '-f', '/values/values.yaml'],
          'values',
        ),
      });
    const secret = await eventually(() =>
      core.readNamespacedSecret({ namespace: 'kept', name: 'vc-p' }),
    );
    const nestedBefore = kubeConfigFromSecret(secret, 'config').makeApiClient(
      k8s.CoreV1Api,
    );
    await nestedBefore.createNamespace({
      body: { metadata: { name: 'inside' } },
    });
    const port = Number(new URL(first.url).port);
    await first.stop();

    const second = await startHostSimulator({ statePath, port, nodeAddress });
    try {
      expect(second.token).toBe('persist-me');
      expect(second.caPem).toBe(first.caPem);
      const core2 = hostKubeConfig(second).makeApiClient(k8s.CoreV1Api);
      expect(
        (await core2.readNamespacedConfigMap({ namespace: 'kept', name: 'cm' }))
          .data,
      ).toEqual({ a: 'b' });
      // The old kubeconfig still works through the NodePort: same CA, same nested credentials, same data.
      const names = (
        await eventually(() => nestedBefore.listNamespace())
      ).items.map(n => n.metadata?.name);
      expect(names).toContain('inside');
    } finally {
      await second.stop();
    }
  });
});
