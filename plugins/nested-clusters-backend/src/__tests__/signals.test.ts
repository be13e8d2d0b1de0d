import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import {
  adminClients,
  createRunningCluster,
  eventually,
  FAST_DELAYS,
  GUEST_REF,
  Harness,
  SANDBOX_PROFILE,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import { JsonObject } from '@backstage/types';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

jest.setTimeout(90_000);

const WEB_SHOP = 'component:default/web-shop';
const BILLING = 'component:default/billing-service';

/** The signals service, recording what the plugin publishes. */
function recordingSignals(published: SignalPayload<JsonObject>[]) {
  return createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      async publish(signal) {
        published.push(signal as SignalPayload<JsonObject>);
      },
    }),
  });
}

/** Cluster changes on a host reach the right signals channels, and only those. */
describe('cluster change signals', () => {
  let eu: SimulatedHost;
  let harness: Harness;
  const published: SignalPayload<JsonObject>[] = [];

  beforeAll(async () => {
    [eu] = await startSimulators(['eu']);
    harness = await startBackend({
      hosts: [eu],
      features: [recordingSignals(published)],
    });
    await createRunningCluster(harness, {
      name: 'shop',
      entityRef: WEB_SHOP,
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await eu?.sim.stop();
  });

  it('publishes a change made on the host to the component channel and to the owner, not elsewhere', async () => {
    published.length = 0;
    // A change made elsewhere (kubectl): the cluster's expiry moves.
    await adminClients(eu.sim).core.patchNamespace(
      {
        name: 'nc-shop',
        body: {
          metadata: {
            annotations: {
              'nested-clusters.backstage.io/expires-at': '2099-01-01T00:00:00Z',
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(async () => {
      expect(published.map(p => p.channel)).toContain(
        `nested-clusters:component:${WEB_SHOP}`,
      );
    });
    const component = published.find(
      p => p.channel === `nested-clusters:component:${WEB_SHOP}`,
    )!;
    expect(component.recipients).toEqual({ type: 'broadcast' });
    // A hint without cluster data: readers re-read through the REST API.
    expect(Object.keys(component.message)).toEqual(['sequence']);

    const user = published.filter(p => p.channel === 'nested-clusters:user');
    expect(user.length).toBeGreaterThan(0);
    for (const p of user) {
      expect(p.recipients.type).toBe('user');
      expect(p.message.clusters).toEqual([{ host: 'eu', name: 'shop' }]);
    }
    expect(
      user.flatMap(p =>
        p.recipients.type === 'user' ? [p.recipients.entityRef].flat() : [],
      ),
    ).toContain(GUEST_REF);
    expect(published.map(p => p.channel)).not.toContain(
      `nested-clusters:component:${BILLING}`,
    );
    expect(
      published.every(
        p =>
          p.recipients.type !== 'broadcast' ||
          p.channel.startsWith('nested-clusters:component:'),
      ),
    ).toBe(true);
  });
});

/**
 * An add-on's phase is read inside the nested cluster, where no host event
 * happens: the tracker's change alone must reach the component's channel.
 */
describe('add-on phase signals', () => {
  let eu: SimulatedHost;
  let harness: Harness;
  const published: SignalPayload<JsonObject>[] = [];

  beforeAll(async () => {
    // The chart add-on installs 3 s after the cluster is Running.
    [eu] = await startSimulators(['eu'], {
      ...FAST_DELAYS,
      helmInstallMs: 3_000,
    });
    harness = await startBackend({
      hosts: [eu],
      profiles: [
        {
          ...SANDBOX_PROFILE,
          name: 'chains',
          title: 'With Tekton Chains',
          addons: [
            {
              name: 'tekton-chains',
              chart: {
                name: 'tekton-chains',
                repo: 'https://cdfoundation.github.io/tekton-helm-chart',
                version: '0.26.0',
              },
              release: { namespace: 'tekton-chains' },
            },
          ],
        },
      ],
      features: [recordingSignals(published)],
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await eu?.sim.stop();
  });

  it('publishes to the component channel when the add-ons become ready', async () => {
    await createRunningCluster(harness, {
      name: 'chains',
      profile: 'chains',
      entityRef: WEB_SHOP,
    });
    // The host's own events (Running) have been sent by now.
    await new Promise(resolve => setTimeout(resolve, 500));
    const phase = async () =>
      (await harness.api.get('eu', 'chains')).body.addons?.[0]?.phase;
    expect(await phase()).not.toBe('Success');
    published.length = 0;

    await eventually(async () => {
      expect(await phase()).toBe('Success');
      expect(published.map(p => p.channel)).toContain(
        `nested-clusters:component:${WEB_SHOP}`,
      );
    });
  });
});
