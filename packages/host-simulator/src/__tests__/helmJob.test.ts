import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  cliJob,
  eventually,
  grantInstaller,
  hostKubeConfig,
  INSTALLER,
  installerRules,
  isolatedNetwork,
  kubeConfigFromSecret,
  refused,
  statusOf,
} from '../__testUtils__/helpers';

const NS = 'nc-team-a';
const NAME = 'team-a';
const NODE_PORT = 31443;

describe('helm-job installer timeline', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let batch: k8s.BatchV1Api;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    const kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    batch = kc.makeApiClient(k8s.BatchV1Api);
  });
  afterAll(() => sim.stop());

  /** A namespace with the values ConfigMap and the installer's RBAC; returns the failed or finished Job's pod. */
  async function runCli(
    namespace: string,
    args: string[],
    options: { rules?: k8s.V1PolicyRule[]; values?: string } = {},
  ) {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'values' },
        data: { 'values.yaml': options.values ?? '' },
      },
    });
    await grantInstaller(hostKubeConfig(sim), namespace, options.rules);
    await batch.createNamespacedJob({
      namespace,
      body: cliJob('install', args, 'values'),
    });
    await eventually(async () => {
      const j = await batch.readNamespacedJob({ namespace, name: 'install' });
      return j.status?.succeeded || j.status?.failed ? j : undefined;
    });
    const [pod] = (
      await core.listNamespacedPod({
        namespace,
        labelSelector: 'job-name=install',
      })
    ).items;
    return pod;
  }

  it('creates, pauses, resumes and deletes a vcluster reached through its NodePort', async () => {
    const server = `https://${sim.nodeAddress}:${NODE_PORT}`;
    const pod = await runCli(
      NS,
      [
        'create',
        NAME,
        '--namespace',
        NS,
        '--chart-version',
        '0.36.1',
        '--values',
        '/values/values.yaml',
        '--connect=false',
      ],
      {
        values: [
          'controlPlane:',
          '  distro: {k8s: {version: v1.34.2}}',
          `  service: {spec: {type: NodePort}, httpsNodePort: ${NODE_PORT}}`,
          `exportKubeConfig: {server: '${server}'}`,
        ].join('\n'),
      },
    );
    expect(pod.status?.phase).toBe('Succeeded');
    const job = await batch.readNamespacedJob({
      namespace: NS,
      name: 'install',
    });
    expect(job.status?.conditions?.map(c => c.type)).toEqual([
      'SuccessCriteriaMet',
      'Complete',
    ]);
    const jobEvents = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'involvedObject.name=install',
    });
    expect(jobEvents.items.map(e => e.reason).sort()).toEqual([
      'Completed',
      'SuccessfulCreate',
    ]);

    // The chart's objects, as chart 0.36.1 renders them.
    const sts = await eventually(async () => {
      const s = await apps.readNamespacedStatefulSet({
        namespace: NS,
        name: NAME,
      });
      return s.status?.readyReplicas === 1 ? s : undefined;
    });
    expect(sts.metadata?.labels).toMatchObject({
      app: 'vcluster',
      release: NAME,
      chart: 'vcluster-0.36.1',
      heritage: 'Helm',
    });
    expect(sts.spec?.selector.matchLabels).toEqual({
      app: 'vcluster',
      release: NAME,
    });
    expect(sts.spec?.template.spec?.containers[0]).toMatchObject({
      name: 'syncer',
      image: 'ghcr.io/loft-sh/vcluster-pro:0.36.1',
    });
    expect(sts.spec?.template.spec?.initContainers?.[0]).toMatchObject({
      name: 'kubernetes',
      image: 'ghcr.io/loft-sh/kubernetes:v1.34.2',
    });
    const [vcPod] = (
      await core.listNamespacedPod({
        namespace: NS,
        labelSelector: `app=vcluster,release=${NAME}`,
      })
    ).items;
    expect(vcPod.metadata?.name).toBe(`${NAME}-0`);
    expect(vcPod.status?.initContainerStatuses?.[0]).toMatchObject({
      name: 'kubernetes',
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(vcPod.status?.hostIP).toBe(sim.nodeAddress);
    const services = await core.listNamespacedService({ namespace: NS });
    expect(services.items.map(s => s.metadata?.name).sort()).toEqual([
      NAME,
      `${NAME}-headless`,
    ]);
    const svc = services.items.find(s => s.metadata?.name === NAME)!;
    expect(svc.metadata?.labels).toMatchObject({
      app: 'vcluster',
      release: NAME,
      'vcluster.loft.sh/service': 'true',
    });
    expect(svc.spec?.type).toBe('NodePort');
    expect(svc.spec?.ports?.[0]).toMatchObject({
      name: 'https',
      port: 443,
      targetPort: 8443,
      nodePort: NODE_PORT,
    });
    // The kubelet port's nodePort of 0 was allocated from the range.
    expect(svc.spec?.ports?.[1].name).toBe('kubelet');
    expect(svc.spec?.ports?.[1].nodePort).toBeGreaterThanOrEqual(30000);
    const sas = await core.listNamespacedServiceAccount({ namespace: NS });
    expect(sas.items.map(s => s.metadata?.name).sort()).toEqual([
      'default',
      `vc-${NAME}`,
      `vc-workload-${NAME}`,
      INSTALLER,
    ]);
    const pvc = await eventually(async () => {
      const p = await core.readNamespacedPersistentVolumeClaim({
        namespace: NS,
        name: `data-${NAME}-0`,
      });
      return p.status?.phase === 'Bound' ? p : undefined;
    });
    expect(pvc.spec?.resources?.requests?.storage).toBe('5Gi');
    const release = await core.readNamespacedSecret({
      namespace: NS,
      name: `sh.helm.release.v1.${NAME}.v1`,
    });
    expect(release.type).toBe('helm.sh/release.v1');
    expect(release.metadata?.labels).toMatchObject({
      name: NAME,
      owner: 'helm',
      status: 'deployed',
      version: '1',
    });
    const config = await core.readNamespacedSecret({
      namespace: NS,
      name: `vc-config-${NAME}`,
    });
    expect(
      parseYaml(Buffer.from(config.data!['config.yaml'], 'base64').toString()),
    ).toMatchObject({
      controlPlane: { distro: { k8s: { version: 'v1.34.2' } } },
    });

    // The syncer's secrets: its own CA in <name>-certs, the kubeconfig in vc-<name>.
    const secret = await eventually(() =>
      core.readNamespacedSecret({ namespace: NS, name: `vc-${NAME}` }),
    );
    expect(secret.metadata?.labels).toEqual({
      app: 'vcluster',
      'vcluster-name': NAME,
    });
    const certs = await core.readNamespacedSecret({
      namespace: NS,
      name: `${NAME}-certs`,
    });
    const nestedKc = kubeConfigFromSecret(secret, 'config');
    expect(nestedKc.getCurrentCluster()?.server).toBe(server);
    expect(nestedKc.getCurrentCluster()?.caData).toBe(certs.data!['ca.crt']);
    expect(Buffer.from(certs.data!['ca.crt'], 'base64').toString()).not.toEqual(
      sim.caPem,
    );
    expect(nestedKc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();

    // The kubeconfig works through the NodePort, TLS verified against the vcluster's CA.
    const nested = nestedKc.makeApiClient(k8s.CoreV1Api);
    const nsList = await nested.listNamespace();
    expect(nsList.items.map(n => n.metadata?.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    const version = await nestedKc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.34.2');
    // The host's token is not a credential of the nested cluster.
    const hostTokenInNested = kubeConfigFromSecret(secret, 'config');
    hostTokenInNested.users[0] = {
      name: hostTokenInNested.users[0].name,
      token: sim.token,
    };
    expect(
      await statusOf(
        hostTokenInNested.makeApiClient(k8s.CoreV1Api).listNamespace(),
      ),
    ).toBe(401);

    // Pause exactly like `vcluster pause`: no ready endpoint, so the NodePort refuses.
    await apps.patchNamespacedStatefulSet(
      {
        namespace: NS,
        name: NAME,
        body: {
          metadata: {
            annotations: {
              'loft.sh/paused': 'true',
              'loft.sh/paused-replicas': '1',
              'loft.sh/paused-date': new Date().toISOString(),
            },
          },
          spec: { replicas: 0 },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(
      async () =>
        (
          await core.listNamespacedPod({
            namespace: NS,
            labelSelector: `app=vcluster,release=${NAME}`,
          })
        ).items.length === 0,
    );
    expect(await refused(nested.listNamespace())).toBe(true);
    // PVC, services and secrets survive the pause.
    await core.readNamespacedPersistentVolumeClaim({
      namespace: NS,
      name: `data-${NAME}-0`,
    });
    await core.readNamespacedSecret({ namespace: NS, name: `vc-${NAME}` });

    // Resume: restore the replicas and drop the annotations.
    await apps.patchNamespacedStatefulSet(
      {
        namespace: NS,
        name: NAME,
        body: {
          metadata: {
            annotations: {
              'loft.sh/paused': null,
              'loft.sh/paused-replicas': null,
              'loft.sh/paused-date': null,
            },
          },
          spec: { replicas: 1 },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(() => nested.listNamespace());

    // Delete: the namespace and everything in it go away, the NodePort with it.
    await core.deleteNamespace({ name: NS });
    await eventually(
      async () => (await statusOf(core.readNamespace({ name: NS }))) === 404,
    );
    expect(await refused(nested.listNamespace())).toBe(true);
  });

  it('fails with the API server reason when the installer Role lacks a verb the install needs', async () => {
    const rules = installerRules().map(rule =>
      rule.resources?.includes('roles')
        ? { ...rule, verbs: rule.verbs.filter(v => v !== 'create') }
        : rule,
    );
    const pod = await runCli(
      'no-create-roles',
      ['create', 'x', '-n', 'no-create-roles'],
      {
        rules,
      },
    );
    expect(pod.status?.phase).toBe('Failed');
    const message =
      pod.status?.containerStatuses?.[0].state?.terminated?.message;
    expect(message).toMatch(/^fatal error executing helm upgrade x /);
    expect(message).toContain(
      ': Error: roles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:no-create-roles:vcluster-installer" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "no-create-roles"',
    );
    // Helm recorded the failed revision; what came before the Role stays.
    const release = await core.readNamespacedSecret({
      namespace: 'no-create-roles',
      name: 'sh.helm.release.v1.x.v1',
    });
    expect(release.metadata?.labels?.status).toBe('failed');
    await core.readNamespacedServiceAccount({
      namespace: 'no-create-roles',
      name: 'vc-x',
    });
    expect(
      await statusOf(
        apps.readNamespacedStatefulSet({
          namespace: 'no-create-roles',
          name: 'x',
        }),
      ),
    ).toBe(404);
  });

  it("refuses to let the installer grant the chart Role's permissions it does not hold", async () => {
    const rules = installerRules().filter(
      rule => !rule.apiGroups?.includes('events.k8s.io'),
    );
    const pod = await runCli('no-events', ['create', 'x', '-n', 'no-events'], {
      rules,
    });
    expect(
      pod.status?.containerStatuses?.[0].state?.terminated?.message,
    ).toContain(
      'roles.rbac.authorization.k8s.io "vc-x" is forbidden: user "system:serviceaccount:no-events:vcluster-installer" (groups=["system:serviceaccounts" "system:serviceaccounts:no-events" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["events.k8s.io"], Resources:["events"], Verbs:["create" "get" "list" "watch"]}',
    );
  });

  it('fails on the first read when the Job ServiceAccount has no RBAC at all', async () => {
    const pod = await runCli('no-rbac', ['create', 'x', '-n', 'no-rbac'], {
      rules: [],
    });
    expect(pod.status?.containerStatuses?.[0].state?.terminated?.message).toBe(
      'fatal get current helm release: secrets is forbidden: User "system:serviceaccount:no-rbac:vcluster-installer" cannot list resource "secrets" in API group "" in the namespace "no-rbac"',
    );
    const job = await batch.readNamespacedJob({
      namespace: 'no-rbac',
      name: 'install',
    });
    expect(job.status?.conditions?.find(c => c.type === 'Failed')?.reason).toBe(
      'BackoffLimitExceeded',
    );
  });

  it('runs the image as the runtime does: args without a command replace its CMD', async () => {
    await core.createNamespace({ body: { metadata: { name: 'no-command' } } });
    const body = cliJob('install', ['create', 'x']);
    delete (body.spec.template.spec.containers[0] as { command?: string[] })
      .command;
    await batch.createNamespacedJob({ namespace: 'no-command', body });
    const pod = await eventually(async () => {
      const [p] = (
        await core.listNamespacedPod({
          namespace: 'no-command',
          labelSelector: 'job-name=install',
        })
      ).items;
      return p?.status?.phase === 'Failed' ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({
      exitCode: 128,
      reason: 'StartError',
    });
    expect(
      pod.status?.containerStatuses?.[0].state?.terminated?.message,
    ).toContain('exec: "create": executable file not found in $PATH');
  });
});
