import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  kubeConfigFor,
  kubeConfigFromSecret,
  rawRequest,
  statusBodyOf,
  statusOf,
  grantInstaller,
  cliJob,
  isolatedNetwork,
} from '../__testUtils__/helpers';

describe('conformance: authentication and authorization', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    core = hostKubeConfig(sim).makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    await core.createNamespace({ body: { metadata: { name: 'team-b' } } });
  });
  afterAll(() => sim.stop());

  it('answers 401 without a valid bearer token, but serves /version and /readyz', async () => {
    expect(
      (await rawRequest(sim, '/api/v1/namespaces', { token: null })).json(),
    ).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
    expect(
      (await rawRequest(sim, '/api/v1/namespaces', { token: 'wrong' })).status,
    ).toBe(401);
    expect(
      await statusOf(
        hostKubeConfig(sim, 'wrong')
          .makeApiClient(k8s.CoreV1Api)
          .listNamespace(),
      ),
    ).toBe(401);
    expect((await rawRequest(sim, '/readyz', { token: null })).body).toBe('ok');
    expect((await rawRequest(sim, '/version', { token: null })).status).toBe(
      200,
    );
  });

  it('refuses TLS clients that do not trust the CA', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: sim.url, skipTLSVerify: false }],
      users: [{ name: 'u', token: sim.token }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    await expect(
      kc.makeApiClient(k8s.CoreV1Api).listNamespace(),
    ).rejects.toThrow();
  });

  it('limits a restricted token to its namespaces (403 elsewhere)', async () => {
    sim.addToken({
      token: 'team-a-token',
      user: 'team-a-deployer',
      namespaces: ['team-a'],
    });
    const restricted = hostKubeConfig(sim, 'team-a-token').makeApiClient(
      k8s.CoreV1Api,
    );
    await restricted.createNamespacedConfigMap({
      namespace: 'team-a',
      body: { metadata: { name: 'ok' } },
    });
    expect(
      (await restricted.readNamespace({ name: 'team-a' })).metadata?.name,
    ).toBe('team-a');
    expect(
      await statusBodyOf(
        restricted.listNamespacedConfigMap({ namespace: 'team-b' }),
      ),
    ).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'configmaps is forbidden: User "team-a-deployer" cannot list resource "configmaps" in API group "" in the namespace "team-b"',
    });
    expect(await statusOf(restricted.listNamespace())).toBe(403);
    expect(await statusOf(restricted.readNamespace({ name: 'team-b' }))).toBe(
      403,
    );
  });

  it('limits a restricted token to its verbs', async () => {
    sim.addToken({ token: 'reader-token', verbs: ['get', 'list', 'watch'] });
    const reader = hostKubeConfig(sim, 'reader-token').makeApiClient(
      k8s.CoreV1Api,
    );
    expect(
      (await reader.listNamespacedConfigMap({ namespace: 'team-b' })).items
        .length,
    ).toBeGreaterThan(0);
    expect(
      await statusOf(
        reader.createNamespacedConfigMap({
          namespace: 'team-b',
          body: { metadata: { name: 'no' } },
        }),
      ),
    ).toBe(403);
    expect(
      await statusOf(
        reader.deleteNamespacedConfigMap({
          namespace: 'team-b',
          name: 'kube-root-ca.crt',
        }),
      ),
    ).toBe(403);
  });

  it('authorizes ServiceAccount tokens from TokenRequest with RBAC inside a nested cluster', async () => {
    // Bring up a nested cluster through the helm-job installer's chart objects directly.
    const batch = hostKubeConfig(sim).makeApiClient(k8s.BatchV1Api);
    await grantInstaller(hostKubeConfig(sim), 'team-a');
    await core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: {
        metadata: { name: 'values' },
        data: {
          'values.yaml': `controlPlane: {service: {spec: {type: NodePort}, httpsNodePort: 31447}}\nexportKubeConfig: {server: 'https://${sim.nodeAddress}:31447'}\n`,
        },
      },
    });
    await batch.createNamespacedJob({
      namespace: 'team-a',
      body: cliJob(
        'install',
        [
          'create',
          'rbac',
          '--namespace',
          'team-a',
          '-f',
          '/values/values.yaml',
          '--connect=false',
        ],
        'values',
      ),
    });
    const secret = await eventually(() =>
      core.readNamespacedSecret({ namespace: 'team-a', name: 'vc-rbac' }),
    );
    const adminKc = kubeConfigFromSecret(secret, 'config');
    const admin = adminKc.makeApiClient(k8s.CoreV1Api);
    const rbac = adminKc.makeApiClient(k8s.RbacAuthorizationV1Api);
    await admin.createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'viewer' } },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'viewer-view' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        },
        subjects: [
          { kind: 'ServiceAccount', name: 'viewer', namespace: 'default' },
        ],
      },
    });
    const tr = await admin.createNamespacedServiceAccountToken({
      namespace: 'default',
      name: 'viewer',
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const token = tr.status!.token!;
    const viewer = kubeConfigFor(
      adminKc.getCurrentCluster()!.server,
      token,
      Buffer.from(adminKc.getCurrentCluster()!.caData!, 'base64').toString(),
    ).makeApiClient(k8s.CoreV1Api);
    expect((await viewer.listNamespace()).items.length).toBe(4);
    expect(
      (await viewer.listNamespacedPod({ namespace: 'kube-system' })).items,
    ).toEqual([]);
    expect(
      await statusBodyOf(
        viewer.createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: 'x' } },
        }),
      ),
    ).toMatchObject({
      code: 403,
      message:
        'configmaps is forbidden: User "system:serviceaccount:default:viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
    });
    expect(
      await statusOf(viewer.listNamespacedSecret({ namespace: 'default' })),
    ).toBe(403);
    // The nested cluster's token means nothing on the host.
    expect(
      await statusOf(
        hostKubeConfig(sim, token).makeApiClient(k8s.CoreV1Api).listNamespace(),
      ),
    ).toBe(401);
  });
});
