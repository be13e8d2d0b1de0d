import { mockServices } from '@backstage/backend-test-utils';
import { openApiDocument } from '../__testUtils__/openapi';
import { createRouter } from '../router';
import { ClusterAccess } from '../services/ClusterAccess';
import { ClusterQueries } from '../services/ClusterQueries';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('openapi.yaml', () => {
  it('describes exactly the routes the router serves', async () => {
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      // Routes are only listed here, never called.
      access: {} as ClusterAccess,
      queries: {} as ClusterQueries,
    });
    const served = (router.stack as Layer[])
      // Backstage's validated router also serves the spec itself.
      .filter(layer => layer.route && layer.route.path !== '/openapi.json')
      .flatMap(layer =>
        Object.keys(layer.route!.methods).map(
          method =>
            `${method.toUpperCase()} ${layer.route!.path.replace(
              /:(\w+)/g,
              '{$1}',
            )}`,
        ),
      )
      .sort();
    const described = Object.entries(openApiDocument.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations)
          .filter(key => key !== 'parameters')
          .map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(served).toEqual(described);
  });
});
