import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import { hostKubeConfig, statusBodyOf } from '../__testUtils__/helpers';

describe('smoke', () => {
  let sim: HostSimulator;
  beforeAll(async () => {
    sim = await startHostSimulator();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('lists namespaces', async () => {
    const core = hostKubeConfig(sim).makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespace();
    expect(list.items.map(n => n.metadata?.name)).toEqual([
      'default',
      'flux-system',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'x' }, data: { a: 'b' } },
    });
    expect(cm.metadata?.uid).toBeTruthy();
    const err = await statusBodyOf(
      core.readNamespacedConfigMap({ namespace: 'default', name: 'nope' }),
    );
    expect(err).toMatchObject({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
    });
  });
});
