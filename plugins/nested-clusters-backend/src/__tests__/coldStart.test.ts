import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createRunningCluster,
  Harness,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';

jest.setTimeout(90_000);

const API = '/api/nested-clusters';
const DANA = mockCredentials.user.header('user:default/dana');

/**
 * A backend starting on a host with clusters learns that their kubeconfig
 * Secrets exist from a metadata-only list and watch, and reads a Secret only
 * when someone downloads the kubeconfig: here its host token may only list and
 * watch, so a single Secret GET would fail the first request.
 */
describe('cold start without reading Secrets', () => {
  let eu: SimulatedHost;
  let backend: Harness | undefined;

  beforeAll(async () => {
    [eu] = await startSimulators(['eu']);
    const first = await startBackend({ hosts: [eu] });
    try {
      await createRunningCluster(first, { name: 'warm' });
    } finally {
      await first.stop();
    }
    eu.sim.addToken({ token: 'list-watch-only', verbs: ['list', 'watch'] });
  });

  afterAll(async () => {
    await backend?.stop();
    await eu?.sim.stop();
  });

  it('answers its first list with the cluster Running, and only the download reads the Secret', async () => {
    backend = await startBackend({
      hosts: [{ ...eu, token: 'list-watch-only' }],
    });
    const list = await backend.server
      .get(`${API}/clusters`)
      .set('Authorization', DANA)
      .expect(200);
    expect(list.body.hostErrors).toEqual([]);
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: 'warm', status: 'Running' }),
    ]);
    // The download reads vc-warm, which this token may not get.
    const download = await backend.server
      .get(`${API}/clusters/eu/warm/kubeconfig/admin`)
      .set('Authorization', DANA);
    expect(download.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(download.body)).toContain('Secret nc-warm/vc-warm');
  });
});
