import { mockApis } from '@backstage/frontend-test-utils';
import {
  NestedCluster,
  NestedClustersClient,
} from '@nested-clusters/plugin-nested-clusters-common';
import { http, HttpResponse } from 'msw';
import { SetupServer } from 'msw/node';

export const BASE_URL = 'http://localhost:7007/api/nested-clusters';

/** The real client, talking to MSW through the global fetch. */
export function createTestClient() {
  return new NestedClustersClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
  });
}

const HOUR = 3_600_000;

export function cluster(
  name: string,
  overrides: Partial<NestedCluster> = {},
): NestedCluster {
  return {
    name,
    host: 'simulated',
    namespace: `nc-${name}`,
    status: 'Running',
    owner: 'group:default/team-a',
    component: 'component:default/web-shop',
    createdBy: 'user:default/guest',
    profile: 'sandbox',
    installer: 'helm-job',
    kubernetesVersion: 'v1.35.0',
    vclusterVersion: '0.36.1',
    createdAt: new Date(Date.now() - HOUR).toISOString(),
    expiresAt: new Date(Date.now() + 72 * HOUR).toISOString(),
    ...overrides,
  };
}

/** Serves a list response and records the query of every list call. */
export function serveClusters(
  server: SetupServer,
  items: NestedCluster[],
  hostErrors: { host: string; message: string }[] = [],
) {
  const queries: URLSearchParams[] = [];
  server.use(
    // Any origin: the app under test may discover the backend elsewhere.
    http.get('*/api/nested-clusters/clusters', ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return HttpResponse.json({ items, hostErrors });
    }),
  );
  return queries;
}

/** A Backstage error body, as the backend sends it. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}
