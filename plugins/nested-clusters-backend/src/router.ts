import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  NestedCluster,
  nestedClusterCreatePermission,
  nestedClusterDeletePermission,
  nestedClusterKubeconfigPermission,
  nestedClusterReadPermission,
  nestedClusterUpdatePermission,
  NestedClusterPermission,
  validateClusterName,
} from '@nested-clusters/plugin-nested-clusters-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterAuthorizer } from './permissions/ClusterAuthorizer';
import { audited } from './services/audit';
import { ClusterLifecycleService } from './services/ClusterLifecycleService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  authorizer: ClusterAuthorizer;
  lifecycle: ClusterLifecycleService;
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
  const { httpAuth, auditor, authorizer, lifecycle } = options;
  const router = Router();
  router.use(express.json());

  /** Only users: a plain service token would be allowed everything by the permission client. */
  const userCredentials = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user'] }) as Promise<
      BackstageCredentials<BackstageUserPrincipal>
    >;

  /** Runs a request's action as an audit event that records success or failure. */
  const audit = <T>(
    req: Request,
    eventId: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    meta: JsonObject,
    action: () => Promise<T>,
  ) => audited(auditor, { eventId, severityLevel, request: req, meta }, action);

  /** Loads a cluster from the cache and checks the user's permission on it. */
  async function authorizedCluster(
    req: Request,
    permission: NestedClusterPermission,
  ): Promise<NestedCluster> {
    const credentials = await userCredentials(req);
    const { host, name } = parse(clusterParams, req.params, 'path');
    const cluster = await lifecycle.getCluster(host, name);
    await authorizer.authorize(permission, cluster, credentials);
    return cluster;
  }

  router.get('/hosts', async (req, res) => {
    await userCredentials(req);
    res.json({ items: lifecycle.listHosts() });
  });

  router.get('/profiles', async (req, res) => {
    await userCredentials(req);
    res.json({ items: lifecycle.listProfiles() });
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await userCredentials(req);
    const query = parse(listQuery, req.query, 'query');
    const { items, hostErrors } = await lifecycle.listClusters(query);
    res.json({
      items: await authorizer.filter(
        nestedClusterReadPermission,
        items,
        credentials,
      ),
      hostErrors,
    });
  });

  router.post('/clusters', async (req, res) => {
    const credentials = await userCredentials(req);
    const body = parse(createBody, req.body, 'body');
    const dryRun = parse(createQuery, req.query, 'query').dryRun === 'true';
    const meta = {
      name: body.name,
      host: body.host ?? null,
      profile: body.profile,
      dryRun,
    };
    const create = async () => {
      await authorizer.authorizeBasic(
        nestedClusterCreatePermission,
        credentials,
      );
      const plan = await lifecycle.planCreate(body, credentials);
      return dryRun ? lifecycle.preview(plan) : lifecycle.create(plan);
    };
    if (dryRun) {
      res.status(200).json(await create());
      return;
    }
    const cluster = await audit(
      req,
      'nested-cluster-create',
      'medium',
      meta,
      create,
    );
    res.status(202).json(cluster);
  });

  router.get('/clusters/:host/:name', async (req, res) => {
    res.json(await authorizedCluster(req, nestedClusterReadPermission));
  });

  for (const action of ['pause', 'resume'] as const) {
    router.post(`/clusters/:host/:name/${action}`, async (req, res) => {
      const cluster = await audit(
        req,
        `nested-cluster-${action}`,
        'low',
        { host: req.params.host, name: req.params.name },
        async () =>
          lifecycle[action](
            await authorizedCluster(req, nestedClusterUpdatePermission),
          ),
      );
      res.status(202).json(cluster);
    });
  }

  router.post('/clusters/:host/:name/extend', async (req, res) => {
    const cluster = await audit(
      req,
      'nested-cluster-extend',
      'low',
      { host: req.params.host, name: req.params.name },
      async () => {
        const target = await authorizedCluster(
          req,
          nestedClusterUpdatePermission,
        );
        const { ttl } = parse(extendBody, req.body, 'body');
        return lifecycle.extend(target, ttl);
      },
    );
    res.json(cluster);
  });

  router.delete('/clusters/:host/:name', async (req, res) => {
    const cluster = await audit(
      req,
      'nested-cluster-delete',
      'high',
      { host: req.params.host, name: req.params.name },
      async () =>
        lifecycle.delete(
          await authorizedCluster(req, nestedClusterDeletePermission),
        ),
    );
    res.status(202).json(cluster);
  });

  router.get('/clusters/:host/:name/kubeconfig', async (req, res) => {
    const { host, name } = req.params;
    const kubeconfig = await audit(
      req,
      'nested-cluster-kubeconfig',
      'high',
      { host, name },
      async () =>
        lifecycle.kubeconfig(
          await authorizedCluster(req, nestedClusterKubeconfigPermission),
        ),
    );
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
