import { Entity } from '@backstage/catalog-model';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { UsageResponse } from '@nested-clusters/plugin-nested-clusters-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  BASE_URL,
  cluster,
  createTestClient,
  serveClusters,
} from '../__testUtils__/fixtures';
import { nestedClustersApiRef } from '../api';
import { createFromTemplateRouteRef } from '../routes';
import { EntityNestedClusterOverviewCard } from './EntityNestedClusterOverviewCard';
import { EntityNestedClustersCard } from './EntityNestedClustersCard';
import { NestedClustersPageContent } from './NestedClustersPage';

const server = setupServer();
registerMswTestHooks(server);

const MI = 2 ** 20;
const GI = 2 ** 30;
const HOUR = 3_600_000;

/** A cluster as the backend reports it: 2 pods of 250m/128Mi plus the control plane, a schedule that sleeps in 3h. */
const busy = cluster('busy', {
  usage: { cpuMillicores: 700, memoryBytes: 512 * MI, pods: 2 },
  requests: { cpuMillicores: 200, memoryBytes: 256 * MI },
  hours: { running: 150.25, paused: 17.75 },
  sleep: {
    schedule: '0 20 * * 1-5',
    wakeup: '0 8 * * 1-5',
    timezone: 'Europe/Berlin',
    next: {
      action: 'sleep',
      at: new Date(Date.now() + 3 * HOUR + 30_000).toISOString(),
    },
  },
});
const asleep = cluster('asleep', {
  status: 'Paused',
  usage: { cpuMillicores: 0, memoryBytes: 0, pods: 0 },
  sleep: {
    schedule: '0 20 * * 1-5',
    wakeup: '0 8 * * 1-5',
    timezone: 'UTC',
    next: {
      action: 'wake',
      at: new Date(Date.now() + 9 * HOUR + 30_000).toISOString(),
    },
  },
});

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-shop', namespace: 'default' },
  spec: { type: 'website', owner: 'team-a', lifecycle: 'experimental' },
};

const routes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
  '/create/templates/:namespace/:templateName': convertLegacyRouteRef(
    createFromTemplateRouteRef,
  ),
};

/** A new client per render: it binds the fetch MSW patched. */
const apis = () =>
  [
    [nestedClustersApiRef, createTestClient()],
    mockApis.identity({
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs: ['user:default/guest', 'group:default/team-a'],
    }),
    mockApis.permission(),
  ] as const;

function usageResponse(withCost: boolean): UsageResponse {
  return {
    owners: [
      {
        owner: 'group:default/team-a',
        clusters: 2,
        requests: { cpuMillicores: 2400, memoryBytes: 4.5 * GI },
        usage: { cpuMillicores: 700, memoryBytes: 512 * MI },
        hours: { running: 200, paused: 40 },
        limits: { clusters: 5, cpuMillicores: 3000, memoryBytes: 16 * GI },
        ...(withCost ? { saving: 12.5 } : {}),
      },
    ],
    ...(withCost
      ? { cost: { cpuHour: 0.04, gibHour: 0.005, currency: 'EUR' } }
      : {}),
    hostErrors: [],
  };
}

function servePage(withCost: boolean) {
  serveClusters(server, [busy]);
  server.use(
    http.get(`${BASE_URL}/hosts`, () => HttpResponse.json({ items: [] })),
    http.get(`${BASE_URL}/usage`, () =>
      HttpResponse.json(usageResponse(withCost)),
    ),
  );
}

describe('usage and sleep on the cards', () => {
  it('shows each cluster usage and its next sleep or wake on the component card', async () => {
    serveClusters(server, [busy, asleep]);
    await renderInTestApp(
      <EntityProvider entity={component}>
        <EntityNestedClustersCard />
      </EntityProvider>,
      { apis: [...apis()], mountedRoutes: routes },
    );
    const row = within(await screen.findByTestId('simulated/busy'));
    expect(row.getByText('700m CPU · 512 MiB')).toBeInTheDocument();
    expect(
      row.getByText('2 pods · 150.3h up / 17.8h paused (7d)'),
    ).toBeInTheDocument();
    expect(row.getByText('sleeps in 3h')).toBeInTheDocument();
    const paused = within(screen.getByTestId('simulated/asleep'));
    expect(paused.getByText('wakes in 9h')).toBeInTheDocument();
    expect(paused.getByText('0 CPU · 0 GiB')).toBeInTheDocument();
  });

  it('shows them on the overview card of the cluster entity', async () => {
    server.use(
      http.get(`${BASE_URL}/clusters/simulated/busy`, () =>
        HttpResponse.json(busy),
      ),
    );
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: 'simulated.busy',
            annotations: {
              'nested-clusters.backstage.io/host': 'simulated',
              'nested-clusters.backstage.io/name': 'busy',
            },
          },
          spec: { type: 'nested-cluster', owner: 'team-a' },
        }}
      >
        <EntityNestedClusterOverviewCard />
      </EntityProvider>,
      { apis: [...apis()], mountedRoutes: routes },
    );
    expect(await screen.findByText('700m CPU · 512 MiB')).toBeInTheDocument();
    expect(screen.getByText('sleeps in 3h')).toBeInTheDocument();
  });
});

describe('usage per owner on the page', () => {
  it('shows each owner use against the limits as bars, without a saving when no prices are set', async () => {
    servePage(false);
    await renderInTestApp(<NestedClustersPageContent />, {
      apis: [...apis()],
      mountedRoutes: routes,
    });
    const table = within(
      await screen.findByRole('table', { name: 'Usage per owner' }),
    );
    const cpu = table.getByRole('progressbar', {
      name: 'team-a CPU: 2.4 CPU of 3 CPU',
    });
    expect(cpu).toHaveAttribute('aria-valuenow', '80');
    expect(
      table.getByRole('progressbar', { name: 'team-a clusters: 2 of 5' }),
    ).toHaveAttribute('aria-valuenow', '40');
    expect(
      table.getByRole('progressbar', {
        name: 'team-a memory: 4.5 GiB of 16 GiB',
      }),
    ).toBeInTheDocument();
    expect(table.getByText('200h / 40h')).toBeInTheDocument();
    expect(table.queryByText('Saved by pauses (7d)')).not.toBeInTheDocument();
  });

  it('shows the estimated saving when nestedClusters.cost is configured', async () => {
    servePage(true);
    await renderInTestApp(<NestedClustersPageContent />, {
      apis: [...apis()],
      mountedRoutes: routes,
    });
    const table = within(
      await screen.findByRole('table', { name: 'Usage per owner' }),
    );
    expect(table.getByText('Saved by pauses (7d)')).toBeInTheDocument();
    expect(table.getByText(/€\s?12\.50|12\.50\s?€/)).toBeInTheDocument();
  });
});
