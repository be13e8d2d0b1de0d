import { parse, stringify } from 'yaml';
import { HostConfig } from '../config';

interface KubeconfigDocument {
  clusters?: Array<{ name?: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name?: string; user?: Record<string, unknown> }>;
  contexts?: Array<{
    name?: string;
    context?: { cluster?: string; user?: string; namespace?: string };
  }>;
  'current-context'?: string;
}

/**
 * Rewrites the kubeconfig an installer left on the host: the server becomes
 * the host's exposure URL, and the cluster, user and context are all named
 * `<host>-<name>` so several nested clusters can share one kubeconfig file.
 * Throws without echoing the input, which holds credentials.
 */
export function rewriteKubeconfig(
  source: string,
  options: { contextName: string; server: string },
): string {
  let doc: KubeconfigDocument;
  try {
    doc = parse(source) as KubeconfigDocument;
  } catch {
    throw new Error('the kubeconfig secret is not valid YAML');
  }
  const context =
    doc.contexts?.find(c => c.name === doc['current-context']) ??
    doc.contexts?.[0];
  const cluster =
    doc.clusters?.find(c => c.name === context?.context?.cluster) ??
    doc.clusters?.[0];
  const user =
    doc.users?.find(u => u.name === context?.context?.user) ?? doc.users?.[0];
  if (!cluster?.cluster || !user?.user) {
    throw new Error('the kubeconfig secret has no cluster or user');
  }
  const name = options.contextName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { ...cluster.cluster, server: options.server } },
    ],
    users: [{ name, user: user.user }],
    contexts: [
      {
        name,
        context: {
          cluster: name,
          user: name,
          ...(context?.context?.namespace
            ? { namespace: context.context.namespace }
            : {}),
        },
      },
    ],
    'current-context': name,
    preferences: {},
  });
}

/** The URL users reach a nested cluster's API server at, from the host's exposure. */
export function exposureUrl(
  host: HostConfig,
  name: string,
  namespace: string,
): string {
  return host.exposure.pattern
    .replaceAll('{name}', name)
    .replaceAll('{namespace}', namespace);
}
