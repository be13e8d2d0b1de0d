import { isJsonObject } from './json';
import { KubeObject } from './model';

/** A served resource type. Objects of all versions of a type share one storage. */
export interface ResourceType {
  group: string;
  /** Served versions, the preferred (storage) one first. */
  versions: string[];
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  statusSubresource: boolean;
  /** Built-in types omit apiVersion/kind on list items, like the real API server. */
  builtin: boolean;
  /** Extra subresources served besides `status`, e.g. `token` on serviceaccounts. */
  subresources?: string[];
  /** The verbs served, when not all of them (the review types are create-only). */
  verbs?: string[];
}

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export function typeKey(group: string, resource: string) {
  return `${group}/${resource}`;
}

export function apiVersionOf(group: string, version: string) {
  return group ? `${group}/${version}` : version;
}

interface BuiltinSpec {
  kind: string;
  resource?: string;
  namespaced?: boolean;
  status?: boolean;
  shortNames?: string[];
  subresources?: string[];
  verbs?: string[];
  /** Older versions also served (kubectl 1.20's generators use batch/v1beta1 and policy/v1beta1). */
  olderVersions?: string[];
}

const SCALE = ['scale'];
/** Streaming pod subresources: served, answered with a clear error (no containers run). */
const POD_SUBRESOURCES = ['log', 'exec', 'attach', 'portforward'];

const BUILTINS: { group: string; version: string; types: BuiltinSpec[] }[] = [
  {
    group: '',
    version: 'v1',
    types: [
      {
        kind: 'Namespace',
        namespaced: false,
        status: true,
        shortNames: ['ns'],
        subresources: ['finalize'],
      },
      { kind: 'Secret' },
      { kind: 'ConfigMap', shortNames: ['cm'] },
      { kind: 'Service', status: true, shortNames: ['svc'] },
      {
        kind: 'ServiceAccount',
        shortNames: ['sa'],
        subresources: ['token'],
      },
      {
        kind: 'Pod',
        status: true,
        shortNames: ['po'],
        subresources: POD_SUBRESOURCES,
      },
      { kind: 'Event', shortNames: ['ev'] },
      {
        kind: 'PersistentVolumeClaim',
        status: true,
        shortNames: ['pvc'],
      },
      {
        kind: 'PersistentVolume',
        namespaced: false,
        status: true,
        shortNames: ['pv'],
      },
      { kind: 'Node', namespaced: false, status: true, shortNames: ['no'] },
      { kind: 'Endpoints', resource: 'endpoints', shortNames: ['ep'] },
      { kind: 'ResourceQuota', status: true, shortNames: ['quota'] },
      { kind: 'LimitRange', shortNames: ['limits'] },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    types: [
      {
        kind: 'StatefulSet',
        status: true,
        shortNames: ['sts'],
        subresources: SCALE,
      },
      {
        kind: 'Deployment',
        status: true,
        shortNames: ['deploy'],
        subresources: SCALE,
      },
      {
        kind: 'ReplicaSet',
        status: true,
        shortNames: ['rs'],
        subresources: SCALE,
      },
      { kind: 'DaemonSet', status: true, shortNames: ['ds'] },
    ],
  },
  {
    group: 'batch',
    version: 'v1',
    types: [
      { kind: 'Job', status: true },
      {
        kind: 'CronJob',
        status: true,
        shortNames: ['cj'],
        olderVersions: ['v1beta1'],
      },
    ],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    types: [
      { kind: 'HorizontalPodAutoscaler', status: true, shortNames: ['hpa'] },
    ],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    types: [
      { kind: 'Role' },
      { kind: 'RoleBinding' },
      { kind: 'ClusterRole', namespaced: false },
      { kind: 'ClusterRoleBinding', namespaced: false },
    ],
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    types: [
      {
        kind: 'CustomResourceDefinition',
        namespaced: false,
        status: true,
        shortNames: ['crd', 'crds'],
      },
    ],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    types: [
      { kind: 'Ingress', status: true, shortNames: ['ing'] },
      { kind: 'IngressClass', namespaced: false },
      { kind: 'NetworkPolicy', shortNames: ['netpol'] },
    ],
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    types: [{ kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }],
  },
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    types: [{ kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }],
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    types: [{ kind: 'Lease' }],
  },
  {
    group: 'policy',
    version: 'v1',
    types: [
      {
        kind: 'PodDisruptionBudget',
        status: true,
        shortNames: ['pdb'],
        olderVersions: ['v1beta1'],
      },
    ],
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    types: [
      {
        kind: 'SelfSubjectAccessReview',
        namespaced: false,
        verbs: ['create'],
      },
      { kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] },
    ],
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    types: [
      { kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] },
    ],
  },
];

function pluralize(kind: string) {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) {
    return `${lower}es`;
  }
  if (lower.endsWith('y')) {
    return `${lower.slice(0, -1)}ies`;
  }
  return `${lower}s`;
}

/** Served resource types: built-ins plus the CRDs registered in the cluster. */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();

  constructor() {
    for (const { group, version, types } of BUILTINS) {
      for (const spec of types) {
        this.add({
          group,
          versions: [version, ...(spec.olderVersions ?? [])],
          kind: spec.kind,
          resource: spec.resource ?? pluralize(spec.kind),
          singular: spec.kind.toLowerCase(),
          listKind: `${spec.kind}List`,
          namespaced: spec.namespaced ?? true,
          shortNames: spec.shortNames,
          statusSubresource: spec.status ?? false,
          builtin: true,
          subresources: spec.subresources,
          verbs: spec.verbs,
        });
      }
    }
  }

  add(type: ResourceType) {
    this.types.set(typeKey(type.group, type.resource), type);
  }

  remove(group: string, resource: string) {
    this.types.delete(typeKey(group, resource));
  }

  /** Finds a type served at group/version under its plural name. */
  lookup(group: string, version: string, resource: string) {
    const type = this.types.get(typeKey(group, resource));
    return type && type.versions.includes(version) ? type : undefined;
  }

  byKey(key: string) {
    return this.types.get(key);
  }

  byKind(apiVersion: string, kind: string) {
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/')
      : ['', apiVersion];
    for (const type of this.types.values()) {
      if (
        type.group === group &&
        type.kind === kind &&
        type.versions.includes(version)
      ) {
        return type;
      }
    }
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** group → versions, preferred first, for /apis. */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.types.values()) {
      if (!type.group) {
        continue;
      }
      const versions = groups.get(type.group) ?? [];
      for (const v of type.versions) {
        if (!versions.includes(v)) {
          versions.push(v);
        }
      }
      groups.set(type.group, versions);
    }
    return groups;
  }

  /** Registers the types of a CustomResourceDefinition object. Returns the type or an error text. */
  registerCrd(crd: KubeObject): ResourceType | string {
    const spec = crd.spec;
    if (!isJsonObject(spec) || !isJsonObject(spec.names)) {
      return 'spec.names is required';
    }
    const names = spec.names;
    const group = typeof spec.group === 'string' ? spec.group : '';
    const plural = typeof names.plural === 'string' ? names.plural : '';
    const kind = typeof names.kind === 'string' ? names.kind : '';
    if (!group || !plural || !kind) {
      return 'spec.group, spec.names.plural and spec.names.kind are required';
    }
    if (crd.metadata.name !== `${plural}.${group}`) {
      return `metadata.name must be spec.names.plural+"."+spec.group`;
    }
    const versions = Array.isArray(spec.versions)
      ? spec.versions.filter(isJsonObject)
      : [];
    const served = versions.filter(v => v.served !== false);
    if (served.length === 0) {
      return 'spec.versions must have at least one served version';
    }
    const storage = served.find(v => v.storage === true) ?? served[0];
    const ordered = [storage, ...served.filter(v => v !== storage)];
    const type: ResourceType = {
      group,
      versions: ordered.map(v => String(v.name)),
      resource: plural,
      singular:
        typeof names.singular === 'string'
          ? names.singular
          : kind.toLowerCase(),
      kind,
      listKind:
        typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
      namespaced: spec.scope !== 'Cluster',
      shortNames: Array.isArray(names.shortNames)
        ? names.shortNames.map(String)
        : undefined,
      statusSubresource: ordered.some(
        v =>
          isJsonObject(v.subresources) && v.subresources.status !== undefined,
      ),
      builtin: false,
    };
    this.add(type);
    return type;
  }
}
