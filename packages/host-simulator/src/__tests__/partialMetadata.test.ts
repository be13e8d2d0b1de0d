import * as k8s from '@kubernetes/client-node';
import { HostSimulator, startHostSimulator } from '../simulator';
import { hostKubeConfig, rawRequest } from '../__testUtils__/helpers';

const LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const ONE = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

interface Partial {
  kind: string;
  apiVersion: string;
  metadata: { name?: string; labels?: Record<string, string> };
  data?: unknown;
}

/** Metadata-only answers as kube-apiserver's endpoints/handlers/response.go gives them. */
describe('conformance: PartialObjectMetadata', () => {
  let sim: HostSimulator;
  const ns = 'meta';

  beforeAll(async () => {
    sim = await startHostSimulator();
    const core = hostKubeConfig(sim).makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (const name of ['a', 'b']) {
      await core.createNamespacedSecret({
        namespace: ns,
        body: {
          metadata: { name, labels: { pick: name } },
          stringData: { secret: 'value' },
        },
      });
    }
  });
  afterAll(() => sim.stop());

  it('lists metadata only, with the list metadata and a label selector', async () => {
    const res = await rawRequest(
      sim,
      `/api/v1/namespaces/${ns}/secrets?labelSelector=pick%3Da&limit=10`,
      { headers: { Accept: LIST } },
    );
    expect(res.status).toBe(200);
    const list = res.json<{
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion: string };
      items: Partial[];
    }>();
    expect(list).toMatchObject({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: expect.any(String) },
    });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'a', labels: { pick: 'a' } },
    });
    expect(res.body).not.toContain('dmFsdWU'); // base64 of the value
    expect(list.items[0].data).toBeUndefined();
  });

  it('gets one object as PartialObjectMetadata; 406 for the wrong shape', async () => {
    const one = await rawRequest(sim, `/api/v1/namespaces/${ns}/secrets/b`, {
      headers: { Accept: ONE },
    });
    expect(one.status).toBe(200);
    expect(one.json<Partial>()).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: expect.objectContaining({ name: 'b', namespace: ns }),
    });
    const listAsObject = await rawRequest(
      sim,
      `/api/v1/namespaces/${ns}/secrets`,
      { headers: { Accept: ONE } },
    );
    expect(listAsObject.status).toBe(406);
    expect(listAsObject.json<{ reason: string }>().reason).toBe(
      'NotAcceptable',
    );
    const objectAsList = await rawRequest(
      sim,
      `/api/v1/namespaces/${ns}/secrets/b`,
      { headers: { Accept: LIST } },
    );
    expect(objectAsList.status).toBe(406);
  });

  it('falls through unusable clauses to plain JSON, like the negotiator', async () => {
    const res = await rawRequest(sim, `/api/v1/namespaces/${ns}/secrets/b`, {
      headers: {
        Accept: `application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2,application/json`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json<Partial>().kind).toBe('Secret');
  });

  it('watches with PartialObjectMetadata events through client-node', async () => {
    // client-node's Watch takes no headers; its KubeConfig authenticates last.
    class MetadataConfig extends k8s.KubeConfig {
      constructor(private readonly base: k8s.KubeConfig) {
        super();
      }
      override getCurrentCluster() {
        return this.base.getCurrentCluster();
      }
      override async applySecurityAuthentication(ctx: k8s.RequestContext) {
        await this.base.applySecurityAuthentication(ctx);
        ctx.setHeaderParam('Accept', ONE);
      }
    }
    const events: Array<{ type: string; object: Partial }> = [];
    const controller = await new k8s.Watch(
      new MetadataConfig(hostKubeConfig(sim)),
    ).watch(
      `/api/v1/namespaces/${ns}/secrets`,
      { labelSelector: 'pick=c', resourceVersion: '0' },
      (type, object: Partial) => events.push({ type, object }),
      () => undefined,
    );
    try {
      await hostKubeConfig(sim)
        .makeApiClient(k8s.CoreV1Api)
        .createNamespacedSecret({
          namespace: ns,
          body: {
            metadata: { name: 'c', labels: { pick: 'c' } },
            stringData: { secret: 'value' },
          },
        });
      for (let i = 0; i < 50 && events.length === 0; i++) {
        await new Promise(r => setTimeout(r, 50));
      }
      expect(events).toEqual([
        {
          type: 'ADDED',
          object: {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: expect.objectContaining({ name: 'c' }),
          },
        },
      ]);
    } finally {
      controller.abort();
    }
  });
});
