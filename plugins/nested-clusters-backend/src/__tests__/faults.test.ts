import {
  HostSimulator,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import { RbacAuthorizationV1Api, BatchV1Api } from '@kubernetes/client-node';
import {
  adminClients,
  CapturingLogger,
  eventually,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';

jest.setTimeout(90_000);

const API = '/api/nested-clusters';

/** Nothing of the cluster is left anywhere on the host. */
async function expectNothingLeft(sim: HostSimulator, name: string) {
  const { core } = adminClients(sim);
  const kc = adminKubeConfig(sim);
  const selector = `nested-clusters.backstage.io/name=${name}`;
  await eventually(async () => {
    await expect(
      core.readNamespace({ name: `nc-${name}` }),
    ).rejects.toMatchObject({ code: 404 });
    const lists = await Promise.all([
      core.listServiceAccountForAllNamespaces({ labelSelector: selector }),
      core.listConfigMapForAllNamespaces({ labelSelector: selector }),
      kc.batch.listJobForAllNamespaces({ labelSelector: selector }),
      kc.rbac.listRoleForAllNamespaces({ labelSelector: selector }),
      kc.rbac.listRoleBindingForAllNamespaces({ labelSelector: selector }),
    ]);
    expect(lists.flatMap(l => l.items)).toEqual([]);
  });
}

function adminKubeConfig(sim: HostSimulator) {
  const { kubeConfig } = adminClients(sim);
  return {
    batch: kubeConfig.makeApiClient(BatchV1Api),
    rbac: kubeConfig.makeApiClient(RbacAuthorizationV1Api),
  };
}

describe('a create that fails halfway leaves nothing on the host', () => {
  let sim: HostSimulator;
  let backend: Harness;
  const logs = new CapturingLogger();
  const RESTRICTED_TOKEN = 'restricted-service-account-token-0123456789';

  beforeAll(async () => {
    sim = await startHostSimulator();
    // A host account that may do everything the plugin needs, except create
    // Jobs: the helm-job create then fails after the namespace, the
    // ServiceAccount, Role, RoleBinding and ConfigMap exist.
    const { core, kubeConfig } = adminClients(sim);
    const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'kube-system',
      body: { metadata: { name: 'backstage' } },
    });
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'nested-clusters-without-jobs' },
        rules: [
          { apiGroups: [''], resources: ['*'], verbs: ['*'] },
          {
            apiGroups: ['apps', 'rbac.authorization.k8s.io'],
            resources: ['*'],
            verbs: ['*'],
          },
          {
            apiGroups: ['batch'],
            resources: ['jobs'],
            verbs: ['get', 'list', 'watch', 'delete'],
          },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'backstage' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'nested-clusters-without-jobs',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'backstage',
            namespace: 'kube-system',
          },
        ],
      },
    });
    sim.addToken({
      token: RESTRICTED_TOKEN,
      serviceAccount: { namespace: 'kube-system', name: 'backstage' },
    });
    backend = await startBackend({
      hosts: [
        { name: 'faulty', sim, installer: 'helm-job', maxClusters: 100 },
        {
          name: 'restricted',
          sim,
          installer: 'helm-job',
          token: RESTRICTED_TOKEN,
          namespacePrefix: 'rs-',
        },
      ],
      limits: { clustersPerOwner: 100 },
      logs,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  const create = (name: string, host: string) =>
    backend.server
      .post(`${API}/clusters`)
      .set('Authorization', USERS.guest)
      .send({ name, profile: 'sandbox', host });

  it('rolls back when the host refuses the installer Job', async () => {
    const res = await create('half', 'restricted');
    expect(res.status).toBe(500);
    expect(res.body.error.message).toMatch(
      /^Job rs-half\/half-install on host "restricted": HTTP 403: .*cannot create resource "jobs"/,
    );
    const { core } = adminClients(sim);
    await eventually(async () =>
      expect(core.readNamespace({ name: 'rs-half' })).rejects.toMatchObject({
        code: 404,
      }),
    );
    await expectNothingLeft(sim, 'half');
  });

  it('rolls back whenever an injected 500 fails any step after the namespace', async () => {
    sim.faults.setErrorRate(0.5, { verbs: ['create'] });
    const failedHalfway: string[] = [];
    const failedAtOnce: string[] = [];
    try {
      for (let i = 0; i < 40 && failedHalfway.length < 2; i++) {
        const name = `flaky-${i}`;
        const res = await create(name, 'faulty');
        if (res.status === 202) {
          // Succeeded despite the faults: remove it again.
          sim.faults.setErrorRate(0);
          await backend.server
            .delete(`${API}/clusters/faulty/${name}`)
            .set('Authorization', USERS.guest)
            .expect(202);
          sim.faults.setErrorRate(0.5, { verbs: ['create'] });
          continue;
        }
        expect(res.status).toBe(503);
        expect(res.body.error.message).toContain(
          'simulated failure injected for verb create',
        );
        if (res.body.error.message.startsWith('Namespace ')) {
          failedAtOnce.push(name);
        } else {
          failedHalfway.push(name);
        }
      }
    } finally {
      sim.faults.setErrorRate(0);
    }
    expect(failedHalfway.length).toBeGreaterThan(0);
    for (const name of [...failedHalfway, ...failedAtOnce]) {
      await expectNothingLeft(sim, name);
    }
  });

  it('never logs the host tokens', () => {
    const all = logs.lines.join('\n');
    expect(all).toContain('nested-cluster-create');
    expect(all).not.toContain(sim.token);
    expect(all).not.toContain(RESTRICTED_TOKEN);
  });
});
