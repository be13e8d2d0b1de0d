import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { act, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { cluster, createTestClient } from '../__testUtils__/fixtures';
import { nestedClustersApiRef } from '../api';
import { EntityNestedClustersCard } from './EntityNestedClustersCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-shop', namespace: 'default' },
  spec: { type: 'website', owner: 'team-a', lifecycle: 'experimental' },
};

/** A signal message (a JSON object). */
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

const server = setupServer();
registerMswTestHooks(server);

/** A signals API whose messages the test sends. */
function fakeSignals() {
  const subscribers = new Map<string, Set<(message: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe<T extends JsonObject>(
      channel: string,
      onMessage: (message: T) => void,
    ) {
      const set = subscribers.get(channel) ?? new Set();
      const handler = onMessage as (message: JsonObject) => void;
      set.add(handler);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(handler) };
    },
  };
  return {
    api,
    channels: () =>
      [...subscribers.keys()].filter(c => subscribers.get(c)!.size),
    send: (channel: string, message: JsonObject) =>
      subscribers.get(channel)?.forEach(handler => handler(message)),
  };
}

/** Renders web-shop's card with the given signals; returns its web-dev row. */
async function renderCard(signals: SignalApi) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityNestedClustersCard />
    </EntityProvider>,
    {
      apis: [
        [nestedClustersApiRef, createTestClient()],
        [signalApiRef, signals],
        mockApis.permission(),
      ],
    },
  );
  return async () => within(await screen.findByTestId('simulated/web-dev'));
}

describe('EntityNestedClustersCard with signals', () => {
  it('updates a settled cluster when its component channel signals a change', async () => {
    let current: NestedCluster = cluster('web-dev', { status: 'Running' });
    let requests = 0;
    server.use(
      http.get('*/api/nested-clusters/clusters', () => {
        requests += 1;
        return HttpResponse.json({ items: [current], hostErrors: [] });
      }),
    );
    const signals = fakeSignals();
    const row = await renderCard(signals.api);
    expect((await row()).getByText('Running')).toBeInTheDocument();
    expect(signals.channels()).toContain(
      'nested-clusters:component:component:default/web-shop',
    );
    const before = requests;

    // Changed elsewhere (the CLI, another user): the backend signals it.
    current = cluster('web-dev', { status: 'Paused' });
    act(() =>
      signals.send('nested-clusters:component:component:default/web-shop', {
        sequence: 1,
      }),
    );
    expect(await (await row()).findByText('Paused')).toBeInTheDocument();
    expect(requests).toBe(before + 1);

    // Another component's channel reloads nothing.
    act(() =>
      signals.send('nested-clusters:component:component:default/other', {
        sequence: 2,
      }),
    );
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(requests).toBe(before + 1);
  });

  it('loads a change signalled while a reload is in flight once that reload ends', async () => {
    let current: NestedCluster = cluster('web-dev', { status: 'Running' });
    let requests = 0;
    let gate: Promise<void> = Promise.resolve();
    server.use(
      http.get('*/api/nested-clusters/clusters', async () => {
        requests += 1;
        // What the host had when the request came, answered when the gate opens.
        const snapshot = current;
        await gate;
        return HttpResponse.json({ items: [snapshot], hostErrors: [] });
      }),
    );
    const signals = fakeSignals();
    const channel = 'nested-clusters:component:component:default/web-shop';
    const row = await renderCard(signals.api);
    expect((await row()).getByText('Running')).toBeInTheDocument();
    const before = requests;

    let open = () => {};
    gate = new Promise(resolve => {
      open = resolve;
    });
    current = cluster('web-dev', { status: 'Paused' });
    act(() => signals.send(channel, { sequence: 1 }));
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(requests).toBe(before + 1);
    // A second change while the first reload waits for its answer.
    current = cluster('web-dev', { status: 'Deleting' });
    act(() => signals.send(channel, { sequence: 2 }));
    act(() => open());

    expect(await (await row()).findByText('Deleting')).toBeInTheDocument();
    expect(requests).toBe(before + 2);
  });
});
