import { IncomingMessage, ServerResponse } from 'node:http';
import { ClusterApi, DeleteOptions, PropagationPolicy } from '../api';
import {
  Authenticator,
  newToken,
  RequestAttributes,
  TokenGrant,
} from '../auth';
import { ApiError, errors } from '../errors';
import { FaultController } from '../faults';
import { isJsonObject, JsonValue } from '../json';
import { KubeObject, nowIso } from '../model';
import { patchTypeOf } from '../patch';
import { apiVersionOf } from '../registry';
import { parseBody, readBody, sendError, sendJson, sendRaw } from './body';
import { discoveryResponse } from './discovery';
import { int, present, ResourceRequest } from './resource';
import { streamWatch, WatchConnection } from './watch';
import { podLog } from './podLog';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

export interface ClusterEndpointOptions {
  api: ClusterApi;
  auth: Authenticator;
  version: VersionInfo;
  /** Faults apply to the host only; nested clusters are separate API servers. */
  faults?: FaultController;
  bookmarkIntervalMs: number;
  /** Answers `/admin/faults` when set (host only, opt-in). */
  admin?: (
    req: IncomingMessage,
    res: ServerResponse,
    grant: TokenGrant,
  ) => Promise<void>;
}

const UNAUTHENTICATED_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

function verbOf(method: string, named: boolean, watch: boolean) {
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** The Kubernetes REST API of one cluster (the host, or one nested cluster under its path prefix). */
export class ClusterEndpoint {
  readonly watches = new Set<WatchConnection>();

  constructor(private readonly options: ClusterEndpointOptions) {}

  get api() {
    return this.options.api;
  }

  get auth() {
    return this.options.auth;
  }

  /** Handles a request whose path has already had any `/vclusters/<ns>/<name>` prefix removed. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    url: URL,
  ) {
    try {
      if (UNAUTHENTICATED_PATHS.includes(path)) {
        if (path === '/version') {
          sendJson(res, 200, this.versionBody());
        } else {
          sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
        }
        return;
      }
      const grant = this.auth.authenticate(req.headers.authorization);
      if (path === '/admin/faults' && this.options.admin) {
        await this.options.admin(req, res, grant);
        return;
      }
      const document = discoveryResponse(
        this.api.registry,
        this.options.version.gitVersion,
        path,
        req.headers.accept,
      );
      if (document) {
        sendJson(res, 200, document);
        return;
      }
      const rr = this.parseResourcePath(path);
      const watch =
        url.searchParams.get('watch') === 'true' ||
        url.searchParams.get('watch') === '1' ||
        path.includes('/watch/');
      const verb = verbOf(req.method ?? 'GET', rr.name !== undefined, watch);
      const attrs: RequestAttributes = {
        verb,
        group: rr.type.group,
        resource: rr.type.resource,
        subresource: rr.subresource,
        namespace: rr.namespace,
        name: rr.name,
      };
      const text = await readBody(req);
      const body = parseBody(text, req.headers['content-type']);
      if (
        verb === 'create' &&
        rr.type.resource === 'namespaces' &&
        !rr.subresource &&
        isJsonObject(body) &&
        isJsonObject(body.metadata)
      ) {
        attrs.name =
          typeof body.metadata.name === 'string'
            ? body.metadata.name
            : undefined;
      }
      this.auth.authorize(grant, attrs);
      await this.injectFaults(verb);
      await this.dispatch(req, res, url, rr, verb, body);
    } catch (error) {
      sendError(res, error);
    }
  }

  /** Closes every open watch (shutdown, dropped-watch fault). */
  endWatches(graceful: boolean) {
    for (const w of [...this.watches]) {
      w.end(graceful);
    }
  }

  /** Sends a 410 ERROR event to every open watch and closes it, like a compacted watch cache. */
  goneWatches() {
    for (const w of [...this.watches]) {
      w.gone();
    }
  }

  private async injectFaults(verb: string) {
    const faults = this.options.faults;
    if (!faults) {
      return;
    }
    const latency = faults.latencyFor(verb);
    if (latency > 0) {
      await new Promise(resolve => setTimeout(resolve, latency));
    }
    if (faults.shouldFail(verb)) {
      throw errors.internal(`simulated failure injected for verb ${verb}`);
    }
  }

  private versionBody() {
    const { major, minor, gitVersion } = this.options.version;
    return {
      major,
      minor,
      gitVersion,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.25.0',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  private parseResourcePath(path: string): ResourceRequest {
    const m = /^\/api\/(v1)\/(.*)$|^\/apis\/([^/]+)\/([^/]+)\/(.*)$/.exec(path);
    if (!m) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    const group = m[3] ?? '';
    const version = m[1] ?? m[4];
    let segs = (m[2] ?? m[5])
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    if (segs[0] === 'watch') {
      segs = segs.slice(1);
    }
    let namespace: string | undefined;
    if (
      segs[0] === 'namespaces' &&
      segs.length >= 3 &&
      !['status', 'finalize'].includes(segs[2])
    ) {
      namespace = segs[1];
      segs = segs.slice(2);
    }
    const [resource, name, subresource, ...rest] = segs;
    if (!resource || rest.length > 0) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    const type = this.api.resolve(group, version, resource);
    if (namespace !== undefined && !type.namespaced) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    if (
      subresource &&
      subresource !== 'status' &&
      !(type.subresources ?? []).includes(subresource)
    ) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    if (subresource === 'status' && !type.statusSubresource) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    return { type, version, namespace, name, subresource };
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    rr: ResourceRequest,
    verb: string,
    body: JsonValue | undefined,
  ) {
    const q = url.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    const { type, namespace, name } = rr;
    const obj = body as unknown as KubeObject;
    switch (verb) {
      case 'get':
        if (rr.subresource === 'log') {
          sendRaw(
            res,
            200,
            podLog(this.api.get(type, namespace, name!), q.get('container')),
            'text/plain',
          );
          return;
        }
        sendJson(res, 200, present(rr, this.api.get(type, namespace, name!)));
        return;
      case 'list':
        this.sendList(res, rr, url);
        return;
      case 'watch':
        streamWatch(
          this.api,
          this.watches,
          this.options.bookmarkIntervalMs,
          req,
          res,
          rr,
          url.searchParams,
        );
        return;
      case 'create':
        if (rr.subresource === 'token' && name) {
          sendJson(res, 201, this.tokenRequest(namespace!, name, body));
          return;
        }
        if (name) {
          throw errors.methodNotAllowed(
            'the server does not allow this method on the requested resource',
          );
        }
        sendJson(
          res,
          201,
          present(rr, this.api.create(type, namespace, obj, { dryRun })),
        );
        return;
      case 'update': {
        const sub = rr.subresource === 'status' ? 'status' : undefined;
        const updated = this.api.update(type, namespace, name!, obj, {
          dryRun,
          subresource: sub,
        });
        sendJson(res, 200, present(rr, updated));
        return;
      }
      case 'patch': {
        const patchType = patchTypeOf(req.headers['content-type']);
        const fieldManager = q.get('fieldManager') ?? undefined;
        if (patchType === 'apply' && !fieldManager) {
          throw errors.badRequest(
            'PATCH /apply requests require a fieldManager: fieldManager is required for apply patch',
          );
        }
        const existed = this.api.tryGet(type, namespace, name!) !== undefined;
        const patched = this.api.patch(
          type,
          namespace,
          name!,
          patchType,
          body ?? null,
          {
            dryRun,
            fieldManager,
            subresource: rr.subresource === 'status' ? 'status' : undefined,
          },
        );
        sendJson(res, existed ? 200 : 201, present(rr, patched));
        return;
      }
      case 'delete': {
        const result = this.api.delete(
          type,
          namespace,
          name!,
          this.deleteOptions(q, body),
        );
        if (result.removed && type.resource !== 'pods') {
          sendJson(res, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: {
              name,
              group: type.group,
              kind: type.resource,
              uid: result.object.metadata.uid,
            },
          });
        } else {
          sendJson(res, 200, present(rr, result.object));
        }
        return;
      }
      case 'deletecollection': {
        const list = this.api.list(type, {
          namespace,
          labelSelector: q.get('labelSelector'),
          fieldSelector: q.get('fieldSelector'),
        });
        const opts = this.deleteOptions(q, body);
        for (const item of list.items) {
          this.api.delete(
            type,
            item.metadata.namespace,
            item.metadata.name,
            opts,
          );
        }
        sendJson(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
        });
        return;
      }
      default:
        throw errors.methodNotAllowed(
          `the server does not allow this method on the requested resource`,
        );
    }
  }

  private deleteOptions(
    q: URLSearchParams,
    body: JsonValue | undefined,
  ): DeleteOptions {
    const b = isJsonObject(body) ? body : {};
    let policy = (q.get('propagationPolicy') ??
      b.propagationPolicy ??
      undefined) as PropagationPolicy | undefined;
    const orphan = q.get('orphanDependents') ?? b.orphanDependents;
    if (!policy && (orphan === 'true' || orphan === true)) {
      policy = 'Orphan';
    }
    if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw errors.badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    const pre = isJsonObject(b.preconditions) ? b.preconditions : {};
    const grace =
      int(q.get('gracePeriodSeconds')) ??
      (typeof b.gracePeriodSeconds === 'number'
        ? b.gracePeriodSeconds
        : undefined);
    return {
      propagationPolicy: policy,
      gracePeriodSeconds: grace,
      preconditions: {
        uid: typeof pre.uid === 'string' ? pre.uid : undefined,
        resourceVersion:
          typeof pre.resourceVersion === 'string'
            ? pre.resourceVersion
            : undefined,
      },
      dryRun:
        q.getAll('dryRun').includes('All') ||
        (Array.isArray(b.dryRun) && b.dryRun.includes('All')),
    };
  }

  private sendList(res: ServerResponse, rr: ResourceRequest, url: URL) {
    const q = url.searchParams;
    const result = this.api.list(rr.type, {
      namespace: rr.namespace,
      labelSelector: q.get('labelSelector'),
      fieldSelector: q.get('fieldSelector'),
      limit: int(q.get('limit')),
      continue: q.get('continue'),
    });
    const apiVersion = apiVersionOf(rr.type.group, rr.version);
    const metadata: Record<string, string | number> = {
      resourceVersion: result.resourceVersion,
    };
    if (result.continue) {
      metadata.continue = result.continue;
    }
    if (result.remainingItemCount !== undefined) {
      metadata.remainingItemCount = result.remainingItemCount;
    }
    // Built-in list items carry no apiVersion/kind on the wire; custom resources do.
    const items = result.items.map(item => {
      if (rr.type.builtin) {
        const { apiVersion: _a, kind: _k, ...rest } = item;
        return JSON.stringify(rest);
      }
      return JSON.stringify(
        item.apiVersion === apiVersion ? item : { ...item, apiVersion },
      );
    });
    const head = JSON.stringify({
      kind: rr.type.listKind,
      apiVersion,
      metadata,
    });
    sendRaw(res, 200, `${head.slice(0, -1)},"items":[${items.join(',')}]}`);
  }

  private tokenRequest(
    namespace: string,
    name: string,
    body: JsonValue | undefined,
  ) {
    this.api.get(
      this.api.resolve('', 'v1', 'serviceaccounts'),
      namespace,
      name,
    );
    const spec = isJsonObject(body) && isJsonObject(body.spec) ? body.spec : {};
    const seconds =
      typeof spec.expirationSeconds === 'number'
        ? spec.expirationSeconds
        : 3600;
    const expiresAt = Date.now() + seconds * 1000;
    const token = newToken('sa');
    this.auth.add({ token, serviceAccount: { namespace, name }, expiresAt });
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: nowIso() },
      spec: {
        audiences: spec.audiences ?? [
          'https://kubernetes.default.svc.cluster.local',
        ],
        expirationSeconds: seconds,
        boundObjectRef: null,
      },
      status: {
        token,
        expirationTimestamp: new Date(expiresAt)
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      },
    };
  }
}
