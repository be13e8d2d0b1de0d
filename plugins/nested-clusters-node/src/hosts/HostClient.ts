import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  Configuration,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  HttpMethod,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  RequestContext,
  ServerConfiguration,
  Watch,
} from '@kubernetes/client-node';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { HostConfig } from '../config';

/** Identifies one object on a host, enough to read, patch or delete it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * The host's KubeConfig with a fixed Accept header: client-node's Watch and
 * generated APIs take no headers, but both ask the KubeConfig to authenticate
 * each request last, after setting their own Accept.
 */
class AcceptingKubeConfig extends KubeConfig {
  constructor(
    private readonly base: KubeConfig,
    private readonly accept: string,
  ) {
    super();
  }

  override getCurrentCluster() {
    return this.base.getCurrentCluster();
  }

  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    await this.base.applySecurityAuthentication(context);
    context.setHeaderParam('Accept', this.accept);
  }
}

/**
 * The Kubernetes API of one host cluster, through @kubernetes/client-node.
 * Errors leave it as Backstage errors whose messages name the host and the
 * object, never credentials or response headers.
 */
export class HostClient {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly custom: CustomObjectsApi;
  readonly objects: KubernetesObjectApi;
  readonly watch: Watch;
  /**
   * Metadata-only watches, as controllers use them for objects whose content
   * they do not need: events carry PartialObjectMetadata (kube-apiserver's
   * endpoints/handlers/response.go). Same connection pool and credentials.
   */
  readonly metadataWatch: Watch;
  /** client-node's HTTP stack without a generated API, for lists read as plain JSON. */
  private readonly http: Configuration;

  constructor(readonly host: HostConfig) {
    this.kubeConfig = buildKubeConfig(host);
    this.http = createConfiguration({
      baseServer: new ServerConfiguration(
        this.kubeConfig.getCurrentCluster()!.server,
        {},
      ),
      authMethods: { default: this.kubeConfig },
    });
    this.core = this.kubeConfig.makeApiClient(CoreV1Api);
    this.apps = this.kubeConfig.makeApiClient(AppsV1Api);
    this.batch = this.kubeConfig.makeApiClient(BatchV1Api);
    this.custom = this.kubeConfig.makeApiClient(CustomObjectsApi);
    this.objects = KubernetesObjectApi.makeApiClient(this.kubeConfig);
    this.watch = new Watch(this.kubeConfig);
    this.metadataWatch = new Watch(
      new AcceptingKubeConfig(
        this.kubeConfig,
        `application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`,
      ),
    );
  }

  /**
   * One page of a LIST as plain JSON. The generated APIs turn every object
   * into typed model instances, which at a cold start costs the backend more
   * CPU than parsing the JSON; the cache keeps a few fields of each object and
   * reads them from the JSON. Same credentials, TLS and connection pool as
   * every other call (client-node's own Watch sends its requests this way).
   */
  async listJson(
    path: string,
    params: {
      labelSelector?: string;
      fieldSelector?: string;
      limit: number;
      continueToken?: string;
    },
    accept = 'application/json',
  ): Promise<unknown> {
    const request = this.http.baseServer.makeRequestContext(
      path,
      HttpMethod.GET,
    );
    const query: Record<string, string | undefined> = {
      labelSelector: params.labelSelector || undefined,
      fieldSelector: params.fieldSelector,
      limit: String(params.limit),
      continue: params.continueToken,
    };
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        request.setQueryParam(key, value);
      }
    }
    request.setHeaderParam('Accept', accept);
    await this.http.authMethods.default?.applySecurityAuthentication(request);
    const response = await this.http.httpApi.send(request).toPromise();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(
        response.httpStatusCode,
        `Unsuccessful HTTP request: LIST ${path}`,
        await response.getBodyAsAny(),
        response.headers,
      );
    }
    return JSON.parse(await response.body.text());
  }

  async create<T extends KubernetesObject>(object: T): Promise<T> {
    return this.call(describe(object), () => this.objects.create(object));
  }

  /** Merge-patches an object (the patch the vcluster CLI uses). */
  async mergePatch(ref: ObjectRef, patch: object): Promise<KubernetesObject> {
    const { metadata, ...rest } = patch as { metadata?: object };
    const spec = toSpec(ref);
    return this.call(describe(ref), () =>
      this.objects.patch(
        { ...rest, ...spec, metadata: { ...metadata, ...spec.metadata } },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
  }

  /** Deletes an object; returns false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.call(describe(ref), () =>
        this.objects.delete(
          toSpec(ref),
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) {
        return false;
      }
      throw error;
    }
  }

  /** Deletes the pods of a namespace that match a label selector. */
  async deletePods(namespace: string, labelSelector: string): Promise<void> {
    await this.call(`pods ${labelSelector} in ${namespace}`, () =>
      this.core.deleteCollectionNamespacedPod({ namespace, labelSelector }),
    );
  }

  async readStatefulSet(namespace: string, name: string) {
    return this.call(`StatefulSet ${namespace}/${name}`, () =>
      this.apps.readNamespacedStatefulSet({ name, namespace }),
    );
  }

  /** Reads one key of a Secret, decoded. */
  async readSecretKey(
    namespace: string,
    name: string,
    key: string,
  ): Promise<string | undefined> {
    const secret = await this.call(`Secret ${namespace}/${name}`, () =>
      this.core.readNamespacedSecret({ name, namespace }),
    );
    const value = secret.data?.[key];
    return value === undefined
      ? undefined
      : Buffer.from(value, 'base64').toString('utf8');
  }

  /** Runs a host call and turns its failure into a clean Backstage error. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toHostError(this.host.name, what, error);
    }
  }
}

function toSpec(ref: ObjectRef): KubernetesObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

function describe(object: ObjectRef | KubernetesObject): string {
  const { name, namespace } =
    'metadata' in object
      ? { name: object.metadata?.name, namespace: object.metadata?.namespace }
      : (object as ObjectRef);
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The system error code of a failed connection (ECONNREFUSED, ...), if any. */
function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message of a Kubernetes Status body, parsed or still text. */
function statusMessage(body: unknown): string | undefined {
  let status = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (status as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** The Status message of a failed API call, without headers or request details. */
export function describeHostError(error: unknown): string {
  if (error instanceof ApiException) {
    const message = statusMessage(error.body);
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') {
      return `HTTP ${status}`;
    }
    const code = networkCode(error);
    return code && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}

export function toHostError(host: string, what: string, error: unknown): Error {
  const message = `${what} on host "${host}": ${describeHostError(error)}`;
  if (error instanceof ApiException) {
    if (error.code === 404) {
      return new NotFoundError(message);
    }
    if (error.code === 409) {
      return new ConflictError(message);
    }
    if (error.code >= 500 || error.code === 429) {
      return new ServiceUnavailableError(message);
    }
    return new Error(message);
  }
  if (networkCode(error)) {
    return new ServiceUnavailableError(
      `host "${host}" is unreachable (${what}): ${describeHostError(error)}`,
    );
  }
  return new Error(message);
}

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

/**
 * client-node 2.0 builds a new undici Agent for every API call, so no
 * connection is ever reused: each call pays a TLS handshake and leaves an idle
 * connection open until the host's keep-alive ends (10,000 of them after a
 * cold start with 10,000 clusters). One Agent per host pools connections.
 */
class PooledKubeConfig extends KubeConfig {
  private dispatcher: Dispatcher;

  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    await super.applySecurityAuthentication(context);
    const created = context.getDispatcher();
    if (created) {
      this.dispatcher ??= created;
      context.setDispatcher(this.dispatcher);
    }
  }
}

function buildKubeConfig(host: HostConfig): KubeConfig {
  const kc = new PooledKubeConfig();
  const { auth } = host;
  if (auth.type === 'kubeconfig') {
    kc.loadFromFile(auth.path);
    if (auth.context) {
      kc.setCurrentContext(auth.context);
    }
  } else if (auth.type === 'inCluster') {
    kc.loadFromCluster();
  } else {
    kc.loadFromOptions({
      clusters: [
        {
          name: host.name,
          server: host.url,
          caData: auth.caData ? toBase64Pem(auth.caData) : undefined,
          caFile: auth.caFile,
          skipTLSVerify: auth.skipTLSVerify ?? false,
        },
      ],
      users: [{ name: host.name, token: auth.token }],
      contexts: [{ name: host.name, cluster: host.name, user: host.name }],
      currentContext: host.name,
    });
  }
  return kc;
}

/** client-node expects caData base64-encoded; accept a plain PEM too. */
function toBase64Pem(caData: string): string {
  return caData.includes('-----BEGIN')
    ? Buffer.from(caData, 'utf8').toString('base64')
    : caData;
}
