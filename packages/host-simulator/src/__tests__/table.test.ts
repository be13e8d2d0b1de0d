import * as k8s from '@kubernetes/client-node';
import { HostSimulator, startHostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  isolatedNetwork,
  rawRequest,
} from '../__testUtils__/helpers';
import { kubectlForNestedCluster } from '../__testUtils__/kubectl';

/**
 * Server-side printing (`as=Table`): the real kubectl on PATH (or $KUBECTL)
 * against a nested cluster prints the columns of kubernetes'
 * pkg/printers/internalversion/printers.go, and the Table answer has the shape
 * of meta.k8s.io/v1 Table.
 */
const NS = 'shop';
const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

jest.setTimeout(60000);

/** kubectl's table output as rows of cells split on runs of 2+ spaces. */
function rowsOf(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map(line => line.trim().split(/\s{2,}/));
}

describe('Table output', () => {
  let sim: HostSimulator;
  let kubeconfig: string;
  let core: k8s.CoreV1Api;
  let kubectl: (...args: string[]) => Promise<string>;
  let cleanup: () => void;

  beforeAll(async () => {
    sim = await startHostSimulator(isolatedNetwork());
    ({ kubeconfig, kubectl, cleanup } = await kubectlForNestedCluster(
      sim,
      'team-t',
      't',
    ));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await kubectl('create', 'namespace', NS);
    await kubectl(
      'create',
      'deployment',
      'web',
      '--image=nginx:1.27',
      '-n',
      NS,
    );
    await kubectl(
      'create',
      'service',
      'clusterip',
      'web',
      '--tcp=80:8080',
      '-n',
      NS,
    );
    await eventually(async () => {
      const pods = await core.listNamespacedPod({ namespace: NS });
      return pods.items.some(
        p =>
          p.status?.phase === 'Running' &&
          p.status.containerStatuses?.every(c => c.ready),
      );
    });
  });
  afterAll(async () => {
    await sim?.stop();
    cleanup?.();
  });

  it('kubectl get pods prints READY, STATUS, RESTARTS and AGE; -o wide adds IP, NODE, NOMINATED NODE and READINESS GATES', async () => {
    const [pod] = (await core.listNamespacedPod({ namespace: NS })).items;
    const [header, row] = rowsOf(await kubectl('get', 'pods', '-n', NS));
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(row.slice(0, 4)).toEqual([
      pod.metadata!.name,
      '1/1',
      'Running',
      '0',
    ]);
    expect(row[4]).toMatch(/^\d+s$/);

    const [wideHeader, wideRow] = rowsOf(
      await kubectl('get', 'pods', '-n', NS, '-o', 'wide'),
    );
    expect(wideHeader).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(wideRow.slice(5)).toEqual([
      pod.status!.podIP,
      pod.spec!.nodeName,
      '<none>',
      '<none>',
    ]);
  });

  it('kubectl get deploy, svc and ns print their printers.go columns', async () => {
    const [deployHeader, deploy] = rowsOf(
      await kubectl('get', 'deploy', '-n', NS),
    );
    expect(deployHeader).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
    ]);
    expect(deploy.slice(0, 4)).toEqual(['web', '1/1', '1', '1']);

    const svc = await core.readNamespacedService({
      name: 'web',
      namespace: NS,
    });
    const [svcHeader, svcRow] = rowsOf(await kubectl('get', 'svc', '-n', NS));
    expect(svcHeader).toEqual([
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
    ]);
    expect(svcRow.slice(0, 5)).toEqual([
      'web',
      'ClusterIP',
      svc.spec!.clusterIP,
      '<none>',
      '80/TCP',
    ]);

    const ns = rowsOf(await kubectl('get', 'ns', NS));
    expect(ns[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(ns[1].slice(0, 2)).toEqual([NS, 'Active']);
  });

  it('kubectl get prints the printers.go columns of jobs, cronjobs, configmaps, secrets, serviceaccounts, replicasets, roles and nodes', async () => {
    const n = ['-n', NS];
    await kubectl(
      'create',
      'configmap',
      'cfg',
      '--from-literal=a=1',
      '--from-literal=b=2',
      ...n,
    );
    await kubectl(
      'create',
      'secret',
      'generic',
      'pw',
      '--from-literal=p=s',
      ...n,
    );
    await kubectl('create', 'serviceaccount', 'robot', ...n);
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
      'role',
      'reader',
      '--verb=get',
      '--resource=pods',
      ...n,
    );
    await kubectl(
      'create',
      'rolebinding',
      'reader',
      '--role=reader',
      `--serviceaccount=${NS}:robot`,
      ...n,
    );
    const table = async (...args: string[]) =>
      rowsOf(await kubectl('get', ...args));

    expect(await table('configmap', 'cfg', ...n)).toEqual([
      ['NAME', 'DATA', 'AGE'],
      ['cfg', '2', expect.stringMatching(/^\d+s$/)],
    ]);
    expect((await table('secret', 'pw', ...n)).map(r => r.slice(0, 3))).toEqual(
      [
        ['NAME', 'TYPE', 'DATA'],
        ['pw', 'Opaque', '1'],
      ],
    );
    expect(
      (await table('serviceaccount', 'robot', ...n)).map(r => r.slice(0, 2)),
    ).toEqual([
      ['NAME', 'SECRETS'],
      ['robot', '0'],
    ]);
    expect(
      (await table('cronjob', 'nightly', ...n)).map(r => r.slice(0, 6)),
    ).toEqual([
      ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE'],
      ['nightly', '0 3 * * *', '<none>', 'False', '0', '<none>'],
    ]);
    const [jobHeader, job] = await table('job', 'once', ...n);
    expect(jobHeader).toEqual([
      'NAME',
      'STATUS',
      'COMPLETIONS',
      'DURATION',
      'AGE',
    ]);
    expect(job[0]).toBe('once');
    expect(['Running', 'Complete']).toContain(job[1]);
    expect(job[2]).toMatch(/^[01]\/1$/);
    const [rsHeader, rs] = await table('rs', ...n);
    expect(rsHeader).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(rs.slice(1, 4)).toEqual(['1', '1', '1']);
    const [roleHeader, role] = await table('role', 'reader', ...n);
    expect(roleHeader).toEqual(['NAME', 'CREATED AT']);
    expect(role[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(
      (await table('rolebinding', 'reader', ...n, '-o', 'wide')).map(r => [
        r[0],
        r[1],
        ...r.slice(3),
      ]),
    ).toEqual([
      ['NAME', 'ROLE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS'],
      ['reader', 'Role/reader', `${NS}:robot`],
    ]);
    const nodes = await table('nodes');
    expect(nodes[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes[1][1]).toBe('Ready');
  });

  it('answers a Table: columns, cells, PartialObjectMetadata rows by default, full objects or none by includeObject', async () => {
    const host = hostKubeConfig(sim).makeApiClient(k8s.CoreV1Api);
    await host.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'two' }, data: { a: '1', b: '2' } },
    });
    const res = await rawRequest(
      sim,
      '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dtwo',
      { headers: { Accept: TABLE } },
    );
    expect(res.status).toBe(200);
    const table = res.json<{
      rows: Array<{ cells: unknown[]; object: { metadata: object } }>;
    }>();
    expect(table).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: expect.any(String) },
      columnDefinitions: [
        expect.objectContaining({
          name: 'Name',
          type: 'string',
          format: 'name',
          priority: 0,
        }),
        expect.objectContaining({ name: 'Data', type: 'integer', priority: 0 }),
        expect.objectContaining({ name: 'Age', type: 'string', priority: 0 }),
      ],
      rows: [
        {
          cells: ['two', 2, expect.stringMatching(/^\d+s$/)],
          object: {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: expect.objectContaining({
              name: 'two',
              namespace: 'default',
            }),
          },
        },
      ],
    });

    const full = await rawRequest(
      sim,
      '/api/v1/namespaces/default/configmaps/two?includeObject=Object',
      { headers: { Accept: TABLE } },
    );
    expect(
      full.json<{ rows: Array<{ object: object }> }>().rows[0].object,
    ).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      data: { a: '1', b: '2' },
    });
    const none = await rawRequest(
      sim,
      '/api/v1/namespaces/default/configmaps/two?includeObject=None',
      { headers: { Accept: TABLE } },
    );
    expect(
      none.json<{ rows: Array<{ object: unknown }> }>().rows[0].object,
    ).toBeNull();
    const bad = await rawRequest(
      sim,
      '/api/v1/namespaces/default/configmaps/two?includeObject=All',
      { headers: { Accept: TABLE } },
    );
    expect(bad.status).toBe(400);

    // A type without a printer gets rest.DefaultTableConvertor's Name / Created At.
    const leases = await rawRequest(
      sim,
      '/apis/coordination.k8s.io/v1/namespaces/default/leases',
      { headers: { Accept: TABLE } },
    );
    expect(
      leases
        .json<{ columnDefinitions: Array<{ name: string; type: string }> }>()
        .columnDefinitions.map(c => [c.name, c.type]),
    ).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
  });

  it("prints a custom resource's additionalPrinterColumns, JSONPath filters included", async () => {
    const kc = hostKubeConfig(sim);
    await kc
      .makeApiClient(k8s.ApiextensionsV1Api)
      .createCustomResourceDefinition({
        body: {
          metadata: { name: 'widgets.example.com' },
          spec: {
            group: 'example.com',
            scope: 'Namespaced',
            names: {
              plural: 'widgets',
              singular: 'widget',
              kind: 'Widget',
              listKind: 'WidgetList',
            },
            versions: [
              {
                name: 'v1',
                served: true,
                storage: true,
                schema: {
                  openAPIV3Schema: {
                    type: 'object',
                    x_kubernetes_preserve_unknown_fields: true,
                  },
                },
                additionalPrinterColumns: [
                  { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
                  {
                    name: 'Ready',
                    type: 'string',
                    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
                  },
                  {
                    name: 'Missing',
                    type: 'string',
                    jsonPath: '.status.nothing',
                  },
                  {
                    name: 'Age',
                    type: 'date',
                    jsonPath: '.metadata.creationTimestamp',
                  },
                ],
              },
            ],
          },
        },
      });
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await eventually(async () => {
      try {
        await custom.createNamespacedCustomObject({
          group: 'example.com',
          version: 'v1',
          namespace: 'default',
          plural: 'widgets',
          body: {
            apiVersion: 'example.com/v1',
            kind: 'Widget',
            metadata: { name: 'w' },
            spec: { size: 3 },
            status: {
              conditions: [
                { type: 'Synced', status: 'False' },
                { type: 'Ready', status: 'True' },
              ],
            },
          },
        });
        return true;
      } catch {
        return false;
      }
    });
    const res = await rawRequest(
      sim,
      '/apis/example.com/v1/namespaces/default/widgets',
      {
        headers: { Accept: TABLE },
      },
    );
    const table = res.json<{
      columnDefinitions: Array<{ name: string; type: string }>;
      rows: Array<{ cells: unknown[] }>;
    }>();
    expect(table.columnDefinitions.map(c => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Size', 'integer'],
      ['Ready', 'string'],
      ['Missing', 'string'],
      ['Age', 'date'],
    ]);
    expect(table.rows[0].cells).toEqual([
      'w',
      3,
      'True',
      null,
      expect.stringMatching(/^\d+s$/),
    ]);
  });

  it('watches as Table: one row per event, column definitions on the first only', async () => {
    const host = hostKubeConfig(sim).makeApiClient(k8s.CoreV1Api);
    await host.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'three' }, data: { a: '1' } },
    });
    const res = await rawRequest(
      sim,
      '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1',
      { headers: { Accept: TABLE } },
    );
    const events = res.body
      .trim()
      .split('\n')
      .map(
        line =>
          JSON.parse(line) as {
            type: string;
            object: {
              kind: string;
              columnDefinitions: unknown[] | null;
              rows: Array<{ cells: unknown[] }>;
            };
          },
      );
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(
      events.every(e => e.type === 'ADDED' && e.object.kind === 'Table'),
    ).toBe(true);
    expect(events[0].object.columnDefinitions).toHaveLength(3);
    expect(
      events.slice(1).every(e => e.object.columnDefinitions === null),
    ).toBe(true);
    expect(events.map(e => e.object.rows[0].cells[0])).toContain('three');
    const bad = await rawRequest(
      sim,
      '/api/v1/namespaces/default/configmaps?watch=true&includeObject=Everything',
      { headers: { Accept: TABLE } },
    );
    expect(bad.status).toBe(400);
  });
});
