import { V1PolicyRule } from '@kubernetes/client-node';

type Values = Record<string, unknown>;

function at(values: Values, path: string): unknown {
  let current: unknown = values;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Values)[key];
  }
  return current;
}

const RW = ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'];

/**
 * The rules of the Role `vc-<name>` chart 0.36.1 renders
 * (`templates/role.yaml`) for these values on a host of Kubernetes ≥ 1.35.
 * RBAC lets the installer create that Role only with permissions it holds
 * itself (escalation prevention), so the installer's Role includes them.
 */
export function chartRoleRules(values: Values): V1PolicyRule[] {
  const rules: V1PolicyRule[] = [
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
      verbs: RW,
    },
    {
      apiGroups: [''],
      resources: ['pods/status', 'pods/ephemeralcontainers', 'pods/resize'],
      verbs: ['patch', 'update'],
    },
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
      apiGroups: ['', 'events.k8s.io'],
      resources: ['events'],
      verbs: ['create', 'get', 'list', 'watch'],
    },
  ];
  if (at(values, 'sync.toHost.endpoints.enabled') !== false) {
    rules.push({
      apiGroups: [''],
      resources: ['endpoints'],
      verbs: ['create', 'delete', 'patch', 'update'],
    });
  }
  if (at(values, 'sync.toHost.endpointSlices.enabled') !== false) {
    rules.push({
      apiGroups: ['discovery.k8s.io'],
      resources: ['endpointslices'],
      verbs: RW,
    });
  }
  const replicas = at(
    values,
    'controlPlane.statefulSet.highAvailability.replicas',
  );
  if (typeof replicas === 'number' && replicas > 1) {
    rules.push({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: RW,
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
    if (at(values, path) === true) {
      rules.push({ apiGroups: [group], resources: [resource], verbs: RW });
    }
  }
  const extra = at(values, 'rbac.role.extraRules');
  if (Array.isArray(extra)) {
    rules.push(...(extra as V1PolicyRule[]));
  }
  return rules;
}

/**
 * What the install Job's ServiceAccount needs, and nothing more, in the
 * cluster's namespace: what `vcluster create` reads and writes
 * (pkg/cli/create_helm.go: the vclusters in the namespace, the namespace
 * lookup, whose Forbidden it tolerates, Helm's release Secrets, the platform
 * Service lookup) and what `helm upgrade --install` does with the chart's
 * objects (get, create, patch on upgrade), plus the chart Role's own rules.
 */
export function installerRules(values: Values): V1PolicyRule[] {
  const exposureObjects: V1PolicyRule[] = [];
  if (at(values, 'controlPlane.ingress.enabled') === true) {
    exposureObjects.push({
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses'],
      verbs: ['get', 'create', 'patch'],
    });
  }
  if (at(values, 'controlPlane.tlsRoute.enabled') === true) {
    exposureObjects.push({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['tlsroutes'],
      verbs: ['get', 'create', 'patch'],
    });
  }
  return [
    {
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['get', 'list', 'create', 'update', 'patch'],
    },
    {
      apiGroups: [''],
      resources: ['services', 'serviceaccounts'],
      verbs: ['get', 'create', 'patch'],
    },
    {
      apiGroups: ['apps'],
      resources: ['statefulsets'],
      verbs: ['get', 'list', 'create', 'patch'],
    },
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['roles', 'rolebindings'],
      verbs: ['get', 'create', 'patch'],
    },
    ...exposureObjects,
    ...chartRoleRules(values),
  ];
}
