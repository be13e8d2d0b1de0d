import {
  mockApis,
  registerMswTestHooks,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { cluster, serveClusters } from './__testUtils__/fixtures';
import plugin from './alpha';

const server = setupServer();
registerMswTestHooks(server);

describe('nested-clusters plugin (new frontend system)', () => {
  it('provides the API, entity cards, page, form field and search extensions', () => {
    for (const id of [
      'api:nested-clusters',
      'entity-card:nested-clusters',
      'entity-card:nested-clusters/overview',
      'page:nested-clusters',
      'scaffolder-form-field:nested-clusters/nested-cluster-profile-picker',
      'search-result-list-item:nested-clusters/nested-cluster',
      'search-filter-result-type:nested-clusters/nested-cluster',
    ]) {
      expect(plugin.getExtension(id as never)).toBeDefined();
    }
  });

  // A whole app renders here; the generous budgets are for a cold module
  // cache on a busy machine, not a performance claim.
  it('serves the page at /nested-clusters through its own API factory', async () => {
    serveClusters(server, [cluster('team-a-dev')]);
    server.use(
      http.get('*/api/nested-clusters/hosts', () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/nested-clusters'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        mockApis.identity({
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: ['group:default/team-a'],
        }),
      ],
    });
    expect(
      await screen.findByText('team-a-dev', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
  }, 30_000);
});
