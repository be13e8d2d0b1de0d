import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { actionContext } from '../__testUtils__/actionContext';
import { createRegisterLocalAction } from './registerLocal';

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'team-b' },
};

describe('local-catalog:register', () => {
  const workspace = createMockDirectory();
  const catalogDir = createMockDirectory();
  // What the catalog names the Location entity of `{ type: file, target: <dir>/*.yaml }`.
  const locationRef = () =>
    `location:default/${locationSpecToMetadataName({
      type: 'file',
      target: path.join(catalogDir.path, '*.yaml'),
    })}`;

  /**
   * A catalog that knows the given entities and, when the location is
   * refreshed, ingests what the action wrote into the directory.
   */
  function fakeCatalog(known: Entity[] = []) {
    const entities = new Map(
      known.map(e => [`component:default/${e.metadata.name}`, e]),
    );
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async (ref: string | object) =>
        entities.get(String(ref)),
      ) as CatalogService['getEntityByRef'],
      refreshEntity: jest.fn(async (ref: string) => {
        if (ref !== locationRef()) {
          throw await notFound(ref);
        }
        for (const file of fs.readdirSync(catalogDir.path)) {
          const entity = yaml.parse(
            fs.readFileSync(path.join(catalogDir.path, file), 'utf8'),
          );
          entities.set(`component:default/${entity.metadata.name}`, entity);
        }
      }),
    });
    return catalog;
  }

  function setup(
    options: {
      catalog?: CatalogService;
      allowed?: boolean;
      directory?: string | null;
    } = {},
  ) {
    const catalog = options.catalog ?? fakeCatalog();
    const action = createRegisterLocalAction({
      catalog,
      permissions: mockServices.permissions({
        result:
          options.allowed === false
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }),
      directory:
        options.directory === null
          ? undefined
          : options.directory ?? catalogDir.path,
      pollIntervalMs: 10,
    });
    return { action, catalog };
  }

  beforeEach(() => {
    workspace.setContent({ 'catalog-info.yaml': yaml.stringify(component) });
    catalogDir.clear();
  });

  it('writes the descriptor where the catalog reads it, refreshes that location and waits for the entity', async () => {
    const { action, catalog } = setup();
    const { ctx, output, lines } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await action.handler(ctx);

    expect(
      fs.readFileSync(
        path.join(catalogDir.path, 'default.component.payments-api.yaml'),
        'utf8',
      ),
    ).toBe(yaml.stringify(component));
    expect(catalog.refreshEntity).toHaveBeenCalledWith(locationRef(), {
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'user' }),
      }),
    });
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments-api',
    );
    expect(lines()).toContainEqual(
      expect.stringMatching(
        /^component:default\/payments-api is in the catalog after \d+s$/,
      ),
    );
  });

  it('continues with its own file when the task is retried', async () => {
    catalogDir.setContent({
      'default.component.payments-api.yaml': yaml.stringify(component),
    });
    const { action } = setup();
    const { ctx, output } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await action.handler(ctx);
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments-api',
    );
  });

  it.each([
    [
      'an entity already in the catalog',
      () => setup({ catalog: fakeCatalog([component]) }),
      'component:default/payments-api is already in the catalog',
    ],
    [
      'a different descriptor of the same entity',
      () => {
        catalogDir.setContent({
          'default.component.payments-api.yaml': 'kind: Component\n',
        });
        return setup();
      },
      'component:default/payments-api is already registered',
    ],
  ])('never overwrites %s', async (_, arrange, message) => {
    const { action } = arrange();
    const before = catalogDir.content();
    const { ctx } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(catalogDir.content()).toEqual(before);
  });

  it.each([
    [
      'two documents',
      `${yaml.stringify(component)}---\n${yaml.stringify(component)}`,
      'catalog-info.yaml must hold exactly one YAML document',
    ],
    [
      'an invalid entity name',
      yaml.stringify({
        ...component,
        metadata: { name: '../../etc/passwd' },
      }),
      /catalog-info.yaml is not a valid entity: .*metadata.name/,
    ],
  ])('rejects a descriptor with %s', async (_, text, message) => {
    workspace.setContent({ 'catalog-info.yaml': text });
    const { action } = setup();
    const { ctx } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(catalogDir.content()).toEqual({});
  });

  it('reads only inside the workspace', async () => {
    const { action } = setup();
    const { ctx } = actionContext(
      action,
      { filePath: '../outside.yaml' },
      { workspacePath: workspace.path },
    );
    await expect(action.handler(ctx)).rejects.toThrow(
      /outside.yaml.*outside of the base path|Relative path is not allowed to refer to a directory outside its parent/,
    );
  });

  it('needs the initiator to be allowed to create catalog locations', async () => {
    const { action } = setup({ allowed: false });
    const { ctx } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await expect(action.handler(ctx)).rejects.toThrow(
      'You are not allowed to catalog.location.create',
    );
    expect(catalogDir.content()).toEqual({});
  });

  it('writes nothing in a dry run', async () => {
    const { action, catalog } = setup();
    const { ctx, output } = actionContext(
      action,
      {},
      { workspacePath: workspace.path, isDryRun: true },
    );
    await action.handler(ctx);
    expect(catalogDir.content()).toEqual({});
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments-api',
    );
  });

  it('says which catalog location is missing', async () => {
    const other = createMockDirectory();
    const { action } = setup({ directory: other.path });
    const { ctx } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await expect(action.handler(ctx)).rejects.toThrow(
      `No catalog location reads ${
        other.path
      }; add catalog.locations entry { type: file, target: ${path.join(
        other.path,
        '*.yaml',
      )} }`,
    );
  });

  it('says when the directory is not configured', async () => {
    const { action } = setup({ directory: null });
    const { ctx } = actionContext(
      action,
      {},
      { workspacePath: workspace.path },
    );
    await expect(action.handler(ctx)).rejects.toThrow(
      'local-catalog:register needs scaffolder.localCatalog.directory in the app config',
    );
  });
});

async function notFound(ref: string): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: `No entity ${ref}` },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
