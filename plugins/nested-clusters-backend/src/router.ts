import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { validateClusterName } from '@nested-clusters/plugin-nested-clusters-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
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

const optionalText = z.string().min(1).max(253).optional();

const createBody = z.strictObject({
  name: z.string(),
  profile: z.string().min(1),
  host: optionalText,
  entityRef: optionalText,
  owner: optionalText,
  ttl: optionalText,
});

const createQuery = z.object({
  dryRun: z.enum(['true', 'false']).optional(),
});

const listQuery = z.object({
  entityRef: optionalText,
  owner: optionalText,
  host: optionalText,
});

const clusterParams = z.object({
  host: z.string().min(1),
  name: z.string().superRefine((name, ctx) => {
    const problem = validateClusterName(name);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
    }
  }),
});

const extendBody = z.strictObject({ ttl: z.string().min(1) });

/** Parses input with zod; a failure becomes a 400 that names the field. */
function parse<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const field = issue.path.length ? issue.path.join('.') : where;
      return `${field}: ${issue.message}`;
    });
    throw new InputError(problems.join('; '));
  }
  return result.data;
}

/** The REST API (src/schema/openapi.yaml): a pure function of its services. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, access, queries } = options;
  const router = Router();
  router.use(express.json());

  /** Only users: a plain service token would be allowed everything by the permission client. */
  const caller = async (req: Request): Promise<Caller> => ({
    credentials: (await httpAuth.credentials(req, {
      allow: ['user'],
    })) as UserCredentials,
    audit: { request: req },
  });

  const target = (req: Request) => parse(clusterParams, req.params, 'path');

  router.get('/hosts', async (req, res) => {
    await caller(req);
    res.json({ items: queries.listHosts() });
  });

  router.get('/profiles', async (req, res) => {
    await caller(req);
    res.json({ items: queries.listProfiles() });
  });

  router.get('/clusters', async (req, res) => {
    const who = await caller(req);
    const query = parse(listQuery, req.query, 'query');
    res.json(await access.list(who, query));
  });

  router.post('/clusters', async (req, res) => {
    const who = await caller(req);
    const body = parse(createBody, req.body, 'body');
    const dryRun = parse(createQuery, req.query, 'query').dryRun === 'true';
    const cluster = await access.create(who, body, { dryRun });
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
    const { ttl } = parse(extendBody, req.body, 'body');
    res.json(await access.extend(who, target(req), ttl));
  });

  router.delete('/clusters/:host/:name', async (req, res) => {
    res.status(202).json(await access.delete(await caller(req), target(req)));
  });

  router.get('/clusters/:host/:name/kubeconfig', async (req, res) => {
    const who = await caller(req);
    const { host, name } = target(req);
    const kubeconfig = await access.kubeconfig(who, { host, name });
    res
      .status(200)
      .set({
        'Content-Type': 'text/yaml; charset=utf-8',
        'Content-Disposition': `attachment; filename="${host}-${name}.kubeconfig.yaml"`,
        'Cache-Control': 'no-store',
      })
      .send(kubeconfig);
  });

  return router;
}
