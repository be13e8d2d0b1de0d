import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express, { ErrorRequestHandler, Request, Response } from 'express';
import { spec } from './schema/generated/spec';
import {
  Caller,
  ClusterAccess,
  UserCredentials,
} from './services/ClusterAccess';
import { ClusterQueries } from './services/ClusterQueries';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  access: ClusterAccess;
  queries: ClusterQueries;
}

interface JsonSchema {
  $ref?: string;
  properties?: Record<string, unknown>;
}

/** The body fields the operation's schema does not know, for a clear 400. */
function unknownBodyFields(req: Request): string[] {
  const { openapi } = req as Request & {
    openapi?: {
      schema?: {
        requestBody?: {
          content?: Record<string, { schema?: JsonSchema }>;
        };
      };
    };
  };
  let schema =
    openapi?.schema?.requestBody?.content?.['application/json']?.schema;
  if (schema?.$ref) {
    const name = schema.$ref.split('/').pop()!;
    schema = (spec.components.schemas as Record<string, JsonSchema>)[name];
  }
  const known = Object.keys(schema?.properties ?? {});
  const body: object =
    typeof req.body === 'object' && req.body !== null ? req.body : {};
  return Object.keys(body).filter(key => !known.includes(key));
}

/**
 * The validator's 400s name the field as the rest of the API does
 * (`request/body/name must match …` becomes `name: must match …`).
 */
const namingTheField: ErrorRequestHandler = (error, req, _res, next) => {
  if (!(error instanceof InputError)) {
    next(error);
    return;
  }
  const unknown = /request\/body must NOT have additional properties/.test(
    error.message,
  )
    ? unknownBodyFields(req)
    : [];
  const message = unknown.length
    ? `${unknown.join(', ')}: not a field of this request`
    : error.message.replace(
        /request\/(?:body|query|params)\/?(\S*) /g,
        (_, field: string) => `${field.replace(/\//g, '.') || 'body'}: `,
      );
  next(new InputError(message));
};

/**
 * The REST API: a pure function of its services. src/schema/openapi.yaml is
 * its source; requests and responses are validated against it.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, access, queries } = options;
  const router = await createValidatedOpenApiRouter<typeof spec>(spec, {
    validatorOptions: {
      validateResponses: true,
      // Authentication is httpAuth's job, with Backstage's own 401s.
      validateSecurity: false,
    },
  });
  router.use(namingTheField);

  /** Only users: a plain service token would be allowed everything by the permission client. */
  const caller = async (req: Request): Promise<Caller> => ({
    credentials: (await httpAuth.credentials(req, {
      allow: ['user'],
    })) as UserCredentials,
    audit: { request: req },
  });

  const target = (req: Request) => ({
    host: req.params.host,
    name: req.params.name,
  });

  router.get('/hosts', async (req, res) => {
    res.json({ items: await access.hosts(await caller(req)) });
  });

  router.get('/profiles', async (req, res) => {
    await caller(req);
    res.json({ items: queries.listProfiles() });
  });

  router.get('/usage', async (req, res) => {
    const who = await caller(req);
    res.json(queries.usage(await access.list(who, {})));
  });

  router.get('/clusters', async (req, res) => {
    const who = await caller(req);
    res.json(await access.list(who, req.query));
  });

  router.post('/clusters', async (req, res) => {
    const who = await caller(req);
    const dryRun = req.query.dryRun === 'true';
    const cluster = await access.create(who, req.body, { dryRun });
    res.status(dryRun ? 200 : 202).json(cluster);
  });

  router.get('/clusters/:host/:name', async (req, res) => {
    res.json(await access.get(await caller(req), target(req)));
  });

  router.post('/clusters/:host/:name/pause', async (req, res) => {
    res.status(202).json(await access.pause(await caller(req), target(req)));
  });

  router.post('/clusters/:host/:name/resume', async (req, res) => {
    res.status(202).json(await access.resume(await caller(req), target(req)));
  });

  router.post('/clusters/:host/:name/extend', async (req, res) => {
    const who = await caller(req);
    res.json(await access.extend(who, target(req), req.body.ttl));
  });

  router.delete('/clusters/:host/:name', async (req, res) => {
    res.status(202).json(await access.delete(await caller(req), target(req)));
  });

  /** Kubeconfigs are files to save, and never cached. */
  const sendKubeconfig = (res: Response, text: string, fileName: string) =>
    res
      .status(200)
      .set({
        'Content-Type': 'text/yaml; charset=utf-8',
        'Content-Disposition': `attachment; filename="${fileName}"`,
        'Cache-Control': 'no-store',
      })
      .send(text);

  router.get('/clusters/:host/:name/kubeconfig', async (req, res) => {
    const who = await caller(req);
    const { host, name } = target(req);
    const { expiration } = req.query;
    const issued = await access.kubeconfig(who, { host, name }, { expiration });
    // The card asks for JSON, to show the expiry; a plain download gets the file.
    if (req.accepts(['text/yaml', 'application/json']) === 'application/json') {
      res.set('Cache-Control', 'no-store').json(issued);
      return;
    }
    sendKubeconfig(res, issued.kubeconfig, `${host}-${name}.kubeconfig.yaml`);
  });

  router.get('/clusters/:host/:name/kubeconfig/admin', async (req, res) => {
    const who = await caller(req);
    const { host, name } = target(req);
    const kubeconfig = await access.adminKubeconfig(who, { host, name });
    sendKubeconfig(res, kubeconfig, `${host}-${name}.admin.kubeconfig.yaml`);
  });

  router.delete('/clusters/:host/:name/access/me', async (req, res) => {
    res.json(await access.revokeMyAccess(await caller(req), target(req)));
  });

  router.delete('/clusters/:host/:name/access', async (req, res) => {
    res.json(await access.revokeAllAccess(await caller(req), target(req)));
  });

  return router;
}
