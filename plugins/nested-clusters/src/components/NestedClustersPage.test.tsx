import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

  it("lists the user's clusters across hosts, with filters by owner, host and status", async () => {
    serveHosts();
    const queries = serveClusters(server, [
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
    // The backend filters by read permission; the page asks for everything.
    expect([...queries[0].keys()]).toEqual([]);
    // "Mine": owned by one of the user's refs, or created by the user.
    expect(listedClusters()).toEqual([
      'team-a-dev',
      'team-a-east',
      'made-by-guest',
    ]);

    await choose('Owner', 'All I can see');
    expect(listedClusters()).toEqual([
      'team-a-dev',
      'team-a-east',
      'team-b-dev',
      'made-by-guest',
    ]);

    await choose('Host', 'east');
    expect(listedClusters()).toEqual(['team-a-east']);

    await choose('Host', 'All hosts');
    await choose('Status', 'Failed');
    expect(listedClusters()).toEqual(['made-by-guest']);

    await choose('Status', 'Any status');
    await choose('Owner', 'group:team-b');
    expect(listedClusters()).toEqual(['team-b-dev', 'made-by-guest']);
  });

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
