import { randomBytes } from 'node:crypto';
import { errors, qualified } from './errors';
import { isJsonObject } from './json';
import { KubeObject } from './model';
import { Store } from './store';

/** A bearer token the simulator accepts. */
export interface TokenGrant {
  token: string;
  /** Username reported in 403 messages; defaults to a name derived from the grant. */
  user?: string;
  /** Limit the token to these namespaces (namespaced requests, and the Namespace objects themselves). */
  namespaces?: string[];
  /** Limit the token to these verbs (get, list, watch, create, update, patch, delete, deletecollection). */
  verbs?: string[];
  /**
   * A ServiceAccount token: authorized by the cluster's RBAC objects instead.
   * With a uid (TokenRequest), it is bound to that ServiceAccount object.
   */
  serviceAccount?: { namespace: string; name: string; uid?: string };
  /** Unix ms after which the token is refused. */
  expiresAt?: number;
  /** The TokenRequest's audiences; the API server accepts the token only for its own. */
  audiences?: string[];
}

/**
 * The API server's own audience: `--api-audiences` defaults to the
 * `--service-account-issuer`, which is this for the Kubernetes distros vcluster runs.
 */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export function newToken(prefix: string) {
  return `${prefix}-${randomBytes(24).toString('base64url')}`;
}

function ruleAllows(rule: PolicyRule, attrs: RequestAttributes) {
  const resource = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  const names = rule.resourceNames ?? [];
  return (
    (verbs.includes('*') || verbs.includes(attrs.verb)) &&
    (groups.includes('*') || groups.includes(attrs.group)) &&
    (resources.includes('*') ||
      resources.includes(resource) ||
      (attrs.subresource !== undefined &&
        resources.includes(`${attrs.resource}/*`))) &&
    (names.length === 0 ||
      (attrs.name !== undefined && names.includes(attrs.name)))
  );
}

function rulesOf(role: KubeObject | undefined): PolicyRule[] {
  const rules = role?.rules;
  return Array.isArray(rules)
    ? (rules.filter(isJsonObject) as PolicyRule[])
    : [];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A rule as `ConfirmNoEscalation` prints it (rbac PolicyRule.CompactString). */
function describeRule(
  group: string,
  resource: string,
  verbs: string[],
  name?: string,
) {
  const q = (items: string[]) => `[${items.map(i => `"${i}"`).join(' ')}]`;
  return `{APIGroups:${q([group])}, Resources:${q([resource])}${
    name ? `, ResourceNames:${q([name])}` : ''
  }, Verbs:${q(verbs)}}`;
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** Bearer-token authentication and authorization for one cluster. */
export class Authenticator {
  private readonly grants = new Map<string, TokenGrant>();

  /** `now` is the server's clock (faults can set it ahead of the machine's). */
  constructor(
    private readonly store: Store,
    readonly now: () => number = Date.now,
  ) {}

  add(grant: TokenGrant) {
    // Expired TokenRequest tokens are forgotten as new ones arrive.
    const now = this.now();
    for (const [token, g] of this.grants) {
      if (g.expiresAt !== undefined && g.expiresAt < now) {
        this.grants.delete(token);
      }
    }
    this.grants.set(grant.token, grant);
  }

  all(): TokenGrant[] {
    return [...this.grants.values()];
  }

  authenticate(header: string | undefined): TokenGrant {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const grant = match ? this.grants.get(match[1]) : undefined;
    if (
      !grant ||
      (grant.expiresAt !== undefined && grant.expiresAt < this.now()) ||
      (grant.audiences !== undefined &&
        !grant.audiences.includes(API_AUDIENCE)) ||
      !this.boundObjectExists(grant)
    ) {
      throw errors.unauthorized();
    }
    return grant;
  }

  /**
   * A bound token is valid only while its ServiceAccount exists with the uid
   * it was issued for (kubernetes pkg/serviceaccount/claims.go, Validate):
   * deleting the ServiceAccount revokes its tokens, and so does recreating it.
   */
  private boundObjectExists(grant: TokenGrant) {
    const sa = grant.serviceAccount;
    if (!sa?.uid) {
      return true;
    }
    const current = this.store.get('/serviceaccounts', sa.namespace, sa.name);
    if (current?.metadata.uid === sa.uid) {
      return true;
    }
    this.grants.delete(grant.token);
    return false;
  }

  userOf(grant: TokenGrant) {
    if (grant.serviceAccount) {
      return `system:serviceaccount:${grant.serviceAccount.namespace}:${grant.serviceAccount.name}`;
    }
    return grant.user ?? 'admin';
  }

  /** Throws a 403 Status like the real RBAC authorizer when the grant does not allow the request. */
  authorize(grant: TokenGrant, attrs: RequestAttributes) {
    if (this.allows(grant, attrs)) {
      return;
    }
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource;
    const subject = attrs.name
      ? `${qualified(attrs.resource, attrs.group)} "${attrs.name}"`
      : qualified(attrs.resource, attrs.group);
    const scope = attrs.namespace
      ? `in the namespace "${attrs.namespace}"`
      : 'at the cluster scope';
    throw errors.forbidden(
      `${subject} is forbidden: User "${this.userOf(grant)}" cannot ${
        attrs.verb
      } resource "${resource}" in API group "${attrs.group}" ${scope}`,
      { name: attrs.name, group: attrs.group, kind: attrs.resource },
    );
  }

  /**
   * RBAC's escalation prevention (kubernetes pkg/registry/rbac/escalation_check.go
   * and validation.ConfirmNoEscalation): a ServiceAccount may write a Role only
   * with permissions it holds itself (or with `escalate`), and a binding only to
   * a role whose permissions it holds (or may `bind`).
   */
  authorizeGrant(
    grant: TokenGrant,
    resource: string,
    obj: KubeObject,
    namespace?: string,
  ) {
    if (!grant.serviceAccount) {
      return;
    }
    let rules: PolicyRule[];
    if (resource === 'roles' || resource === 'clusterroles') {
      const attrs = {
        verb: 'escalate',
        group: RBAC_GROUP,
        resource,
        namespace,
      };
      if (this.allows(grant, { ...attrs, name: obj.metadata.name })) {
        return;
      }
      rules = rulesOf(obj);
    } else if (
      resource === 'rolebindings' ||
      resource === 'clusterrolebindings'
    ) {
      const ref = isJsonObject(obj.roleRef) ? obj.roleRef : {};
      const roleResource =
        ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
      const roleName = String(ref.name ?? '');
      if (
        this.allows(grant, {
          verb: 'bind',
          group: RBAC_GROUP,
          resource: roleResource,
          namespace,
          name: roleName,
        })
      ) {
        return;
      }
      const role = this.store.get(
        `${RBAC_GROUP}/${roleResource}`,
        roleResource === 'roles' ? namespace : undefined,
        roleName,
      );
      if (!role) {
        throw errors.notFound(roleResource, RBAC_GROUP, roleName);
      }
      rules = rulesOf(role);
    } else {
      return;
    }
    const missing = new Map<string, string[]>();
    for (const rule of rules) {
      const names = strings(rule.resourceNames);
      for (const group of strings(rule.apiGroups)) {
        for (const res of strings(rule.resources)) {
          const [base, sub] = res.split('/');
          for (const name of names.length > 0 ? names : [undefined]) {
            for (const verb of strings(rule.verbs)) {
              const held = this.allows(grant, {
                verb,
                group,
                resource: base,
                subresource: sub,
                namespace,
                name,
              });
              if (!held) {
                const key = JSON.stringify([group, res, name]);
                missing.set(key, [...(missing.get(key) ?? []), verb]);
              }
            }
          }
        }
      }
    }
    if (missing.size === 0) {
      return;
    }
    const sa = grant.serviceAccount;
    const groups = [
      'system:serviceaccounts',
      `system:serviceaccounts:${sa.namespace}`,
      'system:authenticated',
    ];
    const lines = [...missing].map(([key, verbs]) => {
      const [group, res, name] = JSON.parse(key) as [string, string, string?];
      return describeRule(group, res, verbs, name ?? undefined);
    });
    throw errors.forbidden(
      `${qualified(resource, RBAC_GROUP)} "${
        obj.metadata.name
      }" is forbidden: user "${this.userOf(grant)}" (groups=[${groups
        .map(g => `"${g}"`)
        .join(
          ' ',
        )}]) is attempting to grant RBAC permissions not currently held:\n${lines.join(
        '\n',
      )}`,
      { name: obj.metadata.name, group: RBAC_GROUP, kind: resource },
    );
  }

  /** Whether the grant allows the request (SelfSubjectAccessReview). */
  allows(grant: TokenGrant, attrs: RequestAttributes): boolean {
    if (grant.serviceAccount) {
      return this.rbacAllows(grant.serviceAccount, attrs);
    }
    if (grant.verbs && !grant.verbs.includes(attrs.verb)) {
      return false;
    }
    if (grant.namespaces) {
      if (attrs.namespace) {
        return grant.namespaces.includes(attrs.namespace);
      }
      return (
        attrs.group === '' &&
        attrs.resource === 'namespaces' &&
        attrs.name !== undefined &&
        grant.namespaces.includes(attrs.name)
      );
    }
    return true;
  }

  /** The resource rules the grant has in a namespace (SelfSubjectRulesReview). */
  rulesFor(grant: TokenGrant, namespace: string): PolicyRule[] {
    if (grant.serviceAccount) {
      return this.boundRoles(grant.serviceAccount, namespace).flatMap(rulesOf);
    }
    const verbs = grant.verbs ?? ['*'];
    if (!grant.namespaces) {
      return [{ verbs, apiGroups: ['*'], resources: ['*'] }];
    }
    if (grant.namespaces.includes(namespace)) {
      return [
        { verbs, apiGroups: ['*'], resources: ['*'] },
        {
          verbs,
          apiGroups: [''],
          resources: ['namespaces'],
          resourceNames: [namespace],
        },
      ];
    }
    return [];
  }

  private rbacAllows(
    sa: { namespace: string; name: string },
    attrs: RequestAttributes,
  ) {
    return this.boundRoles(sa, attrs.namespace).some(role =>
      rulesOf(role).some(rule => ruleAllows(rule, attrs)),
    );
  }

  /** The Roles and ClusterRoles bound to a ServiceAccount, cluster-wide and in `namespace`. */
  private boundRoles(
    sa: { namespace: string; name: string },
    namespace: string | undefined,
  ): KubeObject[] {
    const subjectMatches = (subjects: unknown) =>
      Array.isArray(subjects) &&
      subjects.filter(isJsonObject).some(raw => {
        const s = raw as Subject;
        if (s.kind === 'ServiceAccount') {
          return s.name === sa.name && s.namespace === sa.namespace;
        }
        if (s.kind === 'Group') {
          return [
            'system:serviceaccounts',
            `system:serviceaccounts:${sa.namespace}`,
            'system:authenticated',
          ].includes(s.name ?? '');
        }
        return false;
      });
    const roles: KubeObject[] = [];
    const roleRefOf = (binding: KubeObject) =>
      isJsonObject(binding.roleRef) ? binding.roleRef : {};
    for (const binding of this.store.list(
      'rbac.authorization.k8s.io/clusterrolebindings',
    )) {
      if (subjectMatches(binding.subjects)) {
        const ref = roleRefOf(binding);
        const role = this.store.get(
          'rbac.authorization.k8s.io/clusterroles',
          undefined,
          String(ref.name),
        );
        if (role) roles.push(role);
      }
    }
    if (!namespace) {
      return roles;
    }
    for (const binding of this.store.list(
      'rbac.authorization.k8s.io/rolebindings',
      namespace,
    )) {
      if (subjectMatches(binding.subjects)) {
        const ref = roleRefOf(binding);
        const role =
          ref.kind === 'ClusterRole'
            ? this.store.get(
                'rbac.authorization.k8s.io/clusterroles',
                undefined,
                String(ref.name),
              )
            : this.store.get(
                'rbac.authorization.k8s.io/roles',
                namespace,
                String(ref.name),
              );
        if (role) roles.push(role);
      }
    }
    return roles;
  }
}
