import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  mergePatch,
  rawRequest,
  statusBodyOf,
  statusOf,
} from '../__testUtils__/helpers';

/** REST semantics through @kubernetes/client-node over real HTTPS. */
describe('conformance: REST', () => {
  let sim: HostSimulator;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let rbac: k8s.RbacAuthorizationV1Api;
  let objects: k8s.KubernetesObjectApi;
  let custom: k8s.CustomObjectsApi;
  let ext: k8s.ApiextensionsV1Api;
  const ns = 'conf';

  const raw = (path: string, init?: Parameters<typeof rawRequest>[2]) =>
    rawRequest(sim, path, init);

  beforeAll(async () => {
    sim = await startHostSimulator();
    kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(() => sim.stop());

  describe('discovery', () => {
    it('serves /api, /apis, group versions, /version and openapi', async () => {
      const versions = await kc.makeApiClient(k8s.CoreApi).getAPIVersions();
      expect(versions.versions).toEqual(['v1']);
      const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
      const names = groups.groups.map(g => g.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'apps',
          'batch',
          'rbac.authorization.k8s.io',
          'apiextensions.k8s.io',
          'cluster.x-k8s.io',
          'infrastructure.cluster.x-k8s.io',
          'helm.toolkit.fluxcd.io',
        ]),
      );
      const coreResources = await core.getAPIResources();
      const pods = coreResources.resources.find(r => r.name === 'pods');
      expect(pods).toMatchObject({
        kind: 'Pod',
        namespaced: true,
        verbs: expect.arrayContaining(['watch', 'patch']),
      });
      expect(coreResources.resources.map(r => r.name)).toEqual(
        expect.arrayContaining([
          'namespaces',
          'secrets',
          'configmaps',
          'services',
          'serviceaccounts',
          'events',
          'persistentvolumeclaims',
          'pods/status',
          'serviceaccounts/token',
        ]),
      );
      const appsResources = await apps.getAPIResources();
      expect(
        appsResources.resources.find(r => r.name === 'statefulsets')?.kind,
      ).toBe('StatefulSet');
      const version = await kc.makeApiClient(k8s.VersionApi).getCode();
      expect(version).toMatchObject({
        major: '1',
        minor: '35',
        gitVersion: 'v1.35.0',
      });
      const openapi = await raw('/openapi/v2');
      expect(openapi.json<{ swagger: string }>().swagger).toBe('2.0');
      const openapi3 = (await raw('/openapi/v3')).json<{
        paths: Record<string, unknown>;
      }>();
      expect(Object.keys(openapi3.paths)).toContain('apis/apps/v1');
      // kubectl looks for the fieldValidation parameter on PATCH of each kind to validate server-side.
      type Op = {
        'x-kubernetes-group-version-kind': unknown;
        parameters: { name: string }[];
      };
      const appsDoc = (await raw('/openapi/v3/apis/apps/v1')).json<{
        paths: Record<string, { patch?: Op }>;
      }>();
      const patch =
        appsDoc.paths[
          '/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}'
        ].patch!;
      expect(patch['x-kubernetes-group-version-kind']).toEqual({
        group: 'apps',
        version: 'v1',
        kind: 'StatefulSet',
      });
      expect(patch.parameters.map(p => p.name)).toContain('fieldValidation');
      const protobufOpenApi = await raw('/openapi/v2', {
        headers: {
          Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
        },
      });
      expect(protobufOpenApi.status).toBe(406);
      const proto = await raw(`/api/v1/namespaces/${ns}/configmaps`, {
        method: 'POST',
        body: 'k8s\u0000',
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      });
      expect(proto.json()).toMatchObject({
        code: 415,
        reason: 'UnsupportedMediaType',
      });
    });
  });

  describe('CRUD and metadata', () => {
    it('creates with generateName, uid, creationTimestamp and a global resourceVersion', async () => {
      const a = await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { generateName: 'gen-' }, data: { k: 'v' } },
      });
      const b = await core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 'sec' }, stringData: { password: 'p' } },
      });
      expect(a.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
      expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.metadata?.creationTimestamp).toBeInstanceOf(Date);
      expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(
        Number(a.metadata?.resourceVersion),
      );
      expect(b.data).toEqual({ password: Buffer.from('p').toString('base64') });
      expect(b.type).toBe('Opaque');
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
        Number(b.metadata?.resourceVersion),
      );
    });

    it('reads, replaces and deletes cluster-scoped objects', async () => {
      await rbac.createClusterRole({
        body: {
          metadata: { name: 'reader' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        },
      });
      const role = await rbac.readClusterRole({ name: 'reader' });
      role.rules![0].verbs = ['get', 'list'];
      const replaced = await rbac.replaceClusterRole({
        name: 'reader',
        body: role,
      });
      expect(replaced.rules?.[0].verbs).toEqual(['get', 'list']);
      await rbac.deleteClusterRole({ name: 'reader' });
      expect(await statusOf(rbac.readClusterRole({ name: 'reader' }))).toBe(
        404,
      );
    });

    it('bumps generation on spec changes only', async () => {
      const d = await apps.createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name: 'gen' },
          spec: {
            selector: { matchLabels: { app: 'gen' } },
            template: {
              metadata: { labels: { app: 'gen' } },
              spec: { containers: [{ name: 'c', image: 'nginx' }] },
            },
          },
        },
      });
      expect(d.metadata?.generation).toBe(1);
      const labelled = await apps.patchNamespacedDeployment(
        {
          namespace: ns,
          name: 'gen',
          body: { metadata: { labels: { x: 'y' } } },
        },
        mergePatch(),
      );
      expect(labelled.metadata?.generation).toBe(1);
      const scaled = await apps.patchNamespacedDeployment(
        { namespace: ns, name: 'gen', body: { spec: { replicas: 3 } } },
        mergePatch(),
      );
      expect(scaled.metadata?.generation).toBe(2);
    });

    it('answers 409 Conflict to a stale resourceVersion', async () => {
      const cm = await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'occ' }, data: { a: '1' } },
      });
      await core.replaceNamespacedConfigMap({
        namespace: ns,
        name: 'occ',
        body: { ...cm, data: { a: '2' } },
      });
      const err = await statusBodyOf(
        core.replaceNamespacedConfigMap({
          namespace: ns,
          name: 'occ',
          body: { ...cm, data: { a: '3' } },
        }),
      );
      expect(err).toMatchObject({
        kind: 'Status',
        code: 409,
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
      });
      // A merge patch carrying a stale resourceVersion is a precondition too.
      expect(
        await statusOf(
          core.patchNamespacedConfigMap(
            {
              namespace: ns,
              name: 'occ',
              body: {
                metadata: { resourceVersion: cm.metadata?.resourceVersion },
                data: { a: '4' },
              },
            },
            mergePatch(),
          ),
        ),
      ).toBe(409);
    });

    it('returns Status errors with the right reason and code', async () => {
      expect(
        await statusBodyOf(
          core.readNamespacedConfigMap({ namespace: ns, name: 'missing' }),
        ),
      ).toMatchObject({
        code: 404,
        reason: 'NotFound',
        message: 'configmaps "missing" not found',
      });
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'dup' } },
      });
      expect(
        await statusBodyOf(
          core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: { name: 'dup' } },
          }),
        ),
      ).toMatchObject({ code: 409, reason: 'AlreadyExists' });
      expect(
        await statusBodyOf(
          core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: { name: 'Bad_Name' } },
          }),
        ),
      ).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(
        await statusBodyOf(
          core.createNamespacedConfigMap({
            namespace: ns,
            body: {
              metadata: { name: 'l', labels: { owner: 'user:default/guest' } },
            },
          }),
        ),
      ).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(
        await statusBodyOf(
          core.createNamespacedConfigMap({
            namespace: 'nowhere',
            body: { metadata: { name: 'x' } },
          }),
        ),
      ).toMatchObject({
        code: 404,
        reason: 'NotFound',
        message: 'namespaces "nowhere" not found',
      });
      expect(
        await statusBodyOf(
          core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: {} },
          }),
        ),
      ).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(
        await statusBodyOf(
          core.listNamespacedPod({
            namespace: ns,
            fieldSelector: 'spec.bogus=1',
          }),
        ),
      ).toMatchObject({ code: 400, reason: 'BadRequest' });
    });
  });

  describe('patches', () => {
    beforeAll(async () => {
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: {
          metadata: { name: 'p', labels: { a: '1', b: '2' } },
          data: { x: '1', y: '2' },
        },
      });
    });

    it('applies JSON merge patches (null deletes)', async () => {
      const cm = await core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'p',
          body: {
            metadata: { labels: { b: null, c: '3' } },
            data: { y: null },
          },
        },
        mergePatch(),
      );
      expect(cm.metadata?.labels).toEqual({ a: '1', c: '3' });
      expect(cm.data).toEqual({ x: '1' });
    });

    it('applies RFC 6902 JSON patches, and a failed test op is 422', async () => {
      const cm = await core.patchNamespacedConfigMap({
        namespace: ns,
        name: 'p',
        body: [
          { op: 'test', path: '/data/x', value: '1' },
          { op: 'replace', path: '/data/x', value: 'one' },
          {
            op: 'add',
            path: '/metadata/labels/app.kubernetes.io~1name',
            value: 'p',
          },
        ],
      });
      expect(cm.data?.x).toBe('one');
      expect(cm.metadata?.labels?.['app.kubernetes.io/name']).toBe('p');
      const err = await statusBodyOf(
        core.patchNamespacedConfigMap({
          namespace: ns,
          name: 'p',
          body: [{ op: 'test', path: '/data/x', value: 'nope' }],
        }),
      );
      expect(err).toMatchObject({ code: 422, reason: 'Invalid' });
    });

    it('applies strategic merge patches with merge semantics (kubectl label)', async () => {
      const cm = await core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'p',
          body: { metadata: { labels: { tier: 'gold' } } },
        },
        k8s.setHeaderOptions(
          'Content-Type',
          k8s.PatchStrategy.StrategicMergePatch,
        ),
      );
      expect(cm.metadata?.labels?.tier).toBe('gold');
      expect(cm.metadata?.labels?.a).toBe('1');
    });

    it('serves server-side apply as create-or-merge and requires a fieldManager', async () => {
      const body = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'applied', namespace: ns },
        data: { k: 'v1' },
      };
      const created = await objects.patch(
        body,
        undefined,
        undefined,
        'test-manager',
        true,
        k8s.PatchStrategy.ServerSideApply,
      );
      expect((created as k8s.V1ConfigMap).data).toEqual({ k: 'v1' });
      const updated = await objects.patch(
        { ...body, data: { k: 'v2' } },
        undefined,
        undefined,
        'test-manager',
        true,
        k8s.PatchStrategy.ServerSideApply,
      );
      expect((updated as k8s.V1ConfigMap).data).toEqual({ k: 'v2' });
      const res = await raw(`/api/v1/namespaces/${ns}/configmaps/applied`, {
        method: 'PATCH',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('status subresource', () => {
    it('ignores status on main writes and spec on status writes', async () => {
      const lb = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };
      const svc = await core.createNamespacedService({
        namespace: ns,
        body: {
          metadata: { name: 'st' },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
          status: lb,
        },
      });
      expect(svc.status?.loadBalancer?.ingress).toBeUndefined();
      const withStatus = await core.replaceNamespacedServiceStatus({
        namespace: ns,
        name: 'st',
        body: {
          ...svc,
          spec: { ...svc.spec, ports: [{ port: 8080 }] },
          status: lb,
        },
      });
      expect(withStatus.spec?.ports?.[0].port).toBe(80);
      expect(withStatus.status?.loadBalancer?.ingress?.[0].ip).toBe(
        '192.0.2.10',
      );
      const main = await core.patchNamespacedService(
        {
          namespace: ns,
          name: 'st',
          body: {
            status: { loadBalancer: { ingress: null } },
            metadata: { labels: { z: '1' } },
          },
        },
        mergePatch(),
      );
      expect(main.status?.loadBalancer?.ingress?.[0].ip).toBe('192.0.2.10');
      expect(main.metadata?.labels?.z).toBe('1');
      const patchedStatus = await core.patchNamespacedServiceStatus(
        {
          namespace: ns,
          name: 'st',
          body: {
            status: {
              loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] },
            },
          },
        },
        mergePatch(),
      );
      expect(patchedStatus.status?.loadBalancer?.ingress?.[0].hostname).toBe(
        'lb.example.com',
      );
    });
  });

  describe('lists', () => {
    beforeAll(async () => {
      const labels: Record<string, string>[] = [
        { env: 'prod', tier: 'web' },
        { env: 'dev', tier: 'web' },
        { env: 'qa' },
        {},
      ];
      for (const [i, l] of labels.entries()) {
        await core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name: `sel-${i}`, labels: { group: 'sel', ...l } },
            spec: { containers: [{ name: 'c', image: 'busybox' }] },
          },
        });
      }
    });
    const names = async (
      labelSelector?: string,
      fieldSelector?: string,
      namespace = ns,
    ) =>
      (
        await core.listNamespacedPod({
          namespace,
          labelSelector,
          fieldSelector,
        })
      ).items.map(p => p.metadata?.name);

    it('filters by label selectors', async () => {
      expect(await names('group=sel,env=prod')).toEqual(['sel-0']);
      expect(await names('group=sel,env==dev')).toEqual(['sel-1']);
      expect(await names('group=sel,env!=prod')).toEqual([
        'sel-1',
        'sel-2',
        'sel-3',
      ]);
      expect(await names('group=sel,env in (prod, qa)')).toEqual([
        'sel-0',
        'sel-2',
      ]);
      expect(await names('group=sel,env notin (prod,qa)')).toEqual([
        'sel-1',
        'sel-3',
      ]);
      expect(await names('group=sel,tier')).toEqual(['sel-0', 'sel-1']);
      expect(await names('group=sel,!tier')).toEqual(['sel-2', 'sel-3']);
    });

    it('filters by metadata.name and metadata.namespace field selectors', async () => {
      expect(await names(undefined, 'metadata.name=sel-2')).toEqual(['sel-2']);
      expect(await names('group=sel', 'metadata.name!=sel-2')).toEqual([
        'sel-0',
        'sel-1',
        'sel-3',
      ]);
      const all = await core.listPodForAllNamespaces({
        fieldSelector: `metadata.namespace=${ns}`,
        labelSelector: 'group=sel',
      });
      expect(all.items).toHaveLength(4);
    });

    it('pages with limit and continue, and an expired continue token is 410', async () => {
      const page1 = await core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'group=sel',
        limit: 3,
      });
      expect(page1.items.map(p => p.metadata?.name)).toEqual([
        'sel-0',
        'sel-1',
        'sel-2',
      ]);
      expect(page1.metadata?._continue).toBeTruthy();
      const page2 = await core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'group=sel',
        limit: 3,
        _continue: page1.metadata?._continue,
      });
      expect(page2.items.map(p => p.metadata?.name)).toEqual(['sel-3']);
      expect(page2.metadata?._continue).toBeFalsy();
      expect(page2.metadata?.resourceVersion).toBe(
        page1.metadata?.resourceVersion,
      );
      const unfiltered = await core.listNamespacedPod({
        namespace: ns,
        limit: 1,
      });
      expect(unfiltered.metadata?.remainingItemCount).toBeGreaterThan(0);
      sim.faults.forceGone();
      expect(
        await statusBodyOf(
          core.listNamespacedPod({
            namespace: ns,
            labelSelector: 'group=sel',
            limit: 3,
            _continue: page1.metadata?._continue,
          }),
        ),
      ).toMatchObject({ code: 410, reason: 'Expired' });
    });

    it('omits apiVersion/kind on built-in list items but keeps them on custom resources', async () => {
      const res = await raw(`/api/v1/namespaces/${ns}/pods?limit=1`);
      const body = res.json<{
        kind: string;
        apiVersion: string;
        items: Record<string, unknown>[];
      }>();
      expect(body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
      expect(body.items[0].kind).toBeUndefined();
    });
  });

  describe('deletion', () => {
    it('keeps an object with finalizers until they are removed', async () => {
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } },
      });
      await core.deleteNamespacedConfigMap({ namespace: ns, name: 'fin' });
      const held = await core.readNamespacedConfigMap({
        namespace: ns,
        name: 'fin',
      });
      expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
      expect(
        await statusOf(
          core.patchNamespacedConfigMap(
            {
              namespace: ns,
              name: 'fin',
              body: {
                metadata: {
                  finalizers: ['example.com/hold', 'example.com/new'],
                },
              },
            },
            mergePatch(),
          ),
        ),
      ).toBe(422);
      await core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'fin',
          body: { metadata: { finalizers: null } },
        },
        mergePatch(),
      );
      expect(
        await statusOf(
          core.readNamespacedConfigMap({ namespace: ns, name: 'fin' }),
        ),
      ).toBe(404);
    });

    it('garbage-collects dependents by ownerReference (Background), orphans them (Orphan), waits for them (Foreground)', async () => {
      const owner = (name: string) =>
        core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name } },
        });
      const dependent = (
        name: string,
        o: k8s.V1ConfigMap,
        finalizers?: string[],
      ) =>
        core.createNamespacedSecret({
          namespace: ns,
          body: {
            metadata: {
              name,
              finalizers,
              ownerReferences: [
                {
                  apiVersion: 'v1',
                  kind: 'ConfigMap',
                  name: o.metadata!.name!,
                  uid: o.metadata!.uid!,
                  blockOwnerDeletion: true,
                },
              ],
            },
          },
        });

      const bg = await owner('owner-bg');
      await dependent('dep-bg', bg);
      await core.deleteNamespacedConfigMap({ namespace: ns, name: 'owner-bg' });
      await eventually(
        async () =>
          (await statusOf(
            core.readNamespacedSecret({ namespace: ns, name: 'dep-bg' }),
          )) === 404,
      );

      const orphan = await owner('owner-orphan');
      await dependent('dep-orphan', orphan);
      await core.deleteNamespacedConfigMap({
        namespace: ns,
        name: 'owner-orphan',
        propagationPolicy: 'Orphan',
      });
      const kept = await core.readNamespacedSecret({
        namespace: ns,
        name: 'dep-orphan',
      });
      expect(kept.metadata?.ownerReferences).toBeUndefined();

      const fg = await owner('owner-fg');
      await dependent('dep-fg', fg, ['example.com/slow']);
      await core.deleteNamespacedConfigMap({
        namespace: ns,
        name: 'owner-fg',
        propagationPolicy: 'Foreground',
      });
      const waiting = await core.readNamespacedConfigMap({
        namespace: ns,
        name: 'owner-fg',
      });
      expect(waiting.metadata?.finalizers).toContain('foregroundDeletion');
      await eventually(
        async () =>
          (
            await core.readNamespacedSecret({ namespace: ns, name: 'dep-fg' })
          ).metadata?.deletionTimestamp,
      );
      expect(
        (
          await core.readNamespacedConfigMap({
            namespace: ns,
            name: 'owner-fg',
          })
        ).metadata?.deletionTimestamp,
      ).toBeInstanceOf(Date);
      await core.patchNamespacedSecret(
        {
          namespace: ns,
          name: 'dep-fg',
          body: { metadata: { finalizers: null } },
        },
        mergePatch(),
      );
      await eventually(
        async () =>
          (await statusOf(
            core.readNamespacedConfigMap({ namespace: ns, name: 'owner-fg' }),
          )) === 404,
      );
    });

    it('honours delete preconditions', async () => {
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'pre' } },
      });
      expect(
        await statusOf(
          core.deleteNamespacedConfigMap({
            namespace: ns,
            name: 'pre',
            body: { preconditions: { uid: 'not-it' } },
          }),
        ),
      ).toBe(409);
    });

    it('keeps a PVC that a running pod uses until the pod is gone (pvc-protection)', async () => {
      await core.createNamespacedPersistentVolumeClaim({
        namespace: ns,
        body: {
          metadata: { name: 'claim' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Gi' } },
          },
        },
      });
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: 'user' },
          spec: {
            containers: [{ name: 'c', image: 'busybox' }],
            volumes: [
              { name: 'd', persistentVolumeClaim: { claimName: 'claim' } },
            ],
          },
        },
      });
      await eventually(
        async () =>
          (
            await core.readNamespacedPod({ namespace: ns, name: 'user' })
          ).status?.phase === 'Running',
      );
      await core.deleteNamespacedPersistentVolumeClaim({
        namespace: ns,
        name: 'claim',
      });
      const held = await core.readNamespacedPersistentVolumeClaim({
        namespace: ns,
        name: 'claim',
      });
      expect(held.metadata?.finalizers).toEqual([
        'kubernetes.io/pvc-protection',
      ]);
      expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
      await core.deleteNamespacedPod({ namespace: ns, name: 'user' });
      await eventually(
        async () =>
          (await statusOf(
            core.readNamespacedPersistentVolumeClaim({
              namespace: ns,
              name: 'claim',
            }),
          )) === 404,
      );
    });

    it('deletes everything in a namespace with it, and refuses new content while it terminates', async () => {
      await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
      await core.createNamespacedConfigMap({
        namespace: 'doomed',
        body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
      });
      await core.createNamespacedSecret({
        namespace: 'doomed',
        body: { metadata: { name: 's' } },
      });
      await core.deleteNamespace({ name: 'doomed' });
      const terminating = await core.readNamespace({ name: 'doomed' });
      expect(terminating.status?.phase).toBe('Terminating');
      expect(
        await statusBodyOf(
          core.createNamespacedConfigMap({
            namespace: 'doomed',
            body: { metadata: { name: 'late' } },
          }),
        ),
      ).toMatchObject({ code: 403, reason: 'Forbidden' });
      await eventually(
        async () =>
          (await statusOf(
            core.readNamespacedSecret({ namespace: 'doomed', name: 's' }),
          )) === 404,
      );
      expect(
        (await core.readNamespace({ name: 'doomed' })).metadata?.name,
      ).toBe('doomed');
      await core.patchNamespacedConfigMap(
        {
          namespace: 'doomed',
          name: 'held',
          body: { metadata: { finalizers: null } },
        },
        mergePatch(),
      );
      await eventually(
        async () =>
          (await statusOf(core.readNamespace({ name: 'doomed' }))) === 404,
      );
      expect(await statusOf(core.deleteNamespace({ name: 'default' }))).toBe(
        403,
      );
    });
  });

  describe('custom resources', () => {
    it('serves a registered CRD and removes its objects when the CRD goes', async () => {
      await ext.createCustomResourceDefinition({
        body: {
          metadata: { name: 'widgets.example.com' },
          spec: {
            group: 'example.com',
            scope: 'Namespaced',
            names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
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
              },
            ],
          },
        },
      });
      const crd = await ext.readCustomResourceDefinition({
        name: 'widgets.example.com',
      });
      expect(
        crd.status?.conditions?.find(c => c.type === 'Established')?.status,
      ).toBe('True');
      const w = {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: ns },
        spec: { size: 3 },
      };
      await objects.create(w);
      const read = await objects.read({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: ns },
      });
      expect((read as unknown as { spec: { size: number } }).spec.size).toBe(3);
      const list = (await custom.listNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
      })) as { items: { kind: string }[] };
      expect(list.items[0].kind).toBe('Widget');
      await ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
      await eventually(
        async () =>
          (await statusOf(
            ext.readCustomResourceDefinition({ name: 'widgets.example.com' }),
          )) === 404,
      );
      expect(
        await statusOf(
          custom.listNamespacedCustomObject({
            group: 'example.com',
            version: 'v1',
            namespace: ns,
            plural: 'widgets',
          }),
        ),
      ).toBe(404);
    });
  });

  describe('workloads', () => {
    it('deletes a finished Job with its pods after ttlSecondsAfterFinished', async () => {
      const batch = kc.makeApiClient(k8s.BatchV1Api);
      await batch.createNamespacedJob({
        namespace: ns,
        body: {
          metadata: { name: 'ttl' },
          spec: {
            ttlSecondsAfterFinished: 0,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'c', image: 'busybox' }],
              },
            },
          },
        },
      });
      // It ran to completion first: its Completed event is there.
      await eventually(async () =>
        (
          await core.listNamespacedEvent({
            namespace: ns,
            fieldSelector: 'involvedObject.name=ttl',
          })
        ).items.some(e => e.reason === 'Completed'),
      );
      await eventually(
        async () =>
          (await statusOf(
            batch.readNamespacedJob({ namespace: ns, name: 'ttl' }),
          )) === 404,
      );
      await eventually(
        async () =>
          (
            await core.listNamespacedPod({
              namespace: ns,
              labelSelector: 'job-name=ttl',
            })
          ).items.length === 0,
      );
      expect(
        await statusOf(batch.readNamespacedJob({ namespace: ns, name: 'ttl' })),
      ).toBe(404);
    });

    it('runs Deployment and StatefulSet pods and reports ready replicas; scale to 0 removes pods', async () => {
      await apps.createNamespacedStatefulSet({
        namespace: ns,
        body: {
          metadata: { name: 'db' },
          spec: {
            replicas: 2,
            serviceName: 'db',
            selector: { matchLabels: { app: 'db' } },
            template: {
              metadata: { labels: { app: 'db' } },
              spec: { containers: [{ name: 'db', image: 'postgres' }] },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: '1Gi' } },
                },
              },
            ],
          },
        },
      });
      await eventually(
        async () =>
          (
            await apps.readNamespacedStatefulSet({ namespace: ns, name: 'db' })
          ).status?.readyReplicas === 2,
      );
      const pods = await core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app=db',
      });
      expect(pods.items.map(p => p.metadata?.name)).toEqual(['db-0', 'db-1']);
      expect(pods.items[0].metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'StatefulSet',
        name: 'db',
        controller: true,
      });
      await core.readNamespacedPersistentVolumeClaim({
        namespace: ns,
        name: 'data-db-1',
      });
      const log = await core.readNamespacedPodLog({
        namespace: ns,
        name: 'db-0',
      });
      expect(log).toMatch(/db started from image postgres/);
      expect(
        await statusOf(
          core.readNamespacedPodLog({
            namespace: ns,
            name: 'db-0',
            container: 'nope',
          }),
        ),
      ).toBe(400);
      await apps.patchNamespacedStatefulSet(
        { namespace: ns, name: 'db', body: { spec: { replicas: 0 } } },
        mergePatch(),
      );
      await eventually(
        async () =>
          (
            await core.listNamespacedPod({
              namespace: ns,
              labelSelector: 'app=db',
            })
          ).items.length === 0,
      );
      expect(
        (await apps.readNamespacedStatefulSet({ namespace: ns, name: 'db' }))
          .status,
      ).toMatchObject({ replicas: 0, readyReplicas: 0 });
    });
  });
});
