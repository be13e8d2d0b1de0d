import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ApiException,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  adminClients,
  createRunningCluster,
  eventually,
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

/**
 * The helm-job installer's Role and RoleBinding are removed once a cluster
 * runs, and the namespace records it: a later start does not delete them again
 * for every Running cluster (thousands of DELETEs at a fleet's cold start).
 */
describe("the installer's install-time rights at a cold start", () => {
  const INSTALLER = 'nested-clusters-installer';
  const REMOVED = 'nested-clusters.backstage.io/installer-access-removed';
  let eu: SimulatedHost;
  let backend: Harness | undefined;
  let rbac: RbacAuthorizationV1Api;

  const role = (namespace: string) =>
    rbac.readNamespacedRole({ namespace, name: INSTALLER }).then(
      () => 'present',
      (error: ApiException<unknown>) => {
        if (error.code === 404) {
          return 'gone';
        }
        throw error;
      },
    );
  /** A Role of that name again, to see whether a start deletes it. */
  const recreateRole = (namespace: string) =>
    rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: INSTALLER }, rules: [] },
    });

  beforeAll(async () => {
    [eu] = await startSimulators(['eu']);
    rbac = adminClients(eu.sim).kubeConfig.makeApiClient(
      RbacAuthorizationV1Api,
    );
    const first = await startBackend({ hosts: [eu] });
    try {
      await createRunningCluster(first, { name: 'marked' });
      await createRunningCluster(first, { name: 'unmarked' });
      // Removed and marked before the restart (a setup step, not the claim).
      await eventually(async () => {
        const namespace = await adminClients(eu.sim).core.readNamespace({
          name: 'nc-marked',
        });
        if (
          (await role('nc-marked')) !== 'gone' ||
          (await role('nc-unmarked')) !== 'gone' ||
          !namespace.metadata?.annotations?.[REMOVED]
        ) {
          throw new Error(
            'the installer rights are not removed and marked yet',
          );
        }
      });
    } finally {
      await first.stop();
    }
    // As a cluster from before the mark looks: rights present, no mark.
    await adminClients(eu.sim).core.patchNamespace(
      {
        name: 'nc-unmarked',
        body: { metadata: { annotations: { [REMOVED]: null } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await recreateRole('nc-unmarked');
    await recreateRole('nc-marked');
  });

  afterAll(async () => {
    await backend?.stop();
    await eu?.sim.stop();
  });

  it('removes them where the namespace has no mark, and leaves marked namespaces alone', async () => {
    backend = await startBackend({ hosts: [eu] });
    await eventually(async () => {
      expect(await role('nc-unmarked')).toBe('gone');
    });
    const list = await backend.server
      .get(`${API}/clusters`)
      .set('Authorization', DANA)
      .expect(200);
    expect(list.body.items.map((c: { status: string }) => c.status)).toEqual([
      'Running',
      'Running',
    ]);
    expect(await role('nc-marked')).toBe('present');
  });
});
