import { PolicyRule } from '../auth';

/**
 * The default user-facing ClusterRoles of a new API server, as kubernetes'
 * RBAC bootstrap policy defines them
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, rendered in its
 * testdata/cluster-roles.yaml). `admin`, `edit` and `view` are aggregated:
 * their rules come from the ClusterRoles carrying their aggregate-to label,
 * filled in by the aggregation controller (controllers/clusterRoleAggregation).
 */

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

const rule = (
  apiGroups: string[],
  resources: string[],
  verbs: string[],
): PolicyRule => ({ apiGroups, resources, verbs });

export const AGGREGATE_LABEL = (role: 'admin' | 'edit' | 'view') =>
  `rbac.authorization.k8s.io/aggregate-to-${role}`;

interface BootstrapClusterRole {
  name: string;
  labels?: Record<string, string>;
  /** Aggregated from ClusterRoles with these labels set to "true". */
  aggregateFrom?: string;
  rules: PolicyRule[];
}

const AGGREGATE_TO_VIEW: PolicyRule[] = [
  rule(
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
    READ,
  ),
  rule(
    [''],
    [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
    READ,
  ),
  rule([''], ['namespaces'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(
    ['apps'],
    [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
    READ,
  ),
  rule(
    ['autoscaling'],
    ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
    READ,
  ),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
  rule(
    ['extensions'],
    [
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'ingresses',
      'ingresses/status',
      'networkpolicies',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'replicationcontrollers/scale',
    ],
    READ,
  ),
  rule(
    ['policy'],
    ['poddisruptionbudgets', 'poddisruptionbudgets/status'],
    READ,
  ),
  rule(
    ['networking.k8s.io'],
    ['ingresses', 'ingresses/status', 'networkpolicies'],
    READ,
  ),
];

const AGGREGATE_TO_EDIT: PolicyRule[] = [
  rule(
    [''],
    [
      'pods/attach',
      'pods/exec',
      'pods/portforward',
      'pods/proxy',
      'secrets',
      'services/proxy',
    ],
    READ,
  ),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule(
    [''],
    ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
    WRITE,
  ),
  rule([''], ['pods/eviction'], ['create']),
  rule(
    [''],
    [
      'configmaps',
      'events',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
    WRITE,
  ),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
    WRITE,
  ),
  rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
  rule(['batch'], ['cronjobs', 'jobs'], WRITE),
  rule(
    ['extensions'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'ingresses',
      'networkpolicies',
      'replicasets',
      'replicasets/scale',
      'replicationcontrollers/scale',
    ],
    WRITE,
  ),
  rule(['policy'], ['poddisruptionbudgets'], WRITE),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
  rule(['coordination.k8s.io'], ['leases'], READ_WRITE),
];

const AGGREGATE_TO_ADMIN: PolicyRule[] = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], READ_WRITE),
];

export const BOOTSTRAP_CLUSTER_ROLES: BootstrapClusterRole[] = [
  {
    name: 'cluster-admin',
    rules: [
      rule(['*'], ['*'], ['*']),
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  },
  { name: 'admin', aggregateFrom: AGGREGATE_LABEL('admin'), rules: [] },
  {
    name: 'edit',
    labels: { [AGGREGATE_LABEL('admin')]: 'true' },
    aggregateFrom: AGGREGATE_LABEL('edit'),
    rules: [],
  },
  {
    name: 'view',
    labels: { [AGGREGATE_LABEL('edit')]: 'true' },
    aggregateFrom: AGGREGATE_LABEL('view'),
    rules: [],
  },
  {
    name: 'system:aggregate-to-admin',
    labels: { [AGGREGATE_LABEL('admin')]: 'true' },
    rules: AGGREGATE_TO_ADMIN,
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { [AGGREGATE_LABEL('edit')]: 'true' },
    rules: AGGREGATE_TO_EDIT,
  },
  {
    name: 'system:aggregate-to-view',
    labels: { [AGGREGATE_LABEL('view')]: 'true' },
    rules: AGGREGATE_TO_VIEW,
  },
];

/** The ClusterRole objects to create at bootstrap. */
export function bootstrapClusterRoles() {
  return BOOTSTRAP_CLUSTER_ROLES.map(role => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name: role.name,
      labels: {
        'kubernetes.io/bootstrapping': 'rbac-defaults',
        ...role.labels,
      },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    ...(role.aggregateFrom
      ? {
          aggregationRule: {
            clusterRoleSelectors: [
              { matchLabels: { [role.aggregateFrom]: 'true' } },
            ],
          },
        }
      : {}),
    rules: role.rules,
  }));
}
