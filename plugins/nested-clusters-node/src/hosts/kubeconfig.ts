import { parse, stringify } from 'yaml';

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
 * the exposure's, TLS stays verified against the CA it carries, and the cluster, user and context are all named
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
  // TLS is verified against the CA the syncer wrote, never skipped.
  const { 'insecure-skip-tls-verify': _insecure, ...verified } =
    cluster.cluster;
  if (!verified['certificate-authority-data']) {
    throw new Error('the kubeconfig secret has no certificate authority');
  }
  const name = options.contextName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { ...verified, server: options.server } }],
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
