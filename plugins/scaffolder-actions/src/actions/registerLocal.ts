import {
  BackstageCredentials,
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import yaml from 'yaml';
import { statusCodeOf } from './api';
import { examples } from './registerLocal.examples';

export const REGISTER_LOCAL_ACTION_ID = 'local-catalog:register';

export interface RegisterLocalActionOptions {
  catalog: CatalogService;
  permissions: PermissionsService;
  /**
   * `scaffolder.localCatalog.directory`: where descriptors are written. A
   * catalog location `{ type: file, target: <directory>/*.yaml }` reads it.
   */
  directory?: string;
  /** How often to look for the entity in the catalog; defaults to 1 second. */
  pollIntervalMs?: number;
}

const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/**
 * Registers an entity without a git host: copies its descriptor from the
 * workspace into a configured local directory that a catalog `file` location
 * reads, refreshes that location and waits until the entity is in the catalog.
 */
export function createRegisterLocalAction(options: RegisterLocalActionOptions) {
  const { catalog, permissions } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;

  return createTemplateAction({
    id: REGISTER_LOCAL_ACTION_ID,
    description:
      "Registers a catalog entity for portals without a git host: copies a descriptor written by catalog:write from the workspace into the directory configured as scaffolder.localCatalog.directory (read by a catalog file location), refreshes that location and waits until the entity is in the catalog. Requires the initiator's catalog.location.create permission; never overwrites an entity.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        filePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the descriptor in the workspace, holding exactly one entity. Default: catalog-info.yaml',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .positive()
            .optional()
            .describe(
              'How long to wait, in seconds, for the entity to be in the catalog. Default: 60',
            ),
      },
      output: {
        entityRef: z =>
          z.string().describe('Entity ref of the registered entity'),
      },
    },
    async handler(ctx) {
      if (!options.directory) {
        throw new InputError(
          `${REGISTER_LOCAL_ACTION_ID} needs scaffolder.localCatalog.directory in the app config`,
        );
      }
      const directory = path.resolve(options.directory);
      const filePath = ctx.input.filePath ?? 'catalog-info.yaml';
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 60;
      const credentials = await ctx.getInitiatorCredentials();
      await authorize(permissions, credentials);

      const text = await fs.readFile(
        resolveSafeChildPath(ctx.workspacePath, filePath),
        'utf8',
      );
      const entity = await parseEntity(filePath, text);
      const entityRef = stringifyEntityRef(entity);
      // Namespaces and kinds have no dots and names cannot start with one, so
      // this is unique per entity and always a direct child of the directory.
      const target = path.join(
        directory,
        `${entity.metadata.namespace}.${entity.kind.toLocaleLowerCase(
          'en-US',
        )}.${entity.metadata.name}.yaml`,
      );

      const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
      if (existing !== undefined && existing !== text) {
        throw new ConflictError(`${entityRef} is already registered`);
      }
      // The same content means an earlier attempt of this task wrote it.
      if (
        existing === undefined &&
        (await catalog.getEntityByRef(entityRef, { credentials }))
      ) {
        throw new ConflictError(`${entityRef} is already in the catalog`);
      }
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef}`);
        ctx.output('entityRef', entityRef);
        return;
      }
      if (existing === undefined) {
        await fs.mkdir(directory, { recursive: true });
        await fs.writeFile(target, text, { flag: 'wx' });
        ctx.logger.info(`Wrote ${path.basename(target)} for ${entityRef}`);
      }

      const locationRef = `location:default/${locationSpecToMetadataName({
        type: 'file',
        target: path.join(directory, '*.yaml'),
      })}`;
      try {
        await catalog.refreshEntity(locationRef, { credentials });
      } catch (error) {
        if (statusCodeOf(error) === 404) {
          throw new NotFoundError(
            `No catalog location reads ${
              options.directory
            }; add catalog.locations entry { type: file, target: ${path.join(
              options.directory,
              '*.yaml',
            )} }`,
          );
        }
        throw error;
      }

      const startedAt = Date.now();
      while (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
        if (Date.now() - startedAt >= timeoutSeconds * 1000) {
          throw new Error(
            `${entityRef} is not in the catalog after ${timeoutSeconds}s; check the catalog location's rules and processing errors`,
          );
        }
        await sleep(pollIntervalMs, undefined, { signal: ctx.signal });
      }
      ctx.logger.info(
        `${entityRef} is in the catalog after ${Math.round(
          (Date.now() - startedAt) / 1000,
        )}s`,
      );
      ctx.output('entityRef', entityRef);
    },
  });
}

async function authorize(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
) {
  const [decision] = await permissions.authorize(
    [{ permission: catalogLocationCreatePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You are not allowed to ${catalogLocationCreatePermission.name}`,
    );
  }
}

async function parseEntity(filePath: string, text: string): Promise<Entity> {
  const documents = yaml.parseAllDocuments(text);
  if (documents.length !== 1 || documents[0].errors.length) {
    throw new InputError(`${filePath} must hold exactly one YAML document`);
  }
  try {
    const entity = await entityPolicy.enforce(documents[0].toJS());
    if (!entity) {
      throw new Error('the entity was rejected');
    }
    return entity;
  } catch (error) {
    throw new InputError(`${filePath} is not a valid entity: ${error}`);
  }
}
