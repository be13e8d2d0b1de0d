import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  BASE_URL,
  cluster,
  createTestClient,
  errorResponse,
  serveClusters,
} from '../__testUtils__/fixtures';
import { nestedClustersApiRef } from '../api';
import { createFromTemplateRouteRef } from '../routes';
import { NestedClustersPage } from './NestedClustersPage';

const server = setupServer();
registerMswTestHooks(server);

function serveHosts() {
  server.use(
    http.get(`${BASE_URL}/hosts`, () =>
      HttpResponse.json({
        items: [
          {
            name: 'simulated',
            title: 'Simulated host',
            installer: 'helm-job',
            healthy: true,
            clusterCount: 3,
            maxClusters: 50,
            unmanaged: [
              {
                namespace: 'team-x',
                name: 'legacy',
                kind: 'StatefulSet',
                status: 'Running',
                kubernetesVersion: 'v1.33.4',
                vclusterVersion: '0.36.1',
              },
            ],
          },
          {
            name: 'east',
            title: 'East',
            installer: 'capi',
            healthy: false,
            message: 'connection refused',
            clusterCount: 0,
            maxClusters: 10,
          },
        ],
      }),
    ),
  );
}

function renderPage(templateRef?: string) {
  return renderInTestApp(<NestedClustersPage templateRef={templateRef} />, {
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/create/templates/:namespace/:templateName': convertLegacyRouteRef(
        createFromTemplateRouteRef,
      ),
    },
    apis: [
      [nestedClustersApiRef, createTestClient()],
      mockApis.identity({
        userEntityRef: 'user:default/guest',
        ownershipEntityRefs: ['user:default/guest', 'group:default/team-a'],
      }),
      mockApis.permission(),
    ],
  });
}

async function choose(filter: string, option: string) {
  await userEvent.click(
    screen.getByRole('button', { name: new RegExp(filter) }),
  );
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

/**
 * The list API as the backend answers it: filtered (mine for the signed-in
 * guest of team-a), then one page after the cursor. Records every query.
 */
function servePages(all: NestedCluster[]) {
  const queries: URLSearchParams[] = [];
  const mine = new Set(['user:default/guest', 'group:default/team-a']);
  const sorted = [...all].sort((a, b) =>
    `${a.host}/${a.name}`.localeCompare(`${b.host}/${b.name}`),
  );
  server.use(
    http.get('*/api/nested-clusters/clusters', ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const search = query.get('search')?.toLowerCase();
      const matching = sorted.filter(
        c =>
          (query.get('mine') !== 'true' ||
            mine.has(c.owner) ||
            mine.has(c.createdBy)) &&
          (query.get('owner') ?? c.owner) === c.owner &&
          (query.get('host') ?? c.host) === c.host &&
          (query.get('status') ?? c.status) === c.status &&
          (!search || c.name.toLowerCase().includes(search)),
      );
      const limit = Number(query.get('limit'));
      const after = query.get('cursor')?.replace('after:', '');
      const from = after ? matching.findIndex(c => c.name === after) + 1 : 0;
      const items = matching.slice(from, from + limit);
      const last = items[items.length - 1];
      return HttpResponse.json({
        items,
        hostErrors: [],
        totalItems: matching.length,
        ...(from + limit < matching.length
          ? { nextCursor: `after:${last.name}` }
          : {}),
      });
    }),
  );
  return queries;
}

function lastQuery(queries: URLSearchParams[]) {
  return Object.fromEntries(queries[queries.length - 1]);
}

function listedClusters() {
  const table = screen.getByRole('table', { name: 'Nested clusters' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => row.getAttribute('data-testid')!.split('/')[1]);
}

// Many select menus open and close in these tests; the budget is for a busy
// machine, not a performance claim.
jest.setTimeout(30_000);

describe('NestedClustersPage', () => {
  it('says what it is and offers a new cluster from the configured template', async () => {
    serveHosts();
    serveClusters(server, [cluster('team-a-dev')]);
    renderPage('template:platform/team-sandbox');
    expect(
      await screen.findByText(/Virtual Kubernetes clusters \(vclusters\)/),
    ).toBeInTheDocument();
    // LinkButton renders a link with the button role; no component here.
    expect(
      await screen.findByRole('button', { name: 'New cluster' }),
    ).toHaveAttribute('href', '/create/templates/platform/team-sandbox');
  });

  it('asks the backend for one page of the filtered clusters: mine first, then each filter as a query', async () => {
    serveHosts();
    const queries = servePages([
      cluster('team-a-dev'),
      cluster('team-a-east', { host: 'east', status: 'Paused' }),
      cluster('team-b-dev', {
        owner: 'group:default/team-b',
        createdBy: 'user:default/bob',
        component: 'component:default/billing-service',
      }),
      cluster('made-by-guest', {
        owner: 'group:default/team-b',
        status: 'Failed',
      }),
    ]);
    renderPage();

    await screen.findByText('team-a-dev');
    expect(lastQuery(queries)).toEqual({ mine: 'true', limit: '25' });
    // In the backend's order: host, then name.
    expect(listedClusters()).toEqual([
      'team-a-east',
      'made-by-guest',
      'team-a-dev',
    ]);

    await choose('Owner', 'All I can see');
    await waitFor(() => expect(listedClusters()).toHaveLength(4));
    expect(lastQuery(queries)).toEqual({ limit: '25' });

    await choose('Host', 'east');
    await waitFor(() => expect(listedClusters()).toEqual(['team-a-east']));
    expect(lastQuery(queries)).toEqual({ host: 'east', limit: '25' });

    await choose('Host', 'All hosts');
    await choose('Status', 'Failed');
    await waitFor(() => expect(listedClusters()).toEqual(['made-by-guest']));
    expect(lastQuery(queries)).toEqual({ status: 'Failed', limit: '25' });

    await choose('Status', 'Any status');
    await choose('Owner', 'group:team-b');
    await waitFor(() =>
      expect(listedClusters()).toEqual(['made-by-guest', 'team-b-dev']),
    );
    expect(lastQuery(queries)).toEqual({
      owner: 'group:default/team-b',
      limit: '25',
    });

    await userEvent.type(screen.getByLabelText('Name'), 'B-D');
    await waitFor(() => expect(listedClusters()).toEqual(['team-b-dev']));
    expect(lastQuery(queries)).toEqual({
      owner: 'group:default/team-b',
      search: 'B-D',
      limit: '25',
    });
  }, 60_000);

  it("pages with the backend's cursor, keeps the filters on every page and starts again when a filter changes", async () => {
    serveHosts();
    const queries = servePages(
      Array.from({ length: 35 }, (_, i) =>
        cluster(`c-${String(i).padStart(2, '0')}`, {
          status: i % 3 === 0 ? 'Paused' : 'Running',
        }),
      ),
    );
    renderPage();
    await screen.findByText('c-00');
    expect(listedClusters()).toHaveLength(25);
    expect(screen.getByText('1-25 of 35')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('c-25');
    expect(lastQuery(queries)).toEqual({
      mine: 'true',
      limit: '25',
      cursor: 'after:c-24',
    });
    expect(listedClusters()).toHaveLength(10);
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    await screen.findByText('c-00');
    expect(lastQuery(queries)).toEqual({ mine: 'true', limit: '25' });

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('c-25');
    // A filter change asks for the first page of the new filter.
    await choose('Status', 'Paused');
    await screen.findByText('c-00');
    expect(lastQuery(queries)).toEqual({
      mine: 'true',
      status: 'Paused',
      limit: '25',
    });
    expect(screen.getByText('1-12 of 12')).toBeInTheDocument();
  }, 60_000);

  it("shows the hosts' health and capacity, and vclusters the plugin did not create as unmanaged", async () => {
    serveHosts();
    serveClusters(server, []);
    renderPage();

    const hosts = await screen.findByRole('table', { name: 'Hosts' });
    const [, simulated, legacy, east] = within(hosts).getAllByRole('row');
    expect(simulated).toHaveTextContent('Simulated host (simulated)');
    expect(simulated).toHaveTextContent('Healthy');
    expect(simulated).toHaveTextContent('3 / 50 clusters');
    expect(
      within(simulated).getByRole('progressbar', {
        name: 'Capacity of simulated',
      }),
    ).toHaveAttribute('aria-valuenow', '6');
    expect(legacy).toHaveAccessibleName(
      'Unmanaged vcluster team-x/legacy on simulated',
    );
    expect(legacy).toHaveTextContent('team-x/legacy');
    expect(legacy).toHaveTextContent('unmanaged · read-only');
    expect(legacy).toHaveTextContent('Running');
    expect(legacy).toHaveTextContent('Kubernetes v1.33.4 · vcluster 0.36.1');
    expect(within(legacy).queryByRole('button')).not.toBeInTheDocument();
    expect(east).toHaveTextContent('Unreachable: connection refused');
    expect(east).toHaveTextContent('0 / 10 clusters');
    expect(
      screen.getByText('No nested clusters match these filters.'),
    ).toBeInTheDocument();
  });

  it('shows errors and unreachable hosts instead of a blank page', async () => {
    server.use(
      http.get(`${BASE_URL}/hosts`, () =>
        errorResponse(503, 'ServiceUnavailableError', 'hosts unavailable'),
      ),
    );
    serveClusters(
      server,
      [cluster('team-a-dev')],
      [{ host: 'east', message: 'timed out' }],
    );
    renderPage();
    expect(await screen.findByText(/hosts unavailable/)).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByText('Host east is unreachable: timed out'),
      ).toBeInTheDocument(),
    );
    expect(screen.getByText('team-a-dev')).toBeInTheDocument();
  });
});
