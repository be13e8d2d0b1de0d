import { mockServices } from '@backstage/backend-test-utils';
import {
  CreateClusterRequest,
  NestedCluster,
  validateClusterName,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  dryRun: boolean;
  /** The user the token was issued on behalf of. */
  user: string;
  body?: unknown;
}

/** What a GET returns for a cluster, in order; the last one sticks. */
export type Lifecycle = Array<
  Pick<NestedCluster, 'status'> & Partial<NestedCluster>
>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small stand-in for the nested-clusters backend speaking its REST contract
 * (paths, 202s, Backstage error bodies), so the actions run against real HTTP
 * through the real client. It accepts only tokens issued on behalf of a user.
 */
export class FakeNestedClustersBackend {
  readonly requests: RecordedRequest[] = [];
  readonly clusters = new Map<string, NestedCluster>();
  /** States each created cluster goes through, one per read. */
  lifecycle: Lifecycle = [
    {
      status: 'Provisioning',
      progress: {
        completedSteps: 1,
        totalSteps: 3,
        step: 'creating namespace',
      },
    },
    {
      status: 'Provisioning',
      progress: { completedSteps: 2, totalSteps: 3, step: 'installing chart' },
    },
    { status: 'Running' },
  ];
  /** Clusters one owner may have; more answer 429. */
  clustersPerOwner = 5;

  private readonly failures: Array<{
    method: string;
    error: HttpError;
    times: number;
  }> = [];
  private readonly reads = new Map<string, number>();
  private readonly auth = mockServices.auth({ pluginId: 'nested-clusters' });

  private readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch(error => send(res, 500, error));
  });

  static async start(): Promise<FakeNestedClustersBackend> {
    const backend = new FakeNestedClustersBackend();
    await new Promise<void>(resolve =>
      backend.server.listen(0, '127.0.0.1', resolve),
    );
    return backend;
  }

  static error(status: number, name: string, message: string): HttpError {
    return new HttpError(status, name, message);
  }

  get discovery() {
    const { port } = this.server.address() as AddressInfo;
    return {
      getBaseUrl: async (pluginId: string) =>
        `http://127.0.0.1:${port}/api/${pluginId}`,
    };
  }

  /** Puts a cluster on the fake host as if someone had created it earlier. */
  seed(cluster: Partial<NestedCluster> & { name: string }): NestedCluster {
    const full = this.build(
      { name: cluster.name, profile: 'sandbox' },
      'user:default/someone-else',
    );
    Object.assign(full, cluster);
    this.clusters.set(`${full.host}/${full.name}`, full);
    return full;
  }

  /** Answers the next `times` requests with this method with an error. */
  failNext(method: 'GET' | 'POST' | 'DELETE', error: HttpError, times = 1) {
    this.failures.push({ method, error, times });
  }

  creates(): RecordedRequest[] {
    return this.requests.filter(
      r => r.method === 'POST' && r.path === '/clusters',
    );
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, 'http://localhost');
    const path = url.pathname.replace(/^\/api\/nested-clusters/, '');
    let user: string;
    try {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const credentials = await this.auth.authenticate(token);
      if (!this.auth.isPrincipal(credentials, 'user')) {
        throw new Error('not on behalf of a user');
      }
      user = credentials.principal.userEntityRef;
    } catch (error) {
      send(res, 401, new HttpError(401, 'AuthenticationError', String(error)));
      return;
    }
    const body = await readJson(req);
    const dryRun = url.searchParams.get('dryRun') === 'true';
    this.requests.push({ method: req.method!, path, dryRun, user, body });

    try {
      const failure = this.failures.find(
        f => f.method === req.method && f.times > 0,
      );
      if (failure) {
        failure.times -= 1;
        throw failure.error;
      }
      const match = /^\/clusters\/([^/]+)\/([^/]+)$/.exec(path);
      if (req.method === 'POST' && path === '/clusters') {
        send(
          res,
          dryRun ? 200 : 202,
          this.create(body as CreateClusterRequest, user, dryRun),
        );
      } else if (req.method === 'GET' && path === '/clusters') {
        const items = [...this.clusters.values()].filter(
          c =>
            (!url.searchParams.get('entityRef') ||
              c.component === url.searchParams.get('entityRef')) &&
            (!url.searchParams.get('host') ||
              c.host === url.searchParams.get('host')),
        );
        send(res, 200, { items, hostErrors: [] });
      } else if (req.method === 'GET' && match) {
        send(res, 200, this.read(`${match[1]}/${match[2]}`));
      } else if (req.method === 'DELETE' && match) {
        const cluster = this.find(`${match[1]}/${match[2]}`);
        if (cluster.status === 'Deleting') {
          throw new HttpError(
            409,
            'ConflictError',
            `${match[1]}/${match[2]} is already being deleted`,
          );
        }
        cluster.status = 'Deleting';
        send(res, 202, undefined);
      } else {
        throw new HttpError(
          404,
          'NotFoundError',
          `No route ${req.method} ${path}`,
        );
      }
    } catch (error) {
      send(res, error instanceof HttpError ? error.status : 500, error);
    }
  }

  private create(request: CreateClusterRequest, user: string, dryRun: boolean) {
    const nameError = validateClusterName(request.name ?? '');
    if (nameError) {
      throw new HttpError(400, 'InputError', nameError);
    }
    const cluster = this.build(request, user);
    const key = `${cluster.host}/${cluster.name}`;
    if (this.clusters.has(key)) {
      throw new HttpError(
        409,
        'ConflictError',
        `A nested cluster named ${cluster.name} already exists on ${cluster.host}`,
      );
    }
    const owned = [...this.clusters.values()].filter(
      c => c.owner === cluster.owner,
    ).length;
    if (owned >= this.clustersPerOwner) {
      throw new HttpError(
        429,
        'QuotaExceededError',
        `${cluster.owner} already has ${owned} of ${this.clustersPerOwner} nested clusters`,
      );
    }
    if (!dryRun) {
      this.clusters.set(key, cluster);
    }
    return cluster;
  }

  /** Each read moves a cluster one step along the lifecycle; deleted clusters vanish. */
  private read(key: string): NestedCluster {
    const cluster = this.find(key);
    if (cluster.status === 'Deleting') {
      this.clusters.delete(key);
      return cluster;
    }
    const reads = this.reads.get(key) ?? 0;
    this.reads.set(key, reads + 1);
    const { progress: _p, statusMessage: _m, ...rest } = cluster;
    const next = {
      ...rest,
      ...this.lifecycle[Math.min(reads, this.lifecycle.length - 1)],
    };
    this.clusters.set(key, next);
    return next;
  }

  private find(key: string): NestedCluster {
    const cluster = this.clusters.get(key);
    if (!cluster) {
      throw new HttpError(
        404,
        'NotFoundError',
        `Nested cluster ${key} not found`,
      );
    }
    return cluster;
  }

  private build(request: CreateClusterRequest, user: string): NestedCluster {
    const now = new Date();
    return {
      name: request.name,
      host: request.host ?? 'simulated',
      namespace: `nc-${request.name}`,
      status: 'Provisioning',
      owner: request.owner ?? 'group:default/team-a',
      component: request.entityRef,
      createdBy: user,
      profile: request.profile,
      installer: 'helm-job',
      kubernetesVersion: 'v1.35.0',
      createdAt: new Date(
        Math.floor(now.getTime() / 1000) * 1000,
      ).toISOString(),
      expiresAt: new Date(now.getTime() + 72 * 3_600_000).toISOString(),
    };
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (body instanceof Error) {
    const name = body instanceof HttpError ? body.errorName : body.name;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { name, message: body.message },
        response: { statusCode: status },
      }),
    );
    return;
  }
  res.writeHead(
    status,
    body === undefined ? {} : { 'Content-Type': 'application/json' },
  );
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return chunks.length
    ? JSON.parse(Buffer.concat(chunks).toString('utf8'))
    : undefined;
}
