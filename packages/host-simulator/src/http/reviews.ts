import { Authenticator, TokenGrant } from '../auth';
import { errors } from '../errors';
import { isJsonObject, JsonObject, JsonValue } from '../json';
import { nowIso } from '../model';

/**
 * The review resources that are answered, not stored (`kubectl auth can-i`,
 * `auth can-i --list`, `auth whoami`), evaluated with the authorizer that
 * guards every request of the cluster.
 */
export const REVIEW_RESOURCES = {
  'authorization.k8s.io/selfsubjectaccessreviews': 'SelfSubjectAccessReview',
  'authorization.k8s.io/selfsubjectrulesreviews': 'SelfSubjectRulesReview',
  'authentication.k8s.io/selfsubjectreviews': 'SelfSubjectReview',
} as const;

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function specOf(body: JsonValue | undefined): JsonObject {
  return isJsonObject(body) && isJsonObject(body.spec) ? body.spec : {};
}

/** The groups a grant's user is in, as the authenticator reports them. */
function groupsOf(grant: TokenGrant): string[] {
  if (grant.serviceAccount) {
    return [
      'system:serviceaccounts',
      `system:serviceaccounts:${grant.serviceAccount.namespace}`,
      'system:authenticated',
    ];
  }
  return grant.namespaces || grant.verbs
    ? ['system:authenticated']
    : ['system:masters', 'system:authenticated'];
}

export function review(
  auth: Authenticator,
  grant: TokenGrant,
  typeKey: string,
  apiVersion: string,
  body: JsonValue | undefined,
): JsonObject {
  const kind = REVIEW_RESOURCES[typeKey as keyof typeof REVIEW_RESOURCES];
  const spec = specOf(body);
  const metadata = { creationTimestamp: nowIso() };
  switch (kind) {
    case 'SelfSubjectAccessReview': {
      const attrs = isJsonObject(spec.resourceAttributes)
        ? spec.resourceAttributes
        : undefined;
      const nonResource = isJsonObject(spec.nonResourceAttributes)
        ? spec.nonResourceAttributes
        : undefined;
      if (!attrs && !nonResource) {
        throw errors.invalid(
          kind,
          'authorization.k8s.io',
          '',
          'spec.resourceAttributes',
          'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
        );
      }
      // Non-resource URLs are not modelled: only full-access tokens reach them.
      const allowed = attrs
        ? auth.allows(grant, {
            verb: str(attrs.verb) ?? '',
            group: str(attrs.group) ?? '',
            resource: str(attrs.resource) ?? '',
            subresource: str(attrs.subresource),
            namespace: str(attrs.namespace),
            name: str(attrs.name),
          })
        : groupsOf(grant).includes('system:masters');
      return {
        kind,
        apiVersion,
        metadata,
        spec,
        status: { allowed, ...(allowed ? {} : { reason: '' }) },
      };
    }
    case 'SelfSubjectRulesReview': {
      const namespace = str(spec.namespace);
      if (!namespace) {
        throw errors.invalid(
          kind,
          'authorization.k8s.io',
          '',
          'spec.namespace',
          'Required value',
        );
      }
      const master = groupsOf(grant).includes('system:masters');
      return {
        kind,
        apiVersion,
        metadata,
        spec,
        status: {
          resourceRules: auth.rulesFor(grant, namespace).map(rule => ({
            verbs: rule.verbs ?? [],
            apiGroups: rule.apiGroups ?? [],
            resources: rule.resources ?? [],
            ...(rule.resourceNames
              ? { resourceNames: rule.resourceNames }
              : {}),
          })),
          nonResourceRules: master
            ? [{ verbs: ['*'], nonResourceURLs: ['*'] }]
            : [],
          incomplete: false,
        },
      };
    }
    case 'SelfSubjectReview':
      return {
        kind,
        apiVersion,
        metadata,
        status: {
          userInfo: {
            username: auth.userOf(grant),
            groups: groupsOf(grant),
          },
        },
      };
    default:
      throw errors.methodNotAllowed(
        'the server does not allow this method on the requested resource',
      );
  }
}
