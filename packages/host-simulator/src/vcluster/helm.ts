import { gzipSync, gunzipSync } from 'node:zlib';
import { stringify as toYaml } from 'yaml';
import { RequestAttributes } from '../auth';
import { ControllerContext } from '../controllers/context';
import { field } from '../controllers/kinds';
import { ApiError } from '../errors';
import { deepEqual, isJsonObject, JsonObject } from '../json';
import { KubeObject, nowIso } from '../model';
import { ResourceType } from '../registry';
import {
  ChartRelease,
  DEFAULT_CHART_VERSION,
  desiredReplicas,
  renderChart,
} from './chart';

export type ReleaseStatus =
  | 'deployed'
  | 'failed'
  | 'superseded'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade';

interface HelmReleaseRecord {
  name: string;
  namespace: string;
  version: number;
  info: {
    status: ReleaseStatus;
    first_deployed: string;
    last_deployed: string;
    description: string;
  };
  chart: { metadata: { name: string; version: string; appVersion: string } };
  config: JsonObject;
  manifest: string;
}

/**
 * Whose credentials helm's requests carry. The installer controllers (Flux,
 * CAPI) act as cluster-admin; the vcluster CLI Job acts with its pod's
 * ServiceAccount, so each request is authorized as the API server would.
 */
export type Authorize = (attrs: RequestAttributes, body?: KubeObject) => void;

export const AS_CONTROLLER: Authorize = () => {};

/** A helm command that failed; `message` is what helm prints after `Error: `. */
export class HelmError extends Error {}

function releaseSecretName(name: string, version: number) {
  return `sh.helm.release.v1.${name}.v${version}`;
}

function encodeRelease(record: HelmReleaseRecord) {
  // Helm stores base64(gzip(json)); the API server base64-encodes Secret data once more.
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(record))).toString(
    'base64',
  );
  return Buffer.from(helmEncoded).toString('base64');
}

export function decodeRelease(
  secret: KubeObject,
): HelmReleaseRecord | undefined {
  const data = field(secret, 'data').release;
  if (typeof data !== 'string') {
    return undefined;
  }
  try {
    const helmEncoded = Buffer.from(data, 'base64').toString();
    return JSON.parse(
      gunzipSync(Buffer.from(helmEncoded, 'base64')).toString(),
    ) as HelmReleaseRecord;
  } catch {
    return undefined;
  }
}

function releaseSecrets(
  ctx: ControllerContext,
  name: string,
  namespace: string,
) {
  return ctx.store
    .list(ctx.api.key(ctx.kinds.secret), namespace)
    .filter(
      s =>
        s.metadata.labels?.owner === 'helm' && s.metadata.labels?.name === name,
    )
    .sort(
      (a, b) =>
        Number(b.metadata.labels?.version) - Number(a.metadata.labels?.version),
    );
}

/** The latest release record of `name`, if any. */
export function latestRelease(
  ctx: ControllerContext,
  name: string,
  namespace: string,
) {
  const [latest] = releaseSecrets(ctx, name, namespace);
  return latest ? decodeRelease(latest) : undefined;
}

function hostMinor(ctx: ControllerContext) {
  return Number(/^v?\d+\.(\d+)/.exec(ctx.kubernetesVersion)?.[1] ?? 0);
}

/** The attributes of a request on `obj`, as the API server's authorizer sees them. */
function attrsOf(
  type: ResourceType,
  verb: string,
  namespace: string,
  name?: string,
): RequestAttributes {
  return {
    verb,
    group: type.group,
    resource: type.resource,
    namespace: type.namespaced ? namespace : undefined,
    name,
  };
}

/** Helm's secrets storage driver (pkg/storage/driver/secrets.go): create or update a release record. */
function writeRelease(
  ctx: ControllerContext,
  record: HelmReleaseRecord,
  authorize: Authorize,
) {
  const { api, kinds } = ctx;
  const name = releaseSecretName(record.name, record.version);
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: record.namespace,
      labels: {
        name: record.name,
        owner: 'helm',
        status: record.info.status,
        version: String(record.version),
      },
    },
    type: 'helm.sh/release.v1',
    data: { release: encodeRelease(record) },
  };
  const existing = api.tryGet(kinds.secret, record.namespace, name);
  const verb = existing ? 'update' : 'create';
  try {
    authorize(attrsOf(kinds.secret, verb, record.namespace, name));
  } catch (error) {
    throw new HelmError(
      `${verb}: failed to ${verb}: ${(error as Error).message}`,
    );
  }
  if (existing) {
    api.update(kinds.secret, record.namespace, name, {
      ...secret,
      metadata: { ...secret.metadata, resourceVersion: undefined },
    });
  } else {
    api.create(kinds.secret, record.namespace, secret);
  }
}

function describe(obj: KubeObject, namespace: string) {
  return `${obj.kind} "${obj.metadata.name}" in namespace "${namespace}"`;
}

export interface InstallOptions {
  /** The release ends `failed` (an install whose resources never became ready). */
  status?: 'deployed' | 'failed';
  authorize?: Authorize;
}

/**
 * `helm upgrade --install` (helm pkg/action/install.go, upgrade.go): records a
 * pending revision, creates or patches the chart's objects, and marks the
 * revision `deployed` (or `failed`). A repeat with identical chart version and
 * values changes nothing, like helm-controller skipping an unchanged release.
 * Every request goes through `authorize`; a refused one fails the release with
 * the API server's message, as helm reports it.
 */
export function installChart(
  ctx: ControllerContext,
  rel: ChartRelease,
  options: InstallOptions = {},
) {
  const { api, kinds } = ctx;
  const status = options.status ?? 'deployed';
  const authorize = options.authorize ?? AS_CONTROLLER;
  const ns = rel.namespace;
  try {
    authorize(attrsOf(kinds.secret, 'list', ns));
  } catch (error) {
    throw new HelmError(
      `query: failed to query with labels: ${(error as Error).message}`,
    );
  }
  const previous = latestRelease(ctx, rel.name, ns);
  if (
    previous &&
    previous.info.status === status &&
    previous.chart.metadata.version === rel.chartVersion &&
    deepEqual(previous.config, rel.values)
  ) {
    return previous;
  }
  const objects = renderChart(rel, hostMinor(ctx));
  const typeOf = (o: KubeObject) => {
    try {
      return api.typeOf(o.apiVersion, o.kind);
    } catch {
      throw new HelmError(
        `unable to build kubernetes objects from release manifest: resource mapping not found for name: "${o.metadata.name}" namespace: "${ns}" from "": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first`,
      );
    }
  };
  const types = objects.map(typeOf);
  // The chart's `lookup` of a platform Service (templates/service.yaml).
  authorize(attrsOf(kinds.service, 'get', ns, 'loft'));
  const upgrade = previous !== undefined;
  if (!upgrade) {
    // Refuses to take over objects another release owns (pkg/action/validate.go).
    objects.forEach((obj, i) => {
      try {
        authorize(attrsOf(types[i], 'get', ns, obj.metadata.name));
      } catch (error) {
        throw new HelmError(
          `Unable to continue with install: could not get information about the resource ${describe(
            obj,
            ns,
          )}: ${(error as Error).message}`,
        );
      }
    });
  }
  const now = nowIso();
  const record: HelmReleaseRecord = {
    name: rel.name,
    namespace: ns,
    version: (previous?.version ?? 0) + 1,
    info: {
      status: upgrade ? 'pending-upgrade' : 'pending-install',
      first_deployed: previous?.info.first_deployed ?? now,
      last_deployed: now,
      description: upgrade ? 'Preparing upgrade' : 'Initial install underway',
    },
    chart: {
      metadata: {
        name: 'vcluster',
        version: rel.chartVersion,
        appVersion: rel.chartVersion,
      },
    },
    config: rel.values,
    manifest: objects.map(o => `---\n${toYaml(o)}`).join(''),
  };
  writeRelease(ctx, record, authorize);
  try {
    objects.forEach((obj, i) => {
      const type = types[i];
      const name = obj.metadata.name!;
      const existing = api.tryGet(type, ns, name);
      if (!existing) {
        authorize(attrsOf(type, 'create', ns), obj);
        api.create(type, ns, obj);
        return;
      }
      authorize(attrsOf(type, 'patch', ns, name), obj);
      if (obj.kind === 'StatefulSet' && previous) {
        // helm's three-way merge: replicas go back to the chart's value only when the chart's value changed.
        const spec = field(obj, 'spec');
        if (desiredReplicas(previous.config) === desiredReplicas(rel.values)) {
          spec.replicas =
            field(existing, 'spec').replicas ?? desiredReplicas(rel.values);
        }
      }
      if (obj.kind === 'Service') {
        // Allocated fields the chart leaves unset stay (the API server keeps a nodePort of 0 as allocated).
        field(obj, 'spec').clusterIP =
          field(existing, 'spec').clusterIP ?? null;
      }
      api.update(type, ns, name, {
        ...obj,
        metadata: {
          ...obj.metadata,
          annotations: {
            ...existing.metadata.annotations,
            ...obj.metadata.annotations,
          },
        },
        status: existing.status,
      });
    });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    writeRelease(
      ctx,
      {
        ...record,
        info: {
          ...record.info,
          status: 'failed',
          description: `Release "${rel.name}" failed: ${error.message}`,
        },
      },
      authorize,
    );
    throw new HelmError(error.message);
  }
  if (previous) {
    // Objects of the previous revision the new one no longer renders (an ingress switched off).
    const kept = new Set(objects.map(o => `${o.kind}/${o.metadata.name}`));
    deleteObjects(
      ctx,
      renderChart(
        {
          ...rel,
          chartVersion: previous.chart.metadata.version,
          values: previous.config,
        },
        hostMinor(ctx),
      ).filter(o => !kept.has(`${o.kind}/${o.metadata.name}`)),
      ns,
    );
  }
  if (previous && previous.info.status === 'deployed') {
    writeRelease(
      ctx,
      { ...previous, info: { ...previous.info, status: 'superseded' } },
      authorize,
    );
  }
  const done: HelmReleaseRecord = {
    ...record,
    info: {
      ...record.info,
      status,
      description:
        status === 'failed'
          ? 'Release failed: context deadline exceeded'
          : `${upgrade ? 'Upgrade' : 'Install'} complete`,
    },
  };
  writeRelease(ctx, done, authorize);
  return done;
}

function deleteObjects(
  ctx: ControllerContext,
  objects: KubeObject[],
  namespace: string,
) {
  for (const obj of objects) {
    const type = ctx.api.registry.byKind(obj.apiVersion, obj.kind);
    if (type && ctx.api.tryGet(type, namespace, obj.metadata.name!)) {
      ctx.api.delete(type, namespace, obj.metadata.name!);
    }
  }
}

/** `helm uninstall`: deletes the release's objects and its release secrets; PVCs stay (retention Retain). */
export function uninstallChart(
  ctx: ControllerContext,
  name: string,
  namespace: string,
) {
  const previous = latestRelease(ctx, name, namespace);
  const rel: ChartRelease = {
    name,
    namespace,
    chartVersion: previous?.chart.metadata.version ?? DEFAULT_CHART_VERSION,
    values: previous?.config ?? {},
  };
  deleteObjects(ctx, renderChart(rel, hostMinor(ctx)).reverse(), namespace);
  for (const secret of releaseSecrets(ctx, name, namespace)) {
    ctx.api.delete(ctx.kinds.secret, namespace, secret.metadata.name);
  }
}

/** Parses a vcluster.yaml fragment that arrives as a YAML string. */
export function valuesFromYaml(
  text: unknown,
  parse: (s: string) => unknown,
): JsonObject {
  if (typeof text !== 'string' || text.trim() === '') {
    return {};
  }
  const parsed = parse(text);
  return isJsonObject(parsed) ? parsed : {};
}
