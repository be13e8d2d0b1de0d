import { createHash } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { getPath, isJsonObject, JsonObject, JsonValue } from '../json';
import { KubeObject } from '../model';

/** The chart version the simulator installs when none is asked for. */
export const DEFAULT_CHART_VERSION = '0.36.1';
/** `controlPlane.distro.k8s.image.tag` in chart 0.36.1's values.yaml. */
export const DEFAULT_K8S_VERSION = 'v1.36.0';

export const SYNCER_IMAGE = 'ghcr.io/loft-sh/vcluster-pro';
export const KUBERNETES_IMAGE = 'ghcr.io/loft-sh/kubernetes';

export interface ChartRelease {
  name: string;
  namespace: string;
  chartVersion: string;
  values: JsonObject;
  /** Labels a post-renderer adds (Flux adds helm.toolkit.fluxcd.io/*). */
  extraLabels?: Record<string, string>;
}

/** The chart's value at `path`, or its values.yaml default. */
function value<T extends JsonValue>(
  values: JsonObject,
  path: string,
  fallback: T,
): T {
  const v = getPath(values, path);
  if (v === undefined || v === null) {
    return fallback;
  }
  return typeof v === typeof fallback ? (v as T) : fallback;
}

/** `chart/values.yaml` defaults: `controlPlane.statefulSet.resources`. */
const SYNCER_RESOURCES: JsonObject = {
  limits: { 'ephemeral-storage': '8Gi', memory: '2Gi' },
  requests: { 'ephemeral-storage': '400Mi', cpu: '200m', memory: '256Mi' },
};

/** `chart/values.yaml` defaults: `controlPlane.distro.k8s.resources` (the init container). */
const K8S_INIT_RESOURCES: JsonObject = {
  limits: { cpu: '100m', memory: '256Mi' },
  requests: { cpu: '40m', memory: '64Mi' },
};

/** Container resources at `path` over the chart's defaults, merged per key as Helm merges values. */
function valueOr(
  values: JsonObject,
  path: string,
  defaults: JsonObject,
): JsonObject {
  const given = objectAt(values, path);
  const merged: JsonObject = {};
  for (const key of new Set([
    ...Object.keys(defaults),
    ...Object.keys(given),
  ])) {
    const a = defaults[key];
    const b = given[key];
    merged[key] =
      isJsonObject(a) && isJsonObject(b) ? { ...a, ...b } : b ?? a ?? null;
  }
  return merged;
}

function objectAt(values: JsonObject, path: string): JsonObject {
  const v = getPath(values, path);
  return isJsonObject(v) ? v : {};
}

/** The init container's tag: `distro.k8s.version` when set, else `distro.k8s.image.tag` (`_init-containers.tpl`). */
export function kubernetesTagOf(values: JsonObject): string {
  return (
    value(values, 'controlPlane.distro.k8s.version', '') ||
    value(values, 'controlPlane.distro.k8s.image.tag', DEFAULT_K8S_VERSION)
  );
}

export function configDigest(chartVersion: string, values: JsonObject) {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify({ chartVersion, values }))
    .digest('hex')}`;
}

export function desiredReplicas(values: JsonObject): number {
  return value(values, 'controlPlane.statefulSet.highAvailability.replicas', 1);
}

/** The Service's type (`controlPlane.service.spec.type`, default ClusterIP). */
export function serviceTypeOf(values: JsonObject): string {
  return value(values, 'controlPlane.service.spec.type', 'ClusterIP');
}

/** Helm's install order of the kinds the chart renders (helm pkg/release/util/kind_sorter.go); unknown kinds last. */
const INSTALL_ORDER = [
  'ServiceAccount',
  'Secret',
  'Role',
  'RoleBinding',
  'Service',
  'StatefulSet',
  'Ingress',
];

export function installOrder(a: KubeObject, b: KubeObject) {
  const rank = (o: KubeObject) => {
    const i = INSTALL_ORDER.indexOf(o.kind);
    return i < 0 ? INSTALL_ORDER.length : i;
  };
  return rank(a) - rank(b);
}

/** The Role `vc-<name>` rules of chart 0.36.1 (`templates/role.yaml`) for a host of Kubernetes minor `hostMinor`. */
export function vclusterRoleRules(
  values: JsonObject,
  hostMinor: number,
): JsonObject[] {
  const rw = ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'];
  const on = (path: string, fallback: boolean) => value(values, path, fallback);
  const rules: JsonObject[] = [
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
      verbs: rw,
    },
    {
      apiGroups: [''],
      resources: ['pods/status', 'pods/ephemeralcontainers'],
      verbs: ['patch', 'update'],
    },
  ];
  if (hostMinor >= 35) {
    rules.push({
      apiGroups: [''],
      resources: ['pods/resize'],
      verbs: ['patch', 'update'],
    });
  }
  rules.push(
    {
      apiGroups: ['apps'],
      resources: ['statefulsets', 'replicasets', 'deployments'],
      verbs: ['get', 'list', 'watch', 'patch', 'update'],
    },
    {
      apiGroups: [''],
      resources: ['endpoints', 'pods/log'],
      verbs: ['get', 'list', 'watch'],
    },
    {
      apiGroups: [''],
      resources: ['events'],
      verbs: ['create', 'get', 'list', 'watch'],
    },
    {
      apiGroups: ['events.k8s.io'],
      resources: ['events'],
      verbs: ['create', 'get', 'list', 'watch'],
    },
  );
  if (on('sync.toHost.endpoints.enabled', true)) {
    rules.push({
      apiGroups: [''],
      resources: ['endpoints'],
      verbs: ['create', 'delete', 'patch', 'update'],
    });
  }
  if (on('sync.toHost.endpointSlices.enabled', true)) {
    rules.push({
      apiGroups: ['discovery.k8s.io'],
      resources: ['endpointslices'],
      verbs: ['create', 'list', 'get', 'delete', 'patch', 'update', 'watch'],
    });
  }
  if (desiredReplicas(values) > 1) {
    rules.push({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: rw,
    });
  }
  const optional: [string, string, string][] = [
    ['sync.toHost.ingresses.enabled', 'networking.k8s.io', 'ingresses'],
    [
      'sync.toHost.networkPolicies.enabled',
      'networking.k8s.io',
      'networkpolicies',
    ],
    ['sync.toHost.serviceAccounts.enabled', '', 'serviceaccounts'],
    [
      'sync.toHost.podDisruptionBudgets.enabled',
      'policy',
      'poddisruptionbudgets',
    ],
  ];
  for (const [path, group, resource] of optional) {
    if (on(path, false)) {
      rules.push({ apiGroups: [group], resources: [resource], verbs: rw });
    }
  }
  const extra = getPath(values, 'rbac.role.extraRules');
  if (Array.isArray(extra)) {
    rules.push(...extra.filter(isJsonObject));
  }
  return rules;
}

function chartLabels(rel: ChartRelease): Record<string, string> {
  return {
    app: 'vcluster',
    release: rel.name,
    chart: `vcluster-${rel.chartVersion}`,
    heritage: 'Helm',
    // Helm's install marks every object it owns (pkg/action/validate.go setMetadataVisitor).
    'app.kubernetes.io/managed-by': 'Helm',
    ...rel.extraLabels,
  };
}

/** The control-plane Service (`templates/service.yaml`). */
function service(rel: ChartRelease, meta: MetaFn): KubeObject {
  const { name, values } = rel;
  const userSpec = objectAt(values, 'controlPlane.service.spec');
  const type = serviceTypeOf(values);
  const spec: JsonObject = { ...userSpec, type };
  if (!Array.isArray(userSpec.ports)) {
    const ports: JsonObject[] = [
      {
        name: 'https',
        port: 443,
        targetPort: 8443,
        nodePort: value(values, 'controlPlane.service.httpsNodePort', 0),
        protocol: 'TCP',
      },
    ];
    if (
      value(values, 'networking.advanced.proxyKubelets.byHostname', true) &&
      type !== 'LoadBalancer'
    ) {
      ports.push({
        name: 'kubelet',
        port: 10250,
        targetPort: 8443,
        nodePort: value(values, 'controlPlane.service.kubeletNodePort', 0),
        protocol: 'TCP',
      });
    }
    spec.ports = ports;
  }
  if (!isJsonObject(userSpec.selector)) {
    spec.selector = { app: 'vcluster', release: name };
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(
      name,
      {
        'vcluster.loft.sh/service': 'true',
        ...(objectAt(values, 'controlPlane.service.labels') as Record<
          string,
          string
        >),
      },
      objectAt(values, 'controlPlane.service.annotations'),
    ),
    spec,
  };
}

/** The chart's default ingress annotations: ingress-nginx with SSL passthrough (values.yaml). */
export const INGRESS_PASSTHROUGH_ANNOTATIONS = {
  'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
  'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
  'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
};

/** `templates/ingress.yaml`, when `controlPlane.ingress.enabled`. */
function ingress(rel: ChartRelease, meta: MetaFn): KubeObject | undefined {
  const { name, values } = rel;
  if (!value(values, 'controlPlane.ingress.enabled', false)) {
    return undefined;
  }
  const userSpec = objectAt(values, 'controlPlane.ingress.spec');
  const spec: JsonObject = { tls: [], ...userSpec };
  if (!Array.isArray(userSpec.rules)) {
    spec.rules = [
      {
        host: value(values, 'controlPlane.ingress.host', 'my-host.com'),
        http: {
          paths: [
            {
              backend: { service: { name, port: { name: 'https' } } },
              path: '/',
              pathType: value(
                values,
                'controlPlane.ingress.pathType',
                'ImplementationSpecific',
              ),
            },
          ],
        },
      },
    ];
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(
      name,
      objectAt(values, 'controlPlane.ingress.labels') as Record<string, string>,
      {
        ...INGRESS_PASSTHROUGH_ANNOTATIONS,
        ...objectAt(values, 'controlPlane.ingress.annotations'),
      },
    ),
    spec,
  };
}

/** `templates/tlsroute.yaml`, when `controlPlane.tlsRoute.enabled`. */
function tlsRoute(rel: ChartRelease, meta: MetaFn): KubeObject | undefined {
  const { name, values } = rel;
  if (!value(values, 'controlPlane.tlsRoute.enabled', false)) {
    return undefined;
  }
  const userSpec = objectAt(values, 'controlPlane.tlsRoute.spec');
  const spec: JsonObject = { ...userSpec };
  const parentRefs = getPath(values, 'controlPlane.tlsRoute.parentRefs');
  if (!Array.isArray(userSpec.parentRefs) && Array.isArray(parentRefs)) {
    spec.parentRefs = parentRefs;
  }
  if (!Array.isArray(userSpec.hostnames)) {
    spec.hostnames = [
      value(values, 'controlPlane.tlsRoute.host', 'my-host.com'),
    ];
  }
  if (!Array.isArray(userSpec.rules)) {
    spec.rules = [{ backendRefs: [{ name, port: 443 }] }];
  }
  return {
    apiVersion: value(
      values,
      'controlPlane.tlsRoute.apiVersion',
      'gateway.networking.k8s.io/v1',
    ),
    kind: 'TLSRoute',
    metadata: meta(
      name,
      objectAt(values, 'controlPlane.tlsRoute.labels') as Record<
        string,
        string
      >,
      objectAt(values, 'controlPlane.tlsRoute.annotations'),
    ),
    spec,
  };
}

/** `templates/statefulset.yaml` with the k8s distro and embedded SQLite (a PVC per replica). */
function statefulSet(
  rel: ChartRelease,
  meta: MetaFn,
  configYaml: string,
): KubeObject {
  const { name, values, chartVersion } = rel;
  const selector = { app: 'vcluster', release: name };
  const syncerTag =
    value(values, 'controlPlane.statefulSet.image.tag', '') || chartVersion;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(
      name,
      objectAt(values, 'controlPlane.statefulSet.labels') as Record<
        string,
        string
      >,
      objectAt(values, 'controlPlane.statefulSet.annotations'),
    ),
    spec: {
      selector: { matchLabels: selector },
      persistentVolumeClaimRetentionPolicy: {
        whenDeleted: value(
          values,
          'controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy',
          'Retain',
        ),
      },
      serviceName: `${name}-headless`,
      podManagementPolicy: value(
        values,
        'controlPlane.statefulSet.scheduling.podManagementPolicy',
        'Parallel',
      ),
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: {
              requests: {
                storage: value(
                  values,
                  'controlPlane.statefulSet.persistence.volumeClaim.size',
                  '5Gi',
                ),
              },
            },
          },
        },
      ],
      replicas: desiredReplicas(values),
      template: {
        metadata: {
          annotations: {
            vClusterConfigHash: createHash('sha256')
              .update(configYaml)
              .digest('hex'),
          },
          labels: { ...selector },
        },
        spec: {
          terminationGracePeriodSeconds: 15,
          serviceAccountName: `vc-${name}`,
          volumes: [
            { name: 'helm-cache', emptyDir: {} },
            { name: 'binaries', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
            { name: 'certs', emptyDir: {} },
            {
              name: 'vcluster-config',
              secret: { secretName: `vc-config-${name}` },
            },
          ],
          // `_init-containers.tpl`: the Kubernetes binaries come from this image.
          initContainers: [
            {
              name: 'kubernetes',
              image: `${KUBERNETES_IMAGE}:${kubernetesTagOf(values)}`,
              volumeMounts: [{ mountPath: '/binaries', name: 'binaries' }],
              command: ['cp'],
              args: ['-r', '/kubernetes/.', '/binaries/'],
              resources: valueOr(
                values,
                'controlPlane.distro.k8s.resources',
                K8S_INIT_RESOURCES,
              ),
            },
          ],
          enableServiceLinks: true,
          containers: [
            {
              name: 'syncer',
              image: `${SYNCER_IMAGE}:${syncerTag}`,
              readinessProbe: {
                httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' },
              },
              env: [{ name: 'VCLUSTER_NAME', value: name }],
              resources: valueOr(
                values,
                'controlPlane.statefulSet.resources',
                SYNCER_RESOURCES,
              ),
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'binaries', mountPath: '/binaries' },
                { name: 'certs', mountPath: '/pki' },
                { name: 'helm-cache', mountPath: '/.cache/helm' },
                { name: 'vcluster-config', mountPath: '/var/lib/vcluster' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
        },
      },
    },
  };
}

type MetaFn = (
  objName: string,
  extraLabels?: Record<string, string>,
  extraAnnotations?: JsonObject,
) => KubeObject['metadata'];

/**
 * The objects `helm install` of the vcluster chart 0.36.1 creates with the k8s
 * distro and embedded SQLite (StatefulSet mode), in Helm's install order, on a
 * host of Kubernetes minor `hostMinor`.
 */
export function renderChart(
  rel: ChartRelease,
  hostMinor: number,
): KubeObject[] {
  const { name, namespace, values } = rel;
  const labels = chartLabels(rel);
  const meta: MetaFn = (objName, extraLabels = {}, extraAnnotations = {}) => ({
    name: objName,
    namespace,
    labels: { ...labels, ...extraLabels },
    annotations: {
      ...(extraAnnotations as Record<string, string>),
      'meta.helm.sh/release-name': name,
      'meta.helm.sh/release-namespace': namespace,
    },
  });
  const configYaml = toYaml(values);
  const objects: (KubeObject | undefined)[] = [
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
      rules: vclusterRoleRules(values, hostMinor),
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
    service(rel, meta),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${name}-headless`),
      spec: {
        publishNotReadyAddresses: true,
        ports: [
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ],
        clusterIP: 'None',
        selector: { app: 'vcluster', release: name },
      },
    },
    statefulSet(rel, meta, configYaml),
    ingress(rel, meta),
    tlsRoute(rel, meta),
  ];
  return objects
    .filter((o): o is KubeObject => o !== undefined)
    .sort(installOrder);
}
