import { IncomingMessage, ServerResponse } from 'node:http';
import { ClusterApi, DeleteOptions, PropagationPolicy } from '../api';
import { Authenticator, RequestAttributes, TokenGrant } from '../auth';
import { ApiError, errors } from '../errors';
import { FaultController } from '../faults';
import { managerOf } from '../managedFields';
import { isJsonObject, JsonValue } from '../json';
import { KubeObject } from '../model';
import { applyPatch, patchTypeOf } from '../patch';
import { apiVersionOf } from '../registry';
import {
  parseBody,
  readBody,
  responseFormat,
  sendError,
  sendJson,
  sendObject,
  sendRaw,
  WireFormat,
} from './body';
import { discoveryResponse } from './discovery';
import { validateFields } from './fieldValidation';
import { PROTOBUF } from './protobuf';
import {
  asPartialObjectMetadata,
  asPartialObjectMetadataList,
  MetadataTarget,
  metadataTarget,
} from './partialMetadata';
import { podLog } from './podLog';
import { queryBool, queryInt } from './query';
import { present, ResourceRequest } from './resource';
import { REVIEW_RESOURCES, review } from './reviews';
import { readScale, writeScale } from './scale';
import { TableConvertor } from './table';
import { tokenRequest } from './tokenRequest';
import { streamWatch, WatchConnection } from './watch';

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
/** Pod subresources that stream from the container runtime (SPDY/WebSocket upgrades). */
const STREAMING_SUBRESOURCES = ['exec', 'attach', 'portforward'];

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

  /** Handles a request for `path` of this cluster's API. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    url: URL,
  ) {
    let format: WireFormat = 'json';
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
      format = responseFormat(req.headers.accept);
      // A metadata-only answer (as=PartialObjectMetadata[List]) is JSON.
      const target = metadataTarget(req.headers.accept);
      if (target) {
        format = 'json';
      }
      const rr = this.parseResourcePath(path);
      const watch =
        queryBool(url.searchParams, 'watch') || path.includes('/watch/');
      const verb = verbOf(req.method ?? 'GET', rr.name !== undefined, watch);
      if (rr.type.verbs && !rr.type.verbs.includes(verb)) {
        throw errors.methodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
      }
      const attrs: RequestAttributes = {
        verb,
        group: rr.type.group,
        resource: rr.type.resource,
        subresource: rr.subresource,
        namespace: rr.namespace,
        name: rr.name,
      };
      const body = parseBody(await readBody(req), req.headers['content-type']);
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
      const typeKey = this.api.key(rr.type);
      if (typeKey in REVIEW_RESOURCES) {
        // The bootstrap ClusterRole system:basic-user lets every authenticated user create these.
        sendObject(
          res,
          201,
          review(
            this.auth,
            grant,
            typeKey,
            apiVersionOf(rr.type.group, rr.version),
            body,
          ),
          format,
        );
        return;
      }
      this.auth.authorize(grant, attrs);
      if (
        (verb === 'create' || verb === 'update') &&
        !rr.subresource &&
        isJsonObject(body)
      ) {
        // RBAC's escalation prevention on Roles and bindings.
        this.auth.authorizeGrant(
          grant,
          rr.type.resource,
          body as unknown as KubeObject,
          rr.namespace,
        );
      }
      await this.injectFaults(verb);
      await this.dispatch(req, res, url, rr, verb, body, format, target);
    } catch (error) {
      sendError(res, error, format);
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
    format: WireFormat,
    target: MetadataTarget | undefined,
  ) {
    const q = url.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    const { type, namespace, name } = rr;
    const obj = body as unknown as KubeObject;
    const send = (code: number, value: unknown) =>
      sendObject(res, code, value, format);
    // Who writes, for metadata.managedFields.
    const writer = {
      fieldManager: managerOf(
        q.get('fieldManager') ?? undefined,
        req.headers['user-agent'],
      ),
      apiVersion: apiVersionOf(type.group, rr.version),
    };
    if (STREAMING_SUBRESOURCES.includes(rr.subresource ?? '')) {
      // Like a kubelet that cannot reach the container: kubectl prints this at once.
      this.api.get(type, namespace, name!);
      throw errors.badRequest(
        `unable to upgrade connection: ${rr.subresource} is not available: the host simulator's containers are simulated and run no processes`,
      );
    }
    if (rr.subresource === 'scale') {
      this.scale(verb, rr, req, body, dryRun, send);
      return;
    }
    if (
      ['create', 'update', 'patch'].includes(verb) &&
      !rr.subresource?.match(/^(token|log)$/) &&
      !(req.headers['content-type'] ?? '').startsWith(PROTOBUF)
    ) {
      // Protobuf bodies cannot carry unknown fields: the decoder drops them.
      validateFields(
        res,
        q,
        type,
        rr.version,
        body,
        verb === 'patch' ? patchTypeOf(req.headers['content-type']) : undefined,
      );
    }
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
        if (target?.kind === 'Table') {
          const found = this.api.get(type, namespace, name!);
          send(
            200,
            new TableConvertor(this.api, rr, target, q).table([found], {
              resourceVersion: found.metadata.resourceVersion,
            }),
          );
          return;
        }
        send(
          200,
          target
            ? asPartialObjectMetadata(
                this.api.get(type, namespace, name!),
                target,
                type.kind,
              )
            : present(rr, this.api.get(type, namespace, name!)),
        );
        return;
      case 'list':
        this.sendList(res, rr, url, format, target);
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
          format,
          target,
        );
        return;
      case 'create':
        if (rr.subresource === 'token' && name) {
          send(201, tokenRequest(this.api, this.auth, namespace!, name, body));
          return;
        }
        if (name) {
          throw errors.methodNotAllowed(
            'the server does not allow this method on the requested resource',
          );
        }
        send(
          201,
          present(
            rr,
            this.api.create(type, namespace, obj, { dryRun, ...writer }),
          ),
        );
        return;
      case 'update': {
        const sub = rr.subresource === 'status' ? 'status' : undefined;
        const updated = this.api.update(type, namespace, name!, obj, {
          dryRun,
          subresource: sub,
          ...writer,
        });
        send(200, present(rr, updated));
        return;
      }
      case 'patch': {
        const patchType = patchTypeOf(req.headers['content-type']);
        if (patchType === 'apply' && !q.get('fieldManager')) {
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
            ...writer,
            force: queryBool(q, 'force'),
            subresource: rr.subresource === 'status' ? 'status' : undefined,
          },
        );
        send(existed ? 200 : 201, present(rr, patched));
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
          send(200, {
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
          send(200, present(rr, result.object));
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
        send(200, {
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

  /** The `scale` subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets. */
  private scale(
    verb: string,
    rr: ResourceRequest,
    req: IncomingMessage,
    body: JsonValue | undefined,
    dryRun: boolean,
    send: (code: number, value: unknown) => void,
  ) {
    const { type, namespace, name } = rr;
    const current = readScale(this.api.get(type, namespace, name!));
    if (verb === 'get') {
      send(200, current);
      return;
    }
    let desired: JsonValue | undefined = body;
    if (verb === 'patch') {
      desired = applyPatch(
        patchTypeOf(req.headers['content-type']),
        current as unknown as JsonValue,
        body ?? null,
      );
    } else if (verb !== 'update') {
      throw errors.methodNotAllowed(
        'the server does not allow this method on the requested resource',
      );
    }
    send(200, writeScale(this.api, type, namespace, name!, desired, dryRun));
  }

  private deleteOptions(
    q: URLSearchParams,
    body: JsonValue | undefined,
  ): DeleteOptions {
    const b = isJsonObject(body) ? body : {};
    let policy = (q.get('propagationPolicy') ??
      b.propagationPolicy ??
      undefined) as PropagationPolicy | undefined;
    const orphan = q.has('orphanDependents')
      ? queryBool(q, 'orphanDependents')
      : b.orphanDependents === true;
    if (!policy && orphan) {
      policy = 'Orphan';
    }
    if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw errors.badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    const pre = isJsonObject(b.preconditions) ? b.preconditions : {};
    const grace =
      queryInt(q, 'gracePeriodSeconds') ??
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

  private sendList(
    res: ServerResponse,
    rr: ResourceRequest,
    url: URL,
    format: WireFormat,
    target: MetadataTarget | undefined,
  ) {
    const q = url.searchParams;
    const result = this.api.list(rr.type, {
      namespace: rr.namespace,
      labelSelector: q.get('labelSelector'),
      fieldSelector: q.get('fieldSelector'),
      limit: queryInt(q, 'limit'),
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
    if (target?.kind === 'Table') {
      sendJson(
        res,
        200,
        new TableConvertor(this.api, rr, target, q).table(
          result.items,
          metadata,
        ),
      );
      return;
    }
    if (target) {
      sendJson(
        res,
        200,
        asPartialObjectMetadataList(
          result.items,
          metadata,
          target,
          rr.type.listKind,
        ),
      );
      return;
    }
    if (format === 'protobuf') {
      sendObject(
        res,
        200,
        {
          kind: rr.type.listKind,
          apiVersion,
          metadata,
          items: result.items.map(item => present(rr, item)),
        },
        format,
      );
      return;
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
}
