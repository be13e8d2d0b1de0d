import { createHash } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { stringify as toYaml } from 'yaml';
import { ControllerContext } from '../controllers/context';
import { field, upsert } from '../controllers/kinds';
import { deepEqual, getPath, isJsonObject, JsonObject } from '../json';
import { KubeObject, nowIso } from '../model';

export const DEFAULT_CHART_VERSION = '0.36.1';
export const DEFAULT_K8S_VERSION = 'v1.35.0';

export interface ChartRelease {
  name: string;
  namespace: string;
  chartVersion: string;
  values: JsonObject;
  /** Labels a post-renderer adds (Flux adds helm.toolkit.fluxcd.io/*). */
  extraLabels?: Record<string, string>;
}

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

export function kubernetesVersionOf(values: JsonObject): string {
  const v =
    getPath(values, 'controlPlane.distro.k8s.version') ??
    getPath(values, 'controlPlane.distro.k8s.image.tag');
  if (typeof v !== 'string' || !v) {
    return DEFAULT_K8S_VERSION;
  }
  return v.startsWith('v') ? v : `v${v}`;
}

export function configDigest(chartVersion: string, values: JsonObject) {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify({ chartVersion, values }))
    .digest('hex')}`;
}

export function desiredReplicas(values: JsonObject): number {
  const r = getPath(
    values,
    'controlPlane.statefulSet.highAvailability.replicas',
  );
  return typeof r === 'number' ? r : 1;
}

function chartLabels(rel: ChartRelease): Record<string, string> {
  return {
    app: 'vcluster',
    release: rel.name,
    chart: `vcluster-${rel.chartVersion}`,
    heritage: 'Helm',
    'app.kubernetes.io/managed-by': 'Helm',
    ...rel.extraLabels,
  };
}

function helmAnnotations(rel: ChartRelease) {
  return {
    'meta.helm.sh/release-name': rel.name,
    'meta.helm.sh/release-namespace': rel.namespace,
  };
}

/** The objects `helm install` of the vcluster chart creates (StatefulSet mode, default values). */
export function renderChart(rel: ChartRelease): KubeObject[] {
  const { name, namespace, values } = rel;
  const labels = chartLabels(rel);
  const annotations = helmAnnotations(rel);
  const meta = (objName: string, extra: Record<string, string> = {}) => ({
    name: objName,
    namespace,
    labels: { ...labels, ...extra },
    annotations,
  });
  const selector = { app: 'vcluster', release: name };
  const k8sVersion = kubernetesVersionOf(values);
  const serviceType = getPath(values, 'controlPlane.service.spec.type');
  const storage = getPath(
    values,
    'controlPlane.statefulSet.persistence.volumeClaim.size',
  );
  const configYaml = toYaml(values);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`vc-${name}`) },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(`vc-workload-${name}`),
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(`vc-config-${name}`),
      type: 'Opaque',
      data: { 'config.yaml': Buffer.from(configYaml).toString('base64') },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`vc-${name}`),
      rules: [
        {
          apiGroups: [''],
          resources: [
            'configmaps',
            'secrets',
            'services',
            'pods',
            'pods/attach',
            'pods/portforward',
            'pods/exec',
            'persistentvolumeclaims',
          ],
          verbs: [
            'create',
            'delete',
            'patch',
            'update',
            'get',
            'list',
            'watch',
          ],
        },
        {
          apiGroups: [''],
          resources: ['endpoints', 'events', 'pods/log'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: ['apps'],
          resources: ['statefulsets', 'replicasets', 'deployments'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`vc-${name}`),
      subjects: [{ kind: 'ServiceAccount', name: `vc-${name}`, namespace }],
      roleRef: {
        kind: 'Role',
        name: `vc-${name}`,
        apiGroup: 'rbac.authorization.k8s.io',
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, { 'vcluster.loft.sh/service': 'true' }),
      spec: {
        type: typeof serviceType === 'string' ? serviceType : 'ClusterIP',
        ports: [
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
          { name: 'kubelet', port: 10250, targetPort: 8443, protocol: 'TCP' },
        ],
        selector,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${name}-headless`),
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        ports: [
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ],
        selector,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(name),
      spec: {
        serviceName: `${name}-headless`,
        replicas: desiredReplicas(values),
        podManagementPolicy: 'Parallel',
        persistentVolumeClaimRetentionPolicy: {
          whenDeleted: 'Retain',
          whenScaled: 'Retain',
        },
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...selector },
            annotations: {
              vClusterConfigHash: createHash('sha256')
                .update(configYaml)
                .digest('hex'),
            },
          },
          spec: {
            serviceAccountName: `vc-${name}`,
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: 'syncer',
                image: `ghcr.io/loft-sh/kubernetes:${k8sVersion}`,
                ports: [
                  { name: 'https', containerPort: 8443, protocol: 'TCP' },
                ],
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' },
                },
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: {
                requests: {
                  storage: typeof storage === 'string' ? storage : '5Gi',
                },
              },
            },
          },
        ],
      },
    },
  ];
}

function releaseDescription(status: ReleaseStatus, upgrade: boolean) {
  if (status === 'failed') {
    return 'Release failed: context deadline exceeded';
  }
  return upgrade ? 'Upgrade complete' : 'Install complete';
}

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

function writeRelease(ctx: ControllerContext, record: HelmReleaseRecord) {
  const labels = {
    name: record.name,
    owner: 'helm',
    status: record.info.status,
    version: String(record.version),
  };
  upsert(ctx.api, ctx.kinds.secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: releaseSecretName(record.name, record.version),
      namespace: record.namespace,
      labels,
    },
    type: 'helm.sh/release.v1',
    data: { release: encodeRelease(record) },
  });
}

/**
 * `helm upgrade --install`: applies the chart's objects and records a release
 * revision (status `deployed`, or `failed`). A repeat with identical chart
 * version and values changes nothing, like a no-op upgrade.
 */
export function installChart(
  ctx: ControllerContext,
  rel: ChartRelease,
  status: 'deployed' | 'failed' = 'deployed',
) {
  const previous = latestRelease(ctx, rel.name, rel.namespace);
  if (
    previous &&
    previous.info.status === status &&
    previous.chart.metadata.version === rel.chartVersion &&
    deepEqual(previous.config, rel.values)
  ) {
    return previous;
  }
  const objects = renderChart(rel);
  const typeOf = (o: KubeObject) => ctx.api.typeOf(o.apiVersion, o.kind);
  for (const obj of objects) {
    const existing = ctx.api.tryGet(
      typeOf(obj),
      rel.namespace,
      obj.metadata.name!,
    );
    if (existing && obj.kind === 'StatefulSet' && previous) {
      // helm's three-way merge: replicas go back to the chart's value only when the chart's value changed.
      const oldReplicas = desiredReplicas(previous.config);
      const newReplicas = desiredReplicas(rel.values);
      const spec = field(obj, 'spec');
      if (oldReplicas === newReplicas) {
        spec.replicas = field(existing, 'spec').replicas ?? newReplicas;
      }
      obj.metadata.annotations = {
        ...existing.metadata.annotations,
        ...obj.metadata.annotations,
      };
    }
    upsert(ctx.api, typeOf(obj), obj);
  }
  const now = nowIso();
  const version = (previous?.version ?? 0) + 1;
  if (previous && previous.info.status === 'deployed') {
    writeRelease(ctx, {
      ...previous,
      info: { ...previous.info, status: 'superseded' },
    });
  }
  const record: HelmReleaseRecord = {
    name: rel.name,
    namespace: rel.namespace,
    version,
    info: {
      status,
      first_deployed: previous?.info.first_deployed ?? now,
      last_deployed: now,
      description: releaseDescription(status, previous !== undefined),
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
  writeRelease(ctx, record);
  return record;
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
  for (const obj of renderChart(rel)) {
    const type = ctx.api.typeOf(obj.apiVersion, obj.kind);
    if (ctx.api.tryGet(type, namespace, obj.metadata.name!)) {
      ctx.api.delete(type, namespace, obj.metadata.name!);
    }
  }
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
