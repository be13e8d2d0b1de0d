import { NestedClusterStatus } from '@nested-clusters/plugin-nested-clusters-common';
import {
  adminClients,
  eventually,
  Harness,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import {
  clearError,
  consistency,
  HostInspector,
  reliabilityBackend,
} from './__testUtils__/checks';

jest.setTimeout(90_000);

const VALID: NestedClusterStatus[] = [
  'Provisioning',
  'Running',
  'Pausing',
  'Paused',
  'Resuming',
  'Deleting',
];

describe('concurrency', () => {
  let sims: SimulatedHost[];
  let portal: Harness;

  beforeAll(async () => {
    sims = await startSimulators(['host-a']);
    portal = await startBackend(reliabilityBackend(sims));
  });

  afterAll(async () => {
    await portal?.stop();
    await Promise.all((sims ?? []).map(s => s.sim.stop()));
  });

  it('50 parallel creates of one name: exactly one cluster and 49 × 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => portal.api.create('same', 'host-a')),
    );
    const statuses = answers.map(a => a.status).sort();
    expect(statuses.filter(s => s === 202)).toHaveLength(1);
    expect(statuses.filter(s => s === 409)).toHaveLength(49);
    const conflicts = answers.filter(a => a.status === 409);
    expect(conflicts.map(a => clearError(a)).filter(Boolean)).toEqual([]);
    expect(conflicts.filter(a => !a.text.includes('same'))).toEqual([]);
    await eventually(async () =>
      expect(
        (
          await portal.api.list('?host=host-a')
        ).items.filter(c => c.name === 'same'),
      ).toHaveLength(1),
    );
    expect(await new HostInspector(sims[0].sim).clusterNamespaces()).toEqual([
      'nc-same',
    ]);
  });

  it('parallel pause and resume on one cluster converge to a valid, consistent state', async () => {
    const { api } = portal;
    await eventually(async () =>
      expect((await api.get('host-a', 'same')).body).toMatchObject({
        status: 'Running',
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.action('host-a', 'same', i % 2 ? 'resume' : 'pause'),
      ),
    );
    expect(answers.filter(a => ![202, 409].includes(a.status))).toEqual([]);
    expect(
      answers
        .filter(a => a.status === 409)
        .map(a => clearError(a))
        .filter(Boolean),
    ).toEqual([]);
    expect(answers.some(a => a.status === 202)).toBe(true);
    // Settles in Running or Paused, and the host agrees with the status.
    const { apps } = adminClients(sims[0].sim);
    await eventually(async () => {
      const { body } = await api.get('host-a', 'same');
      expect(['Running', 'Paused']).toContain(body.status);
      const sts = await apps.readNamespacedStatefulSet({
        name: 'same',
        namespace: 'nc-same',
      });
      const paused = sts.metadata?.annotations?.['loft.sh/paused'] === 'true';
      expect(paused).toBe(body.status === 'Paused');
      expect(sts.spec?.replicas).toBe(paused ? 0 : 1);
      expect(await consistency(api, sims)).toBeUndefined();
    });
  });

  it('parallel pause, resume and delete on one cluster end with it deleted and nothing left', async () => {
    const { api } = portal;
    const actions = Array.from({ length: 24 }, (_, i) => {
      if (i % 8 === 3) {
        return api.delete('host-a', 'same');
      }
      return api.action('host-a', 'same', i % 2 ? 'resume' : 'pause');
    });
    const answers = await Promise.all(actions);
    const accepted = answers.filter(a => a.status === 202);
    const refused = answers.filter(a => a.status !== 202);
    expect(accepted.length).toBeGreaterThan(0);
    expect(
      accepted
        .map(a => (a.body as { status: NestedClusterStatus }).status)
        .filter(status => !VALID.includes(status)),
    ).toEqual([]);
    expect(refused.filter(a => ![404, 409].includes(a.status))).toEqual([]);
    expect(refused.map(a => clearError(a)).filter(Boolean)).toEqual([]);
    const inspector = new HostInspector(sims[0].sim);
    await eventually(async () => {
      expect((await api.get('host-a', 'same')).status).toBe(404);
      expect(await inspector.clusterNamespaces()).toEqual([]);
      expect(await inspector.objects()).toEqual([]);
      expect(await consistency(api, sims)).toBeUndefined();
    });
  });
});
