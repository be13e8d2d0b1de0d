import * as k8s from '@kubernetes/client-node';
import * as https from 'node:https';
import { HostSimulator } from '../simulator';
import { vclusterRoleRules } from '../vcluster/chart';

/** A client-node KubeConfig for a server URL, verifying TLS with the simulator's CA. */
export function kubeConfigFor(server: string, token: string, caPem: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'sim',
        server,
        caData: Buffer.from(caPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'user', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'user' }],
    currentContext: 'sim',
  });
  return kc;
}

export function hostKubeConfig(sim: HostSimulator, token = sim.token) {
  return kubeConfigFor(sim.url, token, sim.caPem);
}

/** Polls until `check` returns a value (not undefined/false), or fails with the last error. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) {
        return value;
      }
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${
          lastError ? `: ${String(lastError)}` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

/** The HTTP status code of a failed client-node call. */
export async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (typeof code === 'number') {
      return code;
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** The Kubernetes Status body of a failed client-node call. */
export async function statusBodyOf(
  promise: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string; kind: string }> {
  try {
    await promise;
  } catch (e) {
    const body = (e as { body?: unknown }).body;
    return typeof body === 'string'
      ? JSON.parse(body)
      : (body as {
          code: number;
          reason: string;
          message: string;
          kind: string;
        });
  }
  throw new Error('expected the call to fail');
}

/** A merge-patch content type for client-node 2.x patch calls. */
export const mergePatch = () =>
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** The body of `vcluster pause`'s StatefulSet patch. */
export function pausePatch(replicas: number) {
  return {
    metadata: {
      annotations: {
        'loft.sh/paused': 'true',
        'loft.sh/paused-replicas': String(replicas),
        'loft.sh/paused-date': new Date().toISOString(),
      },
    },
    spec: { replicas: 0 },
  };
}

/** The body of `vcluster resume`'s StatefulSet patch. */
export function resumePatch(replicas: number) {
  return {
    metadata: {
      annotations: {
        'loft.sh/paused': null,
        'loft.sh/paused-replicas': null,
        'loft.sh/paused-date': null,
      },
    },
    spec: { replicas },
  };
}

/** client-node's KubeConfig from a kubeconfig Secret's key. */
export function kubeConfigFromSecret(secret: k8s.V1Secret, key: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(Buffer.from(secret.data![key], 'base64').toString());
  return kc;
}

/** A raw HTTPS request to the simulator (for wire-level assertions), trusting its CA. */
export function rawRequest(
  sim: HostSimulator,
  path: string,
  init: {
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    token?: string | null;
  } = {},
): Promise<{ status: number; body: string; json<T>(): T }> {
  return new Promise((resolve, reject) => {
    const token = init.token === undefined ? sim.token : init.token;
    const req = https.request(
      `${sim.url}${path}`,
      {
        method: init.method ?? 'GET',
        ca: sim.caPem,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...init.headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c as Buffer));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            body,
            json: <T>() => JSON.parse(body) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The ServiceAccount the vcluster CLI Jobs of the tests run as. */
export const INSTALLER = 'vcluster-installer';

/**
 * The Role a platform team gives the vcluster CLI Job: what `vcluster create`
 * reads and writes (namespace lookup tolerated as Forbidden, Helm's release
 * Secrets, the chart's objects) plus the chart Role's rules, which RBAC only
 * lets it grant if it holds them.
 */
export function installerRules(): k8s.V1PolicyRule[] {
  const chartRole = vclusterRoleRules({}, 35) as unknown as k8s.V1PolicyRule[];
  return [
    {
      apiGroups: [''],
      resources: ['secrets', 'services', 'serviceaccounts'],
      verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
    },
    {
      apiGroups: ['apps'],
      resources: ['statefulsets'],
      verbs: ['get', 'list', 'create', 'patch', 'delete'],
    },
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['roles', 'rolebindings'],
      verbs: ['get', 'create', 'patch', 'delete'],
    },
    // The exposure objects, when the values enable them.
    {
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses'],
      verbs: ['get', 'create', 'patch', 'delete'],
    },
    {
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['tlsroutes'],
      verbs: ['get', 'create', 'patch', 'delete'],
    },
    ...chartRole,
  ];
}

/** Lets {@link INSTALLER} run the vcluster CLI in `namespace` (Role + RoleBinding), like the helm-job installer sets up. */
export async function grantInstaller(
  kc: k8s.KubeConfig,
  namespace: string,
  rules: k8s.V1PolicyRule[] = installerRules(),
) {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name: INSTALLER } },
  });
  await rbac.createNamespacedRole({
    namespace,
    body: { metadata: { name: INSTALLER }, rules },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: INSTALLER },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: INSTALLER,
      },
      subjects: [{ kind: 'ServiceAccount', name: INSTALLER, namespace }],
    },
  });
}

/** A Job running `vcluster <args>` as {@link INSTALLER}, values from ConfigMap `values` when given. */
export function cliJob(name: string, args: string[], valuesConfigMap?: string) {
  return {
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: INSTALLER,
          containers: [
            {
              name: 'vcluster',
              image: 'ghcr.io/loft-sh/vcluster-cli:0.36.1',
              command: ['vcluster'],
              args,
              terminationMessagePolicy: 'FallbackToLogsOnError',
              ...(valuesConfigMap
                ? { volumeMounts: [{ name: 'values', mountPath: '/values' }] }
                : {}),
            },
          ],
          ...(valuesConfigMap
            ? {
                volumes: [
                  { name: 'values', configMap: { name: valuesConfigMap } },
                ],
              }
            : {}),
        },
      },
    },
  };
}

export { isolatedNetwork } from '../network/isolated';

/** True when the call failed without an HTTP answer (connection refused or reset). */
export async function refused(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch (e) {
    return typeof (e as { code?: unknown }).code !== 'number';
  }
}

/** client-node's KubeConfig for a kubeconfig Secret's key, with its server (and TLS server name) replaced. */
export function kubeConfigAt(
  secret: k8s.V1Secret,
  key: string,
  server: string,
  tlsServerName?: string,
) {
  const kc = kubeConfigFromSecret(secret, key);
  const cluster = kc.getCurrentCluster()!;
  kc.clusters = kc.clusters.map(c =>
    c.name === cluster.name ? { ...c, server, tlsServerName } : c,
  );
  return kc;
}

/**
 * Installs a nested cluster with the helm-job installer (the vcluster CLI in a
 * Job, as the plugin does), exposed on a NodePort of the simulator's node with
 * `exportKubeConfig.server` naming it, and returns the kubeconfig the syncer
 * hands out in Secret `vc-<name>`.
 */
export async function installNestedCluster(
  sim: HostSimulator,
  namespace: string,
  name: string,
  nodePort = 31443,
): Promise<string> {
  const secret = await installVcluster(sim, namespace, name, {
    exportKubeConfig: { server: `https://${sim.nodeAddress}:${nodePort}` },
    controlPlane: {
      service: { spec: { type: 'NodePort' }, httpsNodePort: nodePort },
    },
  });
  return Buffer.from(secret.data!.config, 'base64').toString();
}

/** `vcluster create <name>` by a helm-job in its own namespace with `values`; resolves to Secret `vc-<name>`. */
export async function installVcluster(
  sim: HostSimulator,
  namespace: string,
  name: string,
  values: object,
): Promise<k8s.V1Secret> {
  const kc = hostKubeConfig(sim);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name: 'values' },
      data: { 'values.yaml': JSON.stringify(values) },
    },
  });
  await grantInstaller(kc, namespace);
  await kc.makeApiClient(k8s.BatchV1Api).createNamespacedJob({
    namespace,
    body: cliJob(
      'install',
      ['create', name, '-n', namespace, '-f', '/values/values.yaml'],
      'values',
    ),
  });
  return eventually(() =>
    core.readNamespacedSecret({ namespace, name: `vc-${name}` }),
  );
}
