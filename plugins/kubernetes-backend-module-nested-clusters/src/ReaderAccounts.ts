import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  RbacAuthorizationV1Api,
  V1ClusterRole,
} from '@kubernetes/client-node';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import pLimit from 'p-limit';
import {
  adminKubeConfig,
  createOrKeep,
  describeHostError,
} from '@nested-clusters/plugin-nested-clusters-node';

/** The read-only ServiceAccount created inside every nested cluster. */
export const READER_ACCOUNT = {
  namespace: 'kube-system',
  name: 'backstage-reader',
} as const;

/** What the Kubernetes plugin reads (its default object types, events, logs); never secrets. */
export const READER_RULES: V1ClusterRole['rules'] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'services',
      'configmaps',
      'limitranges',
      'resourcequotas',
      'events',
    ],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['batch'],
    resources: ['jobs', 'cronjobs'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['get', 'list', 'watch'],
  },
];

/** How the Kubernetes plugin reaches a nested cluster: its URL, CA and a reader token. */
export interface ReaderCredentials {
  url: string;
  /** Base64 PEM of the nested cluster's CA, as in a kubeconfig. */
  caData?: string;
  token: string;
  expiresAt: number;
}

export interface ReaderAccountsOptions {
  /** The nested cluster's admin kubeconfig (YAML); used only to set up the reader account. */
  adminKubeconfig: (cluster: NestedCluster) => Promise<string>;
  logger: LoggerService;
  /** Lifetime requested for reader tokens. */
  tokenTtlSeconds?: number;
  /** How long a failed cluster is skipped before the next attempt. */
  failureCooldownMs?: number;
  /** Clusters set up at once, so a first request over many clusters does not flood the hosts. */
  issuesAtOnce?: number;
}

interface Entry {
  /** A recreated cluster of the same name needs a new account. */
  createdAt: string;
  credentials?: ReaderCredentials;
  inFlight?: Promise<ReaderCredentials | undefined>;
  failedAt?: number;
}

const LIFETIME_LEFT_TO_REFRESH = 1 / 3;

/**
 * Short-lived tokens of a read-only ServiceAccount inside each nested
 * cluster. The vcluster admin credentials are used once per token, inside the
 * nested cluster, to ensure the account and request a token (TokenRequest
 * API); they are never handed on. Tokens are cached and renewed when a third
 * of their lifetime is left.
 */
export class ReaderAccounts {
  private readonly entries = new Map<string, Entry>();
  private readonly tokenTtlSeconds: number;
  private readonly failureCooldownMs: number;
  private readonly limitIssues: pLimit.Limit;

  constructor(private readonly options: ReaderAccountsOptions) {
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
    this.failureCooldownMs = options.failureCooldownMs ?? 30_000;
    this.limitIssues = pLimit(options.issuesAtOnce ?? 16);
  }

  /** Reader credentials of a Running cluster, or undefined while it cannot be reached. */
  async credentials(
    cluster: NestedCluster,
  ): Promise<ReaderCredentials | undefined> {
    const key = keyOf(cluster);
    let entry = this.entries.get(key);
    if (!entry || entry.createdAt !== cluster.createdAt) {
      entry = { createdAt: cluster.createdAt };
      this.entries.set(key, entry);
    }
    const now = Date.now();
    const { credentials } = entry;
    const refreshAt = credentials
      ? credentials.expiresAt -
        this.tokenTtlSeconds * 1000 * LIFETIME_LEFT_TO_REFRESH
      : 0;
    if (credentials && now < refreshAt) {
      return credentials;
    }
    if (entry.failedAt && now - entry.failedAt < this.failureCooldownMs) {
      return credentials && now < credentials.expiresAt
        ? credentials
        : undefined;
    }
    if (!entry.inFlight) {
      const current = entry;
      current.inFlight = this.limitIssues(() => this.issue(cluster))
        .then(issued => {
          current.credentials = issued;
          current.failedAt = undefined;
          return issued;
        })
        .catch(error => {
          current.failedAt = Date.now();
          this.options.logger.warn(
            `Could not get a reader token for nested cluster ${key}: ${describeHostError(
              error,
            )}`,
          );
          return undefined;
        })
        .finally(() => {
          current.inFlight = undefined;
        });
    }
    const issued = await entry.inFlight;
    // A still-valid token serves while a renewal fails.
    return (
      issued ??
      (credentials && Date.now() < credentials.expiresAt
        ? credentials
        : undefined)
    );
  }

  /** Drops the cached token of a deleted cluster. */
  forget(cluster: NestedCluster): void {
    this.entries.delete(keyOf(cluster));
  }

  private async issue(cluster: NestedCluster): Promise<ReaderCredentials> {
    const kc = adminKubeConfig(await this.options.adminKubeconfig(cluster));
    const server = kc.getCurrentCluster()!;
    const core = kc.makeApiClient(CoreV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const { namespace, name } = READER_ACCOUNT;
    const labels = {
      'app.kubernetes.io/managed-by': 'backstage-nested-clusters',
    };

    await createOrKeep(() =>
      core.createNamespacedServiceAccount({
        namespace,
        body: { metadata: { name, namespace, labels } },
      }),
    );
    const role: V1ClusterRole = {
      metadata: { name, labels },
      rules: READER_RULES,
    };
    const roleCreated = await createOrKeep(() =>
      rbac.createClusterRole({ body: role }),
    );
    if (!roleCreated) {
      // Keep the rules current when the plugin's needs change.
      await rbac.replaceClusterRole({ name, body: role });
    }
    await createOrKeep(() =>
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name, labels },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name,
          },
          subjects: [{ kind: 'ServiceAccount', name, namespace }],
        },
      }),
    );
    const request = await core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: [], expirationSeconds: this.tokenTtlSeconds },
      },
    });
    const token = request.status?.token;
    if (!token) {
      throw new Error('the TokenRequest returned no token');
    }
    const expiry = request.status?.expirationTimestamp;
    return {
      url: server.server,
      caData: server.caData,
      token,
      expiresAt: expiry
        ? new Date(expiry).getTime()
        : Date.now() + this.tokenTtlSeconds * 1000,
    };
  }
}

function keyOf(cluster: NestedCluster): string {
  return `${cluster.host}/${cluster.name}`;
}
