import { ApiError, errors } from '../errors';
import {
  ALL_VERBS,
  apiVersionOf,
  ResourceRegistry,
  ResourceType,
} from '../registry';
import { openApiV3 } from './openapi';

const SUBRESOURCE_VERBS: Record<string, string[]> = {
  token: ['create'],
  log: ['get'],
  finalize: ['update'],
  scale: ['get', 'patch', 'update'],
  exec: ['create', 'get'],
  attach: ['create', 'get'],
  portforward: ['create', 'get'],
};

/** The kind (and group/version when not the parent's) a subresource serves. */
const SUBRESOURCE_KINDS: Record<
  string,
  { kind: string; group?: string; version?: string }
> = {
  token: {
    kind: 'TokenRequest',
    group: 'authentication.k8s.io',
    version: 'v1',
  },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1' },
  exec: { kind: 'PodExecOptions' },
  attach: { kind: 'PodAttachOptions' },
  portforward: { kind: 'PodPortForwardOptions' },
};

/**
 * The discovery documents (`/api`, `/apis`, group and group/version resource lists)
 * and the OpenAPI documents, or undefined when `path` is not one of them.
 */
export function discoveryResponse(
  registry: ResourceRegistry,
  gitVersion: string,
  path: string,
  accept: string | undefined,
): object | undefined {
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' },
      ],
    };
  }
  if (path === '/apis') {
    const groups = [...registry.groups()].map(([name, versions]) => ({
      name,
      versions: versions.map(v => ({
        groupVersion: `${name}/${v}`,
        version: v,
      })),
      preferredVersion: {
        groupVersion: `${name}/${versions[0]}`,
        version: versions[0],
      },
    }));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
  if (groupMatch) {
    const versions = registry.groups().get(groupMatch[1]);
    if (!versions) {
      throw errors.notFound('', '', path);
    }
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: groupMatch[1],
      versions: versions.map(v => ({
        groupVersion: `${groupMatch[1]}/${v}`,
        version: v,
      })),
      preferredVersion: {
        groupVersion: `${groupMatch[1]}/${versions[0]}`,
        version: versions[0],
      },
    };
  }
  const gvMatch = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (gvMatch) {
    const group = gvMatch[2] ?? '';
    const version = gvMatch[1] ?? gvMatch[3];
    const types = registry
      .all()
      .filter(t => t.group === group && t.versions.includes(version));
    if (types.length === 0) {
      throw errors.notFound('', '', path);
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf(group, version),
      resources: types.flatMap(t => discoveryEntries(t)),
    };
  }
  if (path === '/openapi/v2') {
    // Only JSON: a client asking for the protobuf encoding alone gets 406 (and falls back).
    if (!/application\/json|\*\/\*/.test(accept ?? '*/*')) {
      throw new ApiError(
        406,
        'NotAcceptable',
        `only the following media types are accepted: application/json`,
      );
    }
    return {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: gitVersion },
      paths: {},
      definitions: {},
    };
  }
  if (path === '/openapi/v3') {
    const paths: Record<string, { serverRelativeURL: string }> = {
      'api/v1': { serverRelativeURL: '/openapi/v3/api/v1' },
    };
    for (const [group, versions] of registry.groups()) {
      for (const v of versions) {
        paths[`apis/${group}/${v}`] = {
          serverRelativeURL: `/openapi/v3/apis/${group}/${v}`,
        };
      }
    }
    return { paths };
  }
  const v3 = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (v3) {
    const group = v3[2] ?? '';
    const version = v3[1] ?? v3[3];
    const types = registry
      .all()
      .filter(t => t.group === group && t.versions.includes(version));
    if (types.length === 0) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    return openApiV3(types, group, version, gitVersion);
  }
  return undefined;
}

function discoveryEntries(t: ResourceType) {
  const verbs = t.verbs ?? ALL_VERBS;
  const entries: Record<string, unknown>[] = [
    {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    },
  ];
  if (t.statusSubresource) {
    entries.push({
      name: `${t.resource}/status`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  for (const sub of t.subresources ?? []) {
    const { kind, group, version } = SUBRESOURCE_KINDS[sub] ?? {
      kind: t.kind,
    };
    entries.push({
      name: `${t.resource}/${sub}`,
      singularName: '',
      namespaced: t.namespaced,
      kind,
      ...(group ? { group, version } : {}),
      verbs: SUBRESOURCE_VERBS[sub] ?? ['update'],
    });
  }
  return entries;
}
