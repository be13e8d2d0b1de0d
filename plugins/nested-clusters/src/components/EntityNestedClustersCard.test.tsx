import { Entity } from '@backstage/catalog-model';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import { act, screen, waitFor, within } from '@testing-library/react';
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
import { nestedClusterDeletePermission } from '@nested-clusters/plugin-nested-clusters-common';
import { EntityNestedClustersCard } from './EntityNestedClustersCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-shop', namespace: 'default' },
  spec: { type: 'website', owner: 'team-a', lifecycle: 'experimental' },
};

const server = setupServer();
registerMswTestHooks(server);

function renderCard(
  options: {
    client?: NestedClustersClient;
    authorize?: Parameters<typeof mockApis.permission>[0];
    templateRef?: string;
  } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityNestedClustersCard templateRef={options.templateRef} />
    </EntityProvider>,
    {
      apis: [
        [nestedClustersApiRef, options.client ?? createTestClient()],
        mockApis.permission(options.authorize),
      ],
      // Where the scaffolder mounts its template pages.
      mountedRoutes: {
        '/create/templates/:namespace/:templateName': convertLegacyRouteRef(
          createFromTemplateRouteRef,
        ),
      },
    },
  );
}

/** The "New cluster" link: its path and the template's pre-filled parameters. */
async function newClusterLink() {
  // LinkButton renders a link with the button role.
  const link = await screen.findByRole('button', { name: 'New cluster' });
  const href = new URL(link.getAttribute('href')!, 'http://app');
  return {
    path: href.pathname,
    formData: JSON.parse(href.searchParams.get('formData')!),
  };
}

describe('EntityNestedClustersCard', () => {
  it('shows progress while loading', async () => {
    server.use(http.get(`${BASE_URL}/clusters`, () => new Promise(() => {})));
    renderCard();
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.getByText('Nested clusters')).toBeInTheDocument();
  });

  it('lists the clusters of this component only', async () => {
    const queries = serveClusters(server, [cluster('web-dev')]);
    renderCard();
    expect(await screen.findByText('web-dev')).toBeInTheDocument();
    expect(queries[0].get('entityRef')).toBe('component:default/web-shop');
  });

  it('offers a new cluster from the sandbox template, the component pre-filled, when empty', async () => {
    serveClusters(server, []);
    renderCard();
    expect(
      await screen.findByText(/This component has no nested clusters yet/),
    ).toBeInTheDocument();
    expect(await newClusterLink()).toEqual({
      path: '/create/templates/default/nested-cluster-sandbox',
      formData: { component: 'component:default/web-shop' },
    });
  });

  it('offers a new cluster in its header when it already lists clusters', async () => {
    serveClusters(server, [cluster('web-dev')]);
    renderCard({ templateRef: 'template:platform/team-sandbox' });
    await screen.findByText('web-dev');
    expect(await newClusterLink()).toEqual({
      path: '/create/templates/platform/team-sandbox',
      formData: { component: 'component:default/web-shop' },
    });
  });

  it('shows each status, with progress and the failure reason', async () => {
    serveClusters(server, [
      cluster('running-one'),
      cluster('provisioning-one', {
        status: 'Provisioning',
        progress: { completedSteps: 2, totalSteps: 5, step: 'Waiting for pod' },
      }),
      cluster('paused-one', { status: 'Paused' }),
      cluster('failed-one', {
        status: 'Failed',
        statusMessage: 'image pull failed',
      }),
      cluster('deleting-one', { status: 'Deleting' }),
    ]);
    renderCard();

    const row = async (name: string) =>
      within(await screen.findByTestId(`simulated/${name}`));
    expect((await row('running-one')).getByText('Running')).toBeInTheDocument();
    expect((await row('paused-one')).getByText('Paused')).toBeInTheDocument();
    expect(
      (await row('deleting-one')).getByText('Deleting'),
    ).toBeInTheDocument();

    const provisioning = await row('provisioning-one');
    expect(provisioning.getByText('Provisioning')).toBeInTheDocument();
    expect(
      provisioning.getByRole('progressbar', {
        name: 'Provisioning provisioning-one',
      }),
    ).toHaveAttribute('aria-valuenow', '40');
    expect(provisioning.getByText('Waiting for pod (2/5)')).toBeInTheDocument();

    const failed = await row('failed-one');
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
    await userEvent.hover(failed.getByText('Failed'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'image pull failed',
    );
  });

  it('warns when less than a day is left', async () => {
    serveClusters(server, [
      cluster('short', {
        expiresAt: new Date(
          Date.now() + 5.5 * 3_600_000 + 30_000,
        ).toISOString(),
      }),
      cluster('long'),
    ]);
    renderCard();
    const short = within(await screen.findByTestId('simulated/short'));
    expect(short.getByText(/5h 30m/)).toHaveTextContent(
      '5h 30m (expires soon)',
    );
    expect(short.getByTestId('status-warning')).toBeInTheDocument();
    const long = within(screen.getByTestId('simulated/long'));
    expect(long.queryByTestId('status-warning')).not.toBeInTheDocument();
  });

  it('shows a warning line per unreachable host and still lists the others', async () => {
    serveClusters(
      server,
      [cluster('web-dev')],
      [{ host: 'east', message: 'connection refused' }],
    );
    renderCard();
    expect(
      await screen.findByText('Host east is unreachable: connection refused'),
    ).toBeInTheDocument();
    expect(screen.getByText('web-dev')).toBeInTheDocument();
  });

  it('shows an error panel when the backend fails', async () => {
    server.use(
      http.get(`${BASE_URL}/clusters`, () =>
        errorResponse(500, 'Error', 'cache not ready'),
      ),
    );
    renderCard();
    expect(await screen.findByText(/cache not ready/)).toBeInTheDocument();
  });

  it('hides every action when permission is denied', async () => {
    // usePermission caches decisions per resource, so these tests use names of their own.
    serveClusters(server, [
      cluster('allowed-one'),
      cluster('denied-running'),
      cluster('denied-paused', { status: 'Paused' }),
    ]);
    renderCard({
      authorize: {
        authorize: request =>
          request.resourceRef === 'simulated/allowed-one'
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      },
    });
    // Once the allowed cluster's actions show, every decision is in.
    await screen.findByRole('button', { name: 'Delete allowed-one' });
    for (const name of ['denied-running', 'denied-paused']) {
      expect(
        within(screen.getByTestId(`simulated/${name}`)).queryAllByRole(
          'button',
        ),
      ).toHaveLength(0);
    }
  });

  it('shows only the actions that are allowed', async () => {
    serveClusters(server, [cluster('partly')]);
    renderCard({
      authorize: {
        authorize: request =>
          request.permission.name === nestedClusterDeletePermission.name
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      },
    });
    expect(
      await screen.findByRole('button', { name: 'Pause partly' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Download kubeconfig of partly' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete partly' }),
    ).not.toBeInTheDocument();
  });

  it('deletes only after the cluster name is typed', async () => {
    serveClusters(server, [cluster('web-dev')]);
    const deleted: string[] = [];
    server.use(
      http.delete(`${BASE_URL}/clusters/:host/:name`, ({ params }) => {
        deleted.push(`${params.host}/${params.name}`);
        return new HttpResponse(null, { status: 202 });
      }),
    );
    renderCard();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete web-dev' }),
    );
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();

    const input = within(dialog).getByRole('textbox', {
      name: 'Cluster name to confirm deletion',
    });
    await userEvent.type(input, 'web-de');
    expect(confirm).toBeDisabled();
    await userEvent.keyboard('{Enter}');
    expect(deleted).toEqual([]);

    await userEvent.type(input, 'v');
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    await waitFor(() => expect(deleted).toEqual(['simulated/web-dev']));
  });

  it('shows the reason when the backend refuses an action', async () => {
    serveClusters(server, [cluster('web-dev')]);
    server.use(
      http.post(`${BASE_URL}/clusters/:host/:name/pause`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'not allowed: nested-clusters.cluster.update',
        ),
      ),
    );
    renderCard();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Pause web-dev' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not pause web-dev: not allowed: nested-clusters.cluster.update',
    );
  });

  it('extends by a chosen duration and shows a maxTtl refusal in the dialog', async () => {
    serveClusters(server, [cluster('web-dev')]);
    const requested: unknown[] = [];
    server.use(
      http.post(
        `${BASE_URL}/clusters/:host/:name/extend`,
        async ({ request }) => {
          const body = (await request.json()) as { ttl: string };
          requested.push(body);
          return body.ttl === '30d'
            ? errorResponse(400, 'InputError', 'ttl 30d exceeds maxTtl 14d')
            : HttpResponse.json(cluster('web-dev'));
        },
      ),
    );
    renderCard();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Extend web-dev' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('radio', { name: 'Custom' }),
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Duration' }),
      '30d',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Extend' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'ttl 30d exceeds maxTtl 14d',
    );

    await userEvent.click(within(dialog).getByRole('radio', { name: '+72h' }));
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Extend' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(requested).toEqual([{ ttl: '30d' }, { ttl: '72h' }]);
  });

  it('downloads a short-lived kubeconfig, shows when it expires and offers to download again', async () => {
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'current-context: simulated-web-dev',
      'contexts:',
      '  - name: simulated-web-dev',
      '    context: { cluster: simulated-web-dev, user: guest@simulated-web-dev }',
      '',
    ].join('\n');
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const asked: (string | null)[] = [];
    serveClusters(server, [cluster('web-dev')]);
    server.use(
      http.get(
        `${BASE_URL}/clusters/simulated/web-dev/kubeconfig`,
        ({ request }) => {
          asked.push(new URL(request.url).searchParams.get('expiration'));
          return HttpResponse.json({
            kubeconfig,
            serviceAccount: 'kube-system/backstage-guest-0123456789',
            clusterRole: 'cluster-admin',
            expiresAt,
          });
        },
      ),
    );
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    // jsdom has no object URLs and does not navigate on click.
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:kubeconfig';
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        downloads.push(this.download);
      });

    renderCard();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Download kubeconfig of web-dev',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Download' }),
    );

    await waitFor(() =>
      expect(downloads).toEqual(['simulated-web-dev.kubeconfig.yaml']),
    );
    expect(await blobs[0].text()).toBe(kubeconfig);
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:kubeconfig');
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      `Your token expires at ${new Date(expiresAt).toLocaleString()}`,
    );
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      'ServiceAccount kube-system/backstage-guest-0123456789, ClusterRole cluster-admin',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Download again' }),
    );
    await waitFor(() => expect(downloads).toHaveLength(2));
    expect(asked).toEqual([null, null]);
    click.mockRestore();
  });

  it('copies the kubectl command', async () => {
    serveClusters(server, [cluster('web-dev')]);
    renderCard();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Copy kubectl command for web-dev',
      }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Copied: kubectl --kubeconfig simulated-web-dev.kubeconfig.yaml get namespaces',
    );
  });

  it('can be driven with the keyboard', async () => {
    serveClusters(server, [cluster('web-dev')]);
    const paused: string[] = [];
    server.use(
      http.post(`${BASE_URL}/clusters/:host/:name/pause`, ({ params }) => {
        paused.push(String(params.name));
        return HttpResponse.json(cluster('web-dev', { status: 'Pausing' }));
      }),
    );
    renderCard();
    await screen.findByRole('button', { name: 'Pause web-dev' });
    // New cluster (in the header), download, copy, pause.
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.tab();
    expect(screen.getByRole('button', { name: 'Pause web-dev' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(paused).toEqual(['web-dev']));
  });

  describe('live refresh', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('counts down without reloading and warns once less than a day is left', async () => {
      serveClusters(server, [
        cluster('web-dev', {
          expiresAt: new Date(
            Date.now() + 24 * 3_600_000 + 30_000,
          ).toISOString(),
        }),
      ]);
      const client = createTestClient();
      const list = jest.spyOn(client, 'listClusters');
      renderCard({ client });
      const row = within(await screen.findByTestId('simulated/web-dev'));
      expect(row.getByText('1d')).toBeInTheDocument();
      expect(row.queryByTestId('status-warning')).not.toBeInTheDocument();

      await act(async () => {
        jest.advanceTimersByTime(60_000);
      });
      expect(row.getByText(/23h 59m/)).toBeInTheDocument();
      expect(row.getByTestId('status-warning')).toBeInTheDocument();
      expect(list).toHaveBeenCalledTimes(1);
    });

    it('polls while a cluster is in transition and stops once all are settled', async () => {
      let status: 'Provisioning' | 'Running' = 'Provisioning';
      server.use(
        http.get(`${BASE_URL}/clusters`, () =>
          HttpResponse.json({
            items: [cluster('web-dev', { status })],
            hostErrors: [],
          }),
        ),
      );
      const client = createTestClient();
      const list = jest.spyOn(client, 'listClusters');
      renderCard({ client });
      await screen.findByText('Provisioning');
      expect(list).toHaveBeenCalledTimes(1);

      // Still provisioning: the next tick reloads.
      await act(async () => {
        jest.advanceTimersByTime(5_000);
      });
      await waitFor(() => expect(list).toHaveBeenCalledTimes(2));

      status = 'Running';
      await act(async () => {
        jest.advanceTimersByTime(5_000);
      });
      await screen.findByText('Running');
      expect(list).toHaveBeenCalledTimes(3);

      // Settled: no more reloads however long we wait.
      await act(async () => {
        jest.advanceTimersByTime(60_000);
      });
      expect(list).toHaveBeenCalledTimes(3);
    });
  });
});
