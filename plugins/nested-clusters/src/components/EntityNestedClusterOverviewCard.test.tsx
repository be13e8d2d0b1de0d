import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  NestedCluster,
  nestedClusterUpdatePermission,
} from '@nested-clusters/plugin-nested-clusters-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  BASE_URL,
  cluster,
  createTestClient,
  errorResponse,
} from '../__testUtils__/fixtures';
import { nestedClustersApiRef } from '../api';
import { isNestedClusterEntity } from '../entityFilters';
import { EntityNestedClusterOverviewCard } from './EntityNestedClusterOverviewCard';

/** A nested cluster's Resource entity, as the catalog module writes it. */
function resourceEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `simulated-${name}`,
      namespace: 'default',
      annotations: {
        'nested-clusters.backstage.io/host': 'simulated',
        'nested-clusters.backstage.io/name': name,
      },
    },
    spec: { type: 'nested-cluster', owner: 'group:default/team-a' },
  };
}

const server = setupServer();
registerMswTestHooks(server);

/** Serves GET /clusters/simulated/<name> and counts the calls. */
function serveCluster(item: NestedCluster) {
  const calls = { count: 0 };
  server.use(
    http.get(`${BASE_URL}/clusters/simulated/${item.name}`, () => {
      calls.count += 1;
      return HttpResponse.json(item);
    }),
  );
  return calls;
}

function renderCard(
  name: string,
  authorize?: Parameters<typeof mockApis.permission>[0],
) {
  return renderInTestApp(
    <EntityProvider entity={resourceEntity(name)}>
      <EntityNestedClusterOverviewCard />
    </EntityProvider>,
    {
      apis: [
        [nestedClustersApiRef, createTestClient()],
        mockApis.permission(authorize),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** The value cell of a row of the facts table. */
async function fact(label: string) {
  const row = await screen.findByRole('row', { name: new RegExp(`^${label}`) });
  return within(row).getAllByRole('cell')[1];
}

describe('EntityNestedClusterOverviewCard', () => {
  it('shows the facts of the cluster named by the entity', async () => {
    serveCluster(
      cluster('web-dev', {
        kubernetesVersion: 'v1.35.0',
        profile: 'sandbox',
        expiresAt: new Date(Date.now() + 48 * 3_600_000 + 30_000).toISOString(),
      }),
    );
    renderCard('web-dev');
    expect(
      await screen.findByRole('region', { name: 'Nested cluster' }),
    ).toHaveTextContent('Nested cluster web-dev');
    expect(await fact('Status')).toHaveTextContent('Running');
    expect(await fact('Kubernetes')).toHaveTextContent('v1.35.0');
    expect(await fact('Host')).toHaveTextContent('simulated');
    expect(await fact('Owner')).toHaveTextContent('team-a');
    expect(await fact('Component')).toHaveTextContent('web-shop');
    expect(await fact('Expires in')).toHaveTextContent('2d');
    expect(await fact('Profile')).toHaveTextContent('sandbox');
  });

  it.each([
    ['Running', {}, 'Running'],
    ['Pausing', { status: 'Pausing' }, 'Pausing'],
    ['Paused', { status: 'Paused' }, 'Paused'],
    ['Resuming', { status: 'Resuming' }, 'Resuming'],
    ['Deleting', { status: 'Deleting' }, 'Deleting'],
    ['Unknown', { status: 'Unknown' }, 'Unknown'],
  ] as const)('shows status %s', async (status, overrides, text) => {
    // usePermission caches decisions per resource, so each case has a name of its own.
    serveCluster(cluster(`status-${status.toLowerCase()}`, overrides));
    renderCard(`status-${status.toLowerCase()}`);
    expect(await fact('Status')).toHaveTextContent(text);
  });

  it('shows provisioning progress', async () => {
    serveCluster(
      cluster('status-provisioning', {
        status: 'Provisioning',
        kubernetesVersion: undefined,
        progress: { completedSteps: 1, totalSteps: 4, step: 'Installing' },
      }),
    );
    renderCard('status-provisioning');
    const status = await fact('Status');
    expect(
      within(status).getByRole('progressbar', {
        name: 'Provisioning status-provisioning',
      }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(status).toHaveTextContent('Installing (1/4)');
    expect(await fact('Kubernetes')).toHaveTextContent('—');
  });

  it('shows why a cluster failed', async () => {
    serveCluster(
      cluster('status-failed', {
        status: 'Failed',
        statusMessage: 'install timed out',
      }),
    );
    renderCard('status-failed');
    await userEvent.hover(within(await fact('Status')).getByText('Failed'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'install timed out',
    );
  });

  it('shows the Kubernetes and vcluster versions apart', async () => {
    serveCluster(cluster('versions', { kubernetesVersion: 'v1.34.2' }));
    renderCard('versions');
    expect(await fact('Kubernetes')).toHaveTextContent('v1.34.2');
    expect(await fact('vcluster')).toHaveTextContent('0.36.1');
  });

  it("shows the API server's reason when the helm-job install was refused", async () => {
    const reason =
      'vcluster create failed: fatal get current helm release: secrets is forbidden: User "system:serviceaccount:nc-x:nested-clusters-installer" cannot list resource "secrets" in API group "" in the namespace "nc-x"';
    serveCluster(
      cluster('status-forbidden', { status: 'Failed', statusMessage: reason }),
    );
    renderCard('status-forbidden');
    await userEvent.hover(within(await fact('Status')).getByText('Failed'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);
  });

  it('polls while the cluster is in transition', async () => {
    let status: NestedCluster['status'] = 'Pausing';
    server.use(
      http.get(`${BASE_URL}/clusters/simulated/polled`, () =>
        HttpResponse.json(cluster('polled', { status })),
      ),
    );
    jest.useFakeTimers({ advanceTimers: true });
    try {
      renderCard('polled');
      expect(await fact('Status')).toHaveTextContent('Pausing');
      status = 'Paused';
      jest.advanceTimersByTime(5_000);
      await waitFor(async () =>
        expect(await fact('Status')).toHaveTextContent('Paused'),
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('offers the actions of the component card, and runs them', async () => {
    const reads = serveCluster(cluster('acting'));
    const paused: string[] = [];
    server.use(
      http.post(`${BASE_URL}/clusters/:host/:name/pause`, ({ params }) => {
        paused.push(`${params.host}/${params.name}`);
        return HttpResponse.json(cluster('acting', { status: 'Pausing' }));
      }),
    );
    renderCard('acting');
    for (const label of [
      'Download kubeconfig of acting',
      'Copy kubectl command for acting',
      'Extend acting',
      'Delete acting',
    ]) {
      expect(
        await screen.findByRole('button', { name: label }),
      ).toBeInTheDocument();
    }
    await userEvent.click(screen.getByRole('button', { name: 'Pause acting' }));
    await waitFor(() => expect(paused).toEqual(['simulated/acting']));
    // The card reloads the cluster after a change.
    await waitFor(() => expect(reads.count).toBe(2));
  });

  it('hides the actions the user may not take', async () => {
    serveCluster(cluster('read-only'));
    renderCard('read-only', {
      authorize: request =>
        request.permission.name === nestedClusterUpdatePermission.name
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    });
    expect(
      await screen.findByRole('button', { name: 'Pause read-only' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete read-only' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Download kubeconfig of read-only',
      }),
    ).not.toBeInTheDocument();
  });

  it('shows no action at all when every permission is denied', async () => {
    serveCluster(cluster('denied-all'));
    renderCard('denied-all', { authorize: AuthorizeResult.DENY });
    expect(await fact('Status')).toHaveTextContent('Running');
    // Decisions are asynchronous: wait until they are in, then look.
    await waitFor(() =>
      expect(
        within(
          screen.getByRole('region', { name: 'Nested cluster' }),
        ).queryAllByRole('button'),
      ).toHaveLength(0),
    );
  });

  it('says so when the backend refuses to show the cluster', async () => {
    server.use(
      http.get(`${BASE_URL}/clusters/simulated/secret`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'not allowed: nested-clusters.cluster.read',
        ),
      ),
    );
    renderCard('secret');
    expect(
      await screen.findByText(
        'You are not allowed to see nested cluster secret.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('warns that the state is unknown while the host is down', async () => {
    server.use(
      http.get(`${BASE_URL}/clusters/simulated/offline`, () =>
        errorResponse(
          503,
          'ServiceUnavailableError',
          'host "simulated" is unreachable (watch): connect ECONNREFUSED',
        ),
      ),
    );
    renderCard('offline');
    expect(
      await screen.findByText(
        /Host simulated cannot be reached, so the state of offline is unknown/,
      ),
    ).toHaveTextContent('connect ECONNREFUSED');
  });

  it('says so once the cluster is gone', async () => {
    server.use(
      http.get(`${BASE_URL}/clusters/simulated/gone`, () =>
        errorResponse(404, 'NotFoundError', 'No nested cluster named "gone"'),
      ),
    );
    renderCard('gone');
    expect(
      await screen.findByText(
        'Nested cluster gone no longer exists on host simulated.',
      ),
    ).toBeInTheDocument();
  });
});

describe('isNestedClusterEntity', () => {
  it('holds for the Resource entities of nested clusters only', () => {
    const entity = resourceEntity('web-dev');
    expect(isNestedClusterEntity(entity)).toBe(true);
    expect(
      isNestedClusterEntity({
        ...entity,
        spec: { ...entity.spec, type: 'database' },
      }),
    ).toBe(false);
    expect(isNestedClusterEntity({ ...entity, kind: 'Component' })).toBe(false);
    expect(
      isNestedClusterEntity({
        ...entity,
        metadata: { name: 'hand-written' },
      }),
    ).toBe(false);
  });
});
