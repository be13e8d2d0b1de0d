import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  cliJob,
  eventually,
  grantInstaller,
  hostKubeConfig,
  isolatedNetwork,
  kubeConfigFor,
  kubeConfigFromSecret,
  statusBodyOf,
  statusOf,
} from '../__testUtils__/helpers';

const NS = 'nc-tokens';
const NAME = 'tokens';
const NODE_PORT = 31444;
const RBAC = 'rbac.authorization.k8s.io';

jest.setTimeout(60_000);

/**
 * ServiceAccount tokens inside a nested cluster, as the real API server
 * handles them: TokenRequest validation, expiry and audience, revocation by
 * deleting the ServiceAccount, the default ClusterRoles and SelfSubjectReview.
 */
describe('ServiceAccount tokens in a nested cluster', () => {
  let sim: HostSimulator;
  let admin: k8s.KubeConfig;
  let server: string;
  let caPem: string;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    server = `https://${sim.nodeAddress}:${NODE_PORT}`;
    const kc = hostKubeConfig(sim);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: 'values' },
        data: {
          'values.yaml': [
            'controlPlane:',
            `  service: {spec: {type: NodePort}, httpsNodePort: ${NODE_PORT}}`,
            `exportKubeConfig: {server: '${server}'}`,
          ].join('\n'),
        },
      },
    });
    await grantInstaller(kc, NS);
    await kc.makeApiClient(k8s.BatchV1Api).createNamespacedJob({
      namespace: NS,
      body: cliJob(
        'install',
        ['create', NAME, '-n', NS, '--values', '/values/values.yaml'],
        'values',
      ),
    });
    const secret = await eventually(
      () => core.readNamespacedSecret({ namespace: NS, name: `vc-${NAME}` }),
      20000,
    );
    admin = kubeConfigFromSecret(secret, 'config');
    caPem = Buffer.from(
      admin.getCurrentCluster()!.caData!,
      'base64',
    ).toString();
    await eventually(() => admin.makeApiClient(k8s.CoreV1Api).listNamespace());
  });
  afterAll(() => sim.stop());

  /** A ServiceAccount in kube-system bound cluster-wide to `role`, and a token for it. */
  async function accountWith(name: string, role: string, seconds = 3600) {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'kube-system',
      body: { metadata: { name } },
    });
    await admin
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .createClusterRoleBinding({
        body: {
          metadata: { name },
          roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
          subjects: [
            { kind: 'ServiceAccount', name, namespace: 'kube-system' },
          ],
        },
      });
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: 'kube-system',
      name,
      body: { spec: { audiences: [], expirationSeconds: seconds } },
    });
    return {
      token: tr.status!.token!,
      expires: tr.status!.expirationTimestamp!,
      kc: kubeConfigFor(server, tr.status!.token!, caPem),
    };
  }

  const configMap = (name: string) => ({
    namespace: 'default',
    body: { metadata: { name } },
  });

  it('answers SelfSubjectReview (kubectl auth whoami) with the ServiceAccount', async () => {
    const { kc } = await accountWith('whoami', 'view');
    const review = await kc
      .makeApiClient(k8s.AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo).toMatchObject({
      username: 'system:serviceaccount:kube-system:whoami',
      groups: expect.arrayContaining([
        'system:serviceaccounts',
        'system:serviceaccounts:kube-system',
        'system:authenticated',
      ]),
    });
  });

  it('refuses TokenRequests shorter than 10 minutes, as the API server validates them', async () => {
    await admin.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccount({
      namespace: 'kube-system',
      body: { metadata: { name: 'short' } },
    });
    expect(
      await statusBodyOf(
        admin.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccountToken({
          namespace: 'kube-system',
          name: 'short',
          body: { spec: { audiences: [], expirationSeconds: 599 } },
        }),
      ),
    ).toMatchObject({
      code: 422,
      message: expect.stringContaining(
        'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
      ),
    });
  });

  it('refuses a token past its expiry with 401', async () => {
    const { kc, expires } = await accountWith('expiring', 'view', 600);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    expect(new Date(expires).getTime() - Date.now()).toBeGreaterThan(590_000);
    sim.faults.setClockOffset(601_000);
    try {
      expect(await statusOf(core.listNamespace())).toBe(401);
    } finally {
      sim.faults.setClockOffset(0);
    }
  });

  it('accepts a token only for the API server audience', async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'kube-system',
      body: { metadata: { name: 'vault' } },
    });
    const forVault = await core.createNamespacedServiceAccountToken({
      namespace: 'kube-system',
      name: 'vault',
      body: { spec: { audiences: ['vault'], expirationSeconds: 600 } },
    });
    expect(forVault.spec?.audiences).toEqual(['vault']);
    const kc = kubeConfigFor(server, forVault.status!.token!, caPem);
    expect(
      await statusOf(kc.makeApiClient(k8s.CoreV1Api).listNamespace()),
    ).toBe(401);
  });

  it('revokes the tokens of a deleted ServiceAccount, also when one of the same name returns', async () => {
    const { kc } = await accountWith('revoked', 'view');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    const adminCore = admin.makeApiClient(k8s.CoreV1Api);
    await adminCore.deleteNamespacedServiceAccount({
      namespace: 'kube-system',
      name: 'revoked',
    });
    expect(await statusOf(core.listNamespace())).toBe(401);
    await adminCore.createNamespacedServiceAccount({
      namespace: 'kube-system',
      body: { metadata: { name: 'revoked' } },
    });
    expect(await statusOf(core.listNamespace())).toBe(401);
  });

  it('enforces the default ClusterRoles: view reads, edit writes but no Roles, cluster-admin does all', async () => {
    const view = (await accountWith('viewer', 'view')).kc;
    const edit = (await accountWith('editor', 'edit')).kc;
    const root = (await accountWith('root', 'cluster-admin')).kc;
    const role = {
      namespace: 'default',
      body: {
        metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
    };

    expect(
      (await view.makeApiClient(k8s.AppsV1Api).listDeploymentForAllNamespaces())
        .items,
    ).toEqual([]);
    expect(
      await statusBodyOf(
        view
          .makeApiClient(k8s.CoreV1Api)
          .createNamespacedConfigMap(configMap('v')),
      ),
    ).toMatchObject({
      code: 403,
      message:
        'configmaps is forbidden: User "system:serviceaccount:kube-system:viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
    });
    expect(
      await statusOf(
        view
          .makeApiClient(k8s.CoreV1Api)
          .listNamespacedSecret({ namespace: 'default' }),
      ),
    ).toBe(403);

    await edit
      .makeApiClient(k8s.CoreV1Api)
      .createNamespacedConfigMap(configMap('e'));
    expect(
      (
        await edit
          .makeApiClient(k8s.CoreV1Api)
          .listNamespacedSecret({ namespace: 'default' })
      ).items,
    ).toBeDefined();
    expect(
      await statusBodyOf(
        edit
          .makeApiClient(k8s.RbacAuthorizationV1Api)
          .createNamespacedRole(role),
      ),
    ).toMatchObject({
      code: 403,
      message: expect.stringContaining(
        'cannot create resource "roles" in API group "rbac.authorization.k8s.io"',
      ),
    });

    await root
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .createNamespacedRole(role);
    await root.makeApiClient(k8s.CoreV1Api).createNamespace({
      body: { metadata: { name: 'by-root' } },
    });
  });

  it('aggregates view, edit and admin from the bootstrap aggregate-to roles', async () => {
    const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
    const rulesOf = async (name: string) =>
      (await rbac.readClusterRole({ name })).rules ?? [];
    const view = await rulesOf('view');
    expect(view).toEqual(await rulesOf('system:aggregate-to-view'));
    const edit = await rulesOf('edit');
    expect(edit).toEqual(expect.arrayContaining(view));
    expect(edit).toEqual(
      expect.arrayContaining(await rulesOf('system:aggregate-to-edit')),
    );
    const admins = await rulesOf('admin');
    expect(admins).toEqual(expect.arrayContaining(edit));
    expect(admins.some(r => r.resources?.includes('roles'))).toBe(true);
    expect(edit.some(r => r.apiGroups?.includes(RBAC))).toBe(false);
  });
});
