import * as k8s from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startHostSimulator, HostSimulator } from '../simulator';
import { createCa } from '../tls';
import {
  eventually,
  isolatedNetwork,
  statusOf,
} from '../__testUtils__/helpers';
import {
  KUBECTL,
  KubectlResult,
  kubectlForNestedCluster,
} from '../__testUtils__/kubectl';

/**
 * A real kubectl (the one on PATH, or $KUBECTL) against a nested cluster, through
 * the kubeconfig the cluster hands out. Every command's effect is read back with
 * @kubernetes/client-node. Works with Debian's kubectl 1.20 and newer ones.
 */
const NS = 'demo';

jest.setTimeout(60000);

describe('kubectl against a nested cluster', () => {
  let sim: HostSimulator;
  let dir: string;
  let kubeconfig: string;
  let minor: number;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;

  let run: (
    args: string[],
    opts?: { env?: Record<string, string>; timeoutMs?: number },
  ) => Promise<KubectlResult>;
  let kubectl: (...args: string[]) => Promise<string>;
  let cleanup: () => void;
  /** kubectl 1.20-1.24 validate client-side with the OpenAPI v2 protobuf document, which the simulator does not serve. */
  const validateFlag = () => (minor < 25 ? ['--validate=false'] : []);

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    ({ dir, kubeconfig, run, kubectl, cleanup } = await kubectlForNestedCluster(
      sim,
      'team-k',
      'k',
    ));
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    const version = JSON.parse(
      await kubectl('version', '--client', '-o', 'json'),
    );
    minor = parseInt(version.clientVersion.minor, 10);
    await kubectl('create', 'namespace', NS);
  });
  afterAll(async () => {
    await sim?.stop();
    cleanup?.();
  });

  it('creates every generator kind, in protobuf from kubectl 1.2x+, and the objects read back', async () => {
    const n = ['-n', NS];
    const ca = await createCa('tls.example');
    writeFileSync(join(dir, 'tls.crt'), ca.certPem);
    writeFileSync(join(dir, 'tls.key'), ca.keyPem);
    await kubectl('create', 'configmap', 'cfg', '--from-literal=a=1', ...n);
    await kubectl(
      'create',
      'secret',
      'generic',
      'gen',
      '--from-literal=p=s3cret',
      ...n,
    );
    await kubectl(
      'create',
      'secret',
      'tls',
      'tls',
      `--cert=${join(dir, 'tls.crt')}`,
      `--key=${join(dir, 'tls.key')}`,
      ...n,
    );
    await kubectl(
      'create',
      'secret',
      'docker-registry',
      'reg',
      '--docker-server=registry.example',
      '--docker-username=u',
      '--docker-password=p',
      ...n,
    );
    await kubectl('create', 'serviceaccount', 'robot', ...n);
    await kubectl(
      'create',
      'deployment',
      'web',
      '--image=nginx:1.27',
      '--replicas=2',
      ...n,
    );
    await kubectl('create', 'job', 'once', '--image=busybox', ...n);
    await kubectl(
      'create',
      'cronjob',
      'nightly',
      '--image=busybox',
      '--schedule=0 3 * * *',
      ...n,
    );
    await kubectl(
      'create',
      'service',
      'clusterip',
      'internal',
      '--tcp=80:8080',
      ...n,
    );
    await kubectl(
      'create',
      'service',
      'nodeport',
      'outside',
      '--tcp=80:8080',
      ...n,
    );
    await kubectl(
      'create',
      'role',
      'pod-reader',
      '--verb=get',
      '--resource=pods',
      ...n,
    );
    await kubectl(
      'create',
      'rolebinding',
      'robot-reads',
      '--role=pod-reader',
      `--serviceaccount=${NS}:robot`,
      ...n,
    );
    await kubectl(
      'create',
      'clusterrole',
      'ns-viewer',
      '--verb=get,list',
      '--resource=namespaces',
    );
    await kubectl(
      'create',
      'clusterrolebinding',
      'robot-views',
      '--clusterrole=ns-viewer',
      `--serviceaccount=${NS}:robot`,
    );
    await kubectl(
      'create',
      'quota',
      'small',
      '--hard=pods=10,secrets=20',
      ...n,
    );
    await kubectl(
      'create',
      'priorityclass',
      'important',
      '--value=1000',
      '--description=matters',
    );
    await kubectl(
      'create',
      'poddisruptionbudget',
      'web',
      '--selector=app=web',
      '--min-available=1',
      ...n,
    );

    expect((await core.readNamespace({ name: NS })).status?.phase).toBe(
      'Active',
    );
    expect(
      (await core.readNamespacedConfigMap({ name: 'cfg', namespace: NS })).data,
    ).toEqual({ a: '1' });
    const gen = await core.readNamespacedSecret({ name: 'gen', namespace: NS });
    expect(Buffer.from(gen.data!.p, 'base64').toString()).toBe('s3cret');
    const tls = await core.readNamespacedSecret({ name: 'tls', namespace: NS });
    expect(tls.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(tls.data!['tls.crt'], 'base64').toString()).toBe(
      ca.certPem,
    );
    const reg = await core.readNamespacedSecret({ name: 'reg', namespace: NS });
    expect(reg.type).toBe('kubernetes.io/dockerconfigjson');
    expect(
      JSON.parse(
        Buffer.from(reg.data!['.dockerconfigjson'], 'base64').toString(),
      ).auths['registry.example'].username,
    ).toBe('u');
    expect(
      (
        await core.readNamespacedServiceAccount({
          name: 'robot',
          namespace: NS,
        })
      ).metadata?.name,
    ).toBe('robot');
    const web = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: NS,
    });
    expect(web.spec?.replicas).toBe(2);
    expect(web.spec?.template.spec?.containers[0].image).toBe('nginx:1.27');
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    expect(
      (await batch.readNamespacedJob({ name: 'once', namespace: NS })).spec
        ?.template.spec?.containers[0].image,
    ).toBe('busybox');
    expect(
      (await batch.readNamespacedCronJob({ name: 'nightly', namespace: NS }))
        .spec?.schedule,
    ).toBe('0 3 * * *');
    const internal = await core.readNamespacedService({
      name: 'internal',
      namespace: NS,
    });
    expect(internal.spec?.type).toBe('ClusterIP');
    expect(internal.spec?.ports?.[0]).toMatchObject({
      port: 80,
      targetPort: 8080,
    });
    expect(
      (await core.readNamespacedService({ name: 'outside', namespace: NS }))
        .spec?.type,
    ).toBe('NodePort');
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    expect(
      (await rbac.readNamespacedRole({ name: 'pod-reader', namespace: NS }))
        .rules?.[0],
    ).toMatchObject({ verbs: ['get'], resources: ['pods'] });
    expect(
      (
        await rbac.readNamespacedRoleBinding({
          name: 'robot-reads',
          namespace: NS,
        })
      ).subjects?.[0],
    ).toMatchObject({ kind: 'ServiceAccount', name: 'robot' });
    expect(
      (await rbac.readClusterRole({ name: 'ns-viewer' })).rules?.[0].verbs,
    ).toEqual(['get', 'list']);
    expect(
      (await rbac.readClusterRoleBinding({ name: 'robot-views' })).roleRef.name,
    ).toBe('ns-viewer');
    expect(
      (await core.readNamespacedResourceQuota({ name: 'small', namespace: NS }))
        .spec?.hard,
    ).toEqual({ pods: '10', secrets: '20' });
    const scheduling = kc.makeApiClient(k8s.SchedulingV1Api);
    expect(
      (await scheduling.readPriorityClass({ name: 'important' })).value,
    ).toBe(1000);
    const policy = kc.makeApiClient(k8s.PolicyV1Api);
    const pdb = await policy.readNamespacedPodDisruptionBudget({
      name: 'web',
      namespace: NS,
    });
    expect(pdb.spec?.minAvailable).toBe(1);

    // create token (kubectl 1.24+; older ones post the TokenRequest with create --raw).
    const token =
      minor >= 24
        ? (await kubectl('create', 'token', 'robot', ...n)).trim()
        : await (async () => {
            writeFileSync(
              join(dir, 'tr.json'),
              JSON.stringify({
                apiVersion: 'authentication.k8s.io/v1',
                kind: 'TokenRequest',
                spec: {},
              }),
            );
            const out = await kubectl(
              'create',
              '--raw',
              `/api/v1/namespaces/${NS}/serviceaccounts/robot/token`,
              '-f',
              join(dir, 'tr.json'),
            );
            return JSON.parse(out).status.token as string;
          })();
    expect(token).not.toBe('');
    // The token is the ServiceAccount's: RBAC lets it get pods in the namespace, not list secrets.
    const asRobot = await run([
      'auth',
      'can-i',
      'get',
      'pods',
      '-n',
      NS,
      `--token=${token}`,
    ]);
    expect(asRobot.stdout.trim()).toBe('yes');
    const denied = await run([
      'auth',
      'can-i',
      'list',
      'secrets',
      '-n',
      NS,
      `--token=${token}`,
    ]);
    expect(denied.stdout.trim()).toBe('no');
    expect(
      (
        await kubectl('auth', 'can-i', 'create', 'deployments', '-n', NS)
      ).trim(),
    ).toBe('yes');
  });

  it('run, expose, scale, set image, label, annotate and patch change what they say', async () => {
    const n = ['-n', NS];
    await kubectl('run', 'solo', '--image=nginx', '--labels=app=solo', ...n);
    const solo = await core.readNamespacedPod({ name: 'solo', namespace: NS });
    expect(solo.spec?.containers[0].image).toBe('nginx');
    await kubectl(
      'expose',
      'deployment',
      'web',
      '--port=80',
      '--target-port=8080',
      ...n,
    );
    const exposed = await core.readNamespacedService({
      name: 'web',
      namespace: NS,
    });
    expect(exposed.spec?.selector).toEqual({ app: 'web' });
    expect(exposed.spec?.ports?.[0]).toMatchObject({
      port: 80,
      targetPort: 8080,
    });
    await kubectl('scale', 'deployment', 'web', '--replicas=3', ...n);
    expect(
      (await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec
        ?.replicas,
    ).toBe(3);
    await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.28', ...n);
    const image = (
      await apps.readNamespacedDeployment({ name: 'web', namespace: NS })
    ).spec?.template.spec?.containers;
    expect(image?.map(c => [c.name, c.image])).toEqual([
      ['nginx', 'nginx:1.28'],
    ]);
    await kubectl('label', 'configmap', 'cfg', 'tier=backend', ...n);
    await kubectl('annotate', 'configmap', 'cfg', 'owner=team-k', ...n);
    await kubectl(
      'patch',
      'configmap',
      'cfg',
      '-p',
      '{"data":{"b":"2"}}',
      ...n,
    );
    await kubectl(
      'patch',
      'configmap',
      'cfg',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/data/a","value":"one"}]',
      ...n,
    );
    const cfg = await core.readNamespacedConfigMap({
      name: 'cfg',
      namespace: NS,
    });
    expect(cfg.metadata?.labels).toEqual({ tier: 'backend' });
    expect(cfg.metadata?.annotations).toEqual({ owner: 'team-k' });
    expect(cfg.data).toEqual({ a: 'one', b: '2' });
  });

  it('edits non-interactively through KUBE_EDITOR', async () => {
    const result = await run(
      ['edit', 'configmap', 'cfg', '-n', NS, ...validateFlag()],
      {
        env: { KUBE_EDITOR: `sed -i s/one/edited/` },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/configmap\/cfg edited/);
    expect(
      (await core.readNamespacedConfigMap({ name: 'cfg', namespace: NS })).data
        ?.a,
    ).toBe('edited');
  });

  it('rolls out: status waits for the new ReplicaSet, restart makes another, undo goes back', async () => {
    const n = ['-n', NS];
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s', ...n);
    const revisionOf = async () =>
      (await apps.readNamespacedDeployment({ name: 'web', namespace: NS }))
        .metadata?.annotations?.['deployment.kubernetes.io/revision'];
    const before = Number(await revisionOf());
    expect(before).toBeGreaterThanOrEqual(2);
    await kubectl('rollout', 'restart', 'deployment/web', ...n);
    const restarted = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: NS,
    });
    expect(
      restarted.spec?.template.metadata?.annotations?.[
        'kubectl.kubernetes.io/restartedAt'
      ],
    ).toBeDefined();
    expect(
      await kubectl(
        'rollout',
        'status',
        'deployment/web',
        '--timeout=20s',
        ...n,
      ),
    ).toMatch(/successfully rolled out/);
    expect(Number(await revisionOf())).toBe(before + 1);
    await kubectl('rollout', 'undo', 'deployment/web', ...n);
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s', ...n);
    const undone = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: NS,
    });
    expect(
      undone.spec?.template.metadata?.annotations?.[
        'kubectl.kubernetes.io/restartedAt'
      ],
    ).toBeUndefined();
    expect(
      Number(
        undone.metadata?.annotations?.['deployment.kubernetes.io/revision'],
      ),
    ).toBe(before + 2);
    const sets = await apps.listNamespacedReplicaSet({
      namespace: NS,
      labelSelector: 'app=web',
    });
    const active = sets.items.filter(rs => rs.spec?.replicas);
    expect(active).toHaveLength(1);
    expect(
      active[0].metadata?.annotations?.[
        'deployment.kubernetes.io/revision-history'
      ],
    ).toBe(String(before));
  });

  it('get -w streams changes, describe shows events, logs, wait and delete', async () => {
    const n = ['-n', NS];
    const watcher = spawn(
      KUBECTL,
      [
        'get',
        'configmap',
        'cfg',
        '-w',
        '-o',
        'jsonpath={.data.a}{"\\n"}',
        ...n,
      ],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
      },
    );
    let seen = '';
    watcher.stdout.on('data', chunk => {
      seen += String(chunk);
    });
    try {
      await eventually(() => seen.includes('edited'));
      await core.patchNamespacedConfigMap(
        { name: 'cfg', namespace: NS, body: { data: { a: 'watched' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually(() => seen.split('\n').includes('watched'));
    } finally {
      watcher.kill();
    }

    const deployment = await kubectl('describe', 'deployment', 'web', ...n);
    expect(deployment).toMatch(
      /NewReplicaSet:\s+web-\w+ \(3\/3 replicas created\)/,
    );
    expect(deployment).toMatch(
      /ScalingReplicaSet\s+.*Scaled up replica set web-\w+/,
    );
    const pod = await kubectl('describe', 'pod', 'solo', ...n);
    expect(pod).toMatch(/Status:\s+Running/);
    expect(pod).toMatch(/Started\s+.*Started container/);
    for (const kind of [
      'namespace/demo',
      'configmap/cfg',
      'secret/gen',
      'serviceaccount/robot',
      'job/once',
      'cronjob/nightly',
      'service/internal',
      'role/pod-reader',
      'rolebinding/robot-reads',
      'clusterrole/ns-viewer',
      'clusterrolebinding/robot-views',
      'quota/small',
      'priorityclass/important',
      'poddisruptionbudget/web',
      'replicaset',
    ]) {
      expect(await kubectl('describe', kind, ...n)).toMatch(/^Name:/m);
    }

    expect(await kubectl('logs', 'solo', ...n)).toMatch(
      /solo started from image nginx/,
    );
    expect(await kubectl('logs', 'deployment/web', ...n)).toMatch(
      /nginx started from image nginx:1.28/,
    );
    expect(
      await kubectl(
        'wait',
        '--for=condition=Available',
        'deployment/web',
        '--timeout=20s',
        ...n,
      ),
    ).toMatch(/condition met/);
    expect(
      await kubectl(
        'wait',
        '--for=condition=complete',
        'job/once',
        '--timeout=20s',
        ...n,
      ),
    ).toMatch(/condition met/);

    await kubectl('delete', 'configmap', 'cfg', ...n);
    expect(
      await statusOf(
        core.readNamespacedConfigMap({ name: 'cfg', namespace: NS }),
      ),
    ).toBe(404);
    await kubectl('delete', 'deployment', 'web', ...n);
    await eventually(
      async () =>
        (
          await core.listNamespacedPod({
            namespace: NS,
            labelSelector: 'app=web',
          })
        ).items.length === 0,
    );
  });

  it('apply --server-side records field managers and answers conflicts; strict validation; explain', async () => {
    const n = ['-n', NS];
    const manifest = (replicas: number, extra = '') =>
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: api}',
        'spec:',
        `  replicas: ${replicas}`,
        extra,
        '  selector: {matchLabels: {app: api}}',
        '  template:',
        '    metadata: {labels: {app: api}}',
        '    spec: {containers: [{name: api, image: nginx}]}',
      ]
        .filter(Boolean)
        .join('\n');
    const file = join(dir, 'api.yaml');
    writeFileSync(file, manifest(2));
    await kubectl(
      'apply',
      '--server-side',
      '-f',
      file,
      ...n,
      ...validateFlag(),
    );
    const applied = await apps.readNamespacedDeployment({
      name: 'api',
      namespace: NS,
    });
    const managers = applied.metadata?.managedFields?.map(m => [
      m.manager,
      m.operation,
    ]);
    expect(managers).toEqual([['kubectl', 'Apply']]);
    expect(applied.metadata?.managedFields?.[0].fieldsV1).toMatchObject({
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"api"}': { '.': {}, 'f:image': {} } },
          },
        },
      },
    });
    // Another manager takes spec.replicas; applying the old value conflicts until forced.
    await kubectl(
      'patch',
      'deployment',
      'api',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":4}}',
      ...n,
    );
    const conflict = await run([
      'apply',
      '--server-side',
      '-f',
      file,
      ...n,
      ...validateFlag(),
    ]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(
      /Apply failed with 1 conflict: conflict with "kubectl-patch".*: \.spec\.replicas/,
    );
    expect(
      (await apps.readNamespacedDeployment({ name: 'api', namespace: NS })).spec
        ?.replicas,
    ).toBe(4);
    await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      file,
      ...n,
      ...validateFlag(),
    );
    const forced = await apps.readNamespacedDeployment({
      name: 'api',
      namespace: NS,
    });
    expect(forced.spec?.replicas).toBe(2);
    expect(forced.metadata?.managedFields?.map(m => m.manager)).toEqual([
      'kubectl',
    ]);

    // fieldValidation=Strict: 400 naming the unknown field (kubectl < 1.25 has no --validate=strict).
    writeFileSync(file, manifest(2, '  colour: red'));
    // --raw sends the file as it is: JSON.
    const raw = join(dir, 'api.json');
    writeFileSync(raw, JSON.stringify(parseYaml(manifest(2, '  colour: red'))));
    const strict =
      minor >= 25
        ? await run(['apply', '--validate=strict', '-f', file, ...n])
        : await run([
            'replace',
            '--raw',
            `/apis/apps/v1/namespaces/${NS}/deployments/api?fieldValidation=Strict`,
            '-f',
            raw,
            ...validateFlag(),
          ]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/unknown field "spec.colour"/);

    // kubectl explain reads the OpenAPI v3 schemas (kubectl 1.27+; older ones need the v2 protobuf document).
    const explained =
      minor >= 27
        ? await kubectl('explain', 'deployment.spec.replicas')
        : await kubectl('get', '--raw', '/openapi/v3/apis/apps/v1');
    expect(explained).toMatch(/Number of desired pods/);
  });

  it('fails fast, with a clear error, for what needs a running container or metrics', async () => {
    const n = ['-n', NS];
    const started = Date.now();
    const attempts: [string[], RegExp][] = [
      [['top', 'pod', ...n], /Metrics API not available/],
      [['exec', 'solo', ...n, '--', 'ls'], /exec is not available/],
      [['attach', 'solo', ...n], /attach is not available/],
      [
        ['port-forward', 'pod/solo', '18080:80', ...n],
        /portforward is not available/,
      ],
      [
        ['cp', `${NS}/solo:/etc/hosts`, join(dir, 'hosts')],
        /exec is not available/,
      ],
    ];
    for (const [args, message] of attempts) {
      const result = await run(args, { timeoutMs: 10000 });
      expect({ args, code: result.code === 0 ? 0 : 'failed' }).toEqual({
        args,
        code: 'failed',
      });
      expect(result.stderr).toMatch(message);
    }
    expect(Date.now() - started).toBeLessThan(15000);
  });
});
