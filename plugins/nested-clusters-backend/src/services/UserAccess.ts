import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  V1ClusterRoleBinding,
} from '@kubernetes/client-node';
import {
  NestedCluster,
  parseDuration,
  UserKubeconfig,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  adminKubeConfig,
  createOrKeep,
  deleteIfPresent,
  describeHostError,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NestedClustersHostsService,
  ProfileAccessConfig,
  tokenExpirationProblem,
} from '@nested-clusters/plugin-nested-clusters-node';
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

/** Where users' ServiceAccounts live, as with `vcluster connect --service-account`. */
export const USER_ACCOUNT_NAMESPACE = 'kube-system';
/** Marks users' ServiceAccounts and bindings, apart from the plugin's own reader account. */
export const USER_ACCESS_LABEL = 'nested-clusters.backstage.io/access';
const USER_ACCESS_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${USER_ACCESS_LABEL}=user`;
/** The full entity ref of the ServiceAccount's user (a name holds only part of it). */
export const USER_ANNOTATION = 'nested-clusters.backstage.io/user';

/**
 * Per-user access to nested clusters: a ServiceAccount per user inside the
 * nested cluster, bound to the profile's ClusterRole, and short-lived
 * TokenRequest tokens for it. The admin credential is used here, on the
 * server, and never handed on.
 */
export interface UserAccessService {
  /** The ServiceAccount (`<namespace>/<name>`) a user gets in a nested cluster. */
  serviceAccountOf(userEntityRef: string): string;
  /**
   * Ensures the user's ServiceAccount and binding, and issues a kubeconfig
   * whose token expires after `expiration` (default: the profile's).
   */
  issue(
    cluster: NestedCluster,
    userEntityRef: string,
    options?: { expiration?: string },
  ): Promise<UserKubeconfig>;
  /** Deletes the user's ServiceAccount, which invalidates its tokens; returns what was deleted. */
  revoke(cluster: NestedCluster, userEntityRef: string): Promise<string[]>;
  /** Deletes every user's ServiceAccount in the cluster; returns what was deleted. */
  revokeAll(cluster: NestedCluster): Promise<string[]>;
}

const userAccessLabels = {
  [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  [USER_ACCESS_LABEL]: 'user',
};

/** A stable, DNS-safe ServiceAccount name for an entity ref: readable name plus a hash of the full ref. */
export function serviceAccountName(userEntityRef: string): string {
  const ref = stringifyEntityRef(
    parseEntityRef(userEntityRef, { defaultKind: 'user' }),
  ).toLocaleLowerCase('en-US');
  const readable = parseEntityRef(ref)
    .name.replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(ref).digest('hex').slice(0, 10);
  return `backstage-${readable ? `${readable}-` : ''}${hash}`;
}

export class NestedUserAccess implements UserAccessService {
  constructor(private readonly hosts: NestedClustersHostsService) {}

  serviceAccountOf(userEntityRef: string): string {
    return `${USER_ACCOUNT_NAMESPACE}/${serviceAccountName(userEntityRef)}`;
  }

  async issue(
    cluster: NestedCluster,
    userEntityRef: string,
    options: { expiration?: string } = {},
  ): Promise<UserKubeconfig> {
    const access = this.accessOf(cluster);
    const expiration = options.expiration ?? access.tokenExpiration;
    if (options.expiration !== undefined) {
      const problem =
        tokenExpirationProblem(options.expiration) ??
        (parseDuration(options.expiration)! >
        parseDuration(access.tokenExpiration)!
          ? `at most ${access.tokenExpiration} for profile "${cluster.profile}"`
          : undefined);
      if (problem) {
        throw new InputError(`expiration: ${problem}`);
      }
    }
    const kc = await this.adminOf(cluster);
    const name = serviceAccountName(userEntityRef);
    return this.inside(cluster, 'issuing a kubeconfig', async () => {
      const core = kc.makeApiClient(CoreV1Api);
      await this.ensureServiceAccount(core, name, userEntityRef);
      await this.ensureBinding(
        kc.makeApiClient(RbacAuthorizationV1Api),
        name,
        access.clusterRole,
      );
      const request = await core.createNamespacedServiceAccountToken({
        namespace: USER_ACCOUNT_NAMESPACE,
        name,
        body: {
          spec: {
            audiences: [],
            expirationSeconds: Math.floor(parseDuration(expiration)! / 1000),
          },
        },
      });
      const token = request.status?.token;
      const expiresAt = request.status?.expirationTimestamp;
      if (!token || !expiresAt) {
        throw new Error('the TokenRequest returned no token');
      }
      return {
        kubeconfig: userKubeconfig(kc, cluster, userEntityRef, token),
        serviceAccount: `${USER_ACCOUNT_NAMESPACE}/${name}`,
        clusterRole: access.clusterRole,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    });
  }

  async revoke(
    cluster: NestedCluster,
    userEntityRef: string,
  ): Promise<string[]> {
    const kc = await this.adminOf(cluster);
    const name = serviceAccountName(userEntityRef);
    return this.inside(cluster, 'revoking access', async () =>
      (await this.deleteAccount(kc, name))
        ? [`${USER_ACCOUNT_NAMESPACE}/${name}`]
        : [],
    );
  }

  async revokeAll(cluster: NestedCluster): Promise<string[]> {
    const kc = await this.adminOf(cluster);
    return this.inside(cluster, 'revoking access', async () => {
      const accounts = await kc
        .makeApiClient(CoreV1Api)
        .listNamespacedServiceAccount({
          namespace: USER_ACCOUNT_NAMESPACE,
          labelSelector: USER_ACCESS_SELECTOR,
        });
      const revoked: string[] = [];
      for (const account of accounts.items) {
        const name = account.metadata!.name!;
        if (await this.deleteAccount(kc, name)) {
          revoked.push(`${USER_ACCOUNT_NAMESPACE}/${name}`);
        }
      }
      return revoked;
    });
  }

  private accessOf(cluster: NestedCluster): ProfileAccessConfig {
    const profile = this.hosts.config.profiles.find(
      p => p.name === cluster.profile,
    );
    if (!profile) {
      throw new ConflictError(
        `Profile "${cluster.profile}" of nested cluster "${cluster.name}" is no longer configured, so its access settings are unknown`,
      );
    }
    return profile.access;
  }

  /** The admin credential of a Running cluster: the nested API server is down otherwise. */
  private async adminOf(cluster: NestedCluster): Promise<KubeConfig> {
    if (cluster.status !== 'Running') {
      throw new ConflictError(
        `Nested cluster "${cluster.name}" on host "${cluster.host}" is ${cluster.status}; its API server answers only while it is Running`,
      );
    }
    return adminKubeConfig(await this.hosts.adminKubeconfig(cluster));
  }

  /** Runs calls inside the nested cluster; errors name the cluster, never a credential. */
  private async inside<T>(
    cluster: NestedCluster,
    what: string,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const message = `Nested cluster "${cluster.name}" on host "${
        cluster.host
      }" failed ${what}: ${describeHostError(error)}`;
      if (error instanceof ApiException && error.code === 409) {
        throw new ConflictError(message);
      }
      throw new ServiceUnavailableError(message);
    }
  }

  private async ensureServiceAccount(
    core: CoreV1Api,
    name: string,
    userEntityRef: string,
  ) {
    const created = await createOrKeep(() =>
      core.createNamespacedServiceAccount({
        namespace: USER_ACCOUNT_NAMESPACE,
        body: {
          metadata: {
            name,
            labels: userAccessLabels,
            annotations: { [USER_ANNOTATION]: userEntityRef },
          },
        },
      }),
    );
    if (!created) {
      const existing = await core.readNamespacedServiceAccount({
        namespace: USER_ACCOUNT_NAMESPACE,
        name,
      });
      const owner = existing.metadata?.annotations?.[USER_ANNOTATION] ?? '';
      if (
        owner.toLocaleLowerCase('en-US') !==
        userEntityRef.toLocaleLowerCase('en-US')
      ) {
        throw new ConflictError(
          `ServiceAccount ${USER_ACCOUNT_NAMESPACE}/${name} exists but does not belong to ${userEntityRef}`,
        );
      }
    }
  }

  /** A ClusterRoleBinding named like the ServiceAccount; rebound when the profile's role changed. */
  private async ensureBinding(
    rbac: RbacAuthorizationV1Api,
    name: string,
    clusterRole: string,
  ) {
    const binding: V1ClusterRoleBinding = {
      metadata: { name, labels: userAccessLabels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: clusterRole,
      },
      subjects: [
        { kind: 'ServiceAccount', name, namespace: USER_ACCOUNT_NAMESPACE },
      ],
    };
    if (
      await createOrKeep(() => rbac.createClusterRoleBinding({ body: binding }))
    ) {
      return;
    }
    const existing = await rbac.readClusterRoleBinding({ name });
    if (existing.roleRef.name !== clusterRole) {
      // roleRef is immutable.
      await deleteIfPresent(() => rbac.deleteClusterRoleBinding({ name }));
      await rbac.createClusterRoleBinding({ body: binding });
    }
  }

  private async deleteAccount(kc: KubeConfig, name: string): Promise<boolean> {
    const deleted = await deleteIfPresent(() =>
      kc.makeApiClient(CoreV1Api).deleteNamespacedServiceAccount({
        namespace: USER_ACCOUNT_NAMESPACE,
        name,
      }),
    );
    await deleteIfPresent(() =>
      kc
        .makeApiClient(RbacAuthorizationV1Api)
        .deleteClusterRoleBinding({ name }),
    );
    return deleted;
  }
}

/** The user's kubeconfig: the admin kubeconfig's server and CA, the user's token, user `<user>@<host>-<name>`. */
function userKubeconfig(
  admin: KubeConfig,
  cluster: NestedCluster,
  userEntityRef: string,
  token: string,
): string {
  const server = admin.getCurrentCluster()!;
  const context = `${cluster.host}-${cluster.name}`;
  const user = `${parseEntityRef(userEntityRef).name}@${context}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: context,
        cluster: {
          server: server.server,
          ...(server.caData
            ? { 'certificate-authority-data': server.caData }
            : {}),
          ...(server.tlsServerName
            ? { 'tls-server-name': server.tlsServerName }
            : {}),
        },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: context, context: { cluster: context, user } }],
    'current-context': context,
    preferences: {},
  });
}
