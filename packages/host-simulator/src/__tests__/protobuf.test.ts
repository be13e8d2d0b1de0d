import * as https from 'node:https';
import { startHostSimulator, HostSimulator } from '../simulator';
import { decodeProtobuf, encodeProtobuf, PROTOBUF } from '../http/protobuf';

/** The Kubernetes protobuf encoding on the wire: request bodies, protobuf-only answers, errors, watch frames. */
describe('protobuf', () => {
  let sim: HostSimulator;
  beforeAll(async () => {
    sim = await startHostSimulator();
  });
  afterAll(() => sim.stop());

  const request = (
    path: string,
    init: { method?: string; body?: Buffer; headers?: Record<string, string> },
    complete?: (received: Buffer) => boolean,
  ) =>
    new Promise<{ status: number; type: string; body: Buffer }>(
      (resolve, reject) => {
        const req = https.request(
          `${sim.url}${path}`,
          {
            method: init.method ?? 'GET',
            ca: sim.caPem,
            headers: { Authorization: `Bearer ${sim.token}`, ...init.headers },
          },
          res => {
            const chunks: Buffer[] = [];
            const done = () =>
              resolve({
                status: res.statusCode ?? 0,
                type: String(res.headers['content-type']),
                body: Buffer.concat(chunks),
              });
            res.on('data', c => {
              chunks.push(c as Buffer);
              if (complete?.(Buffer.concat(chunks))) {
                done();
                req.destroy();
              }
            });
            res.on('end', done);
          },
        );
        req.on('error', reject);
        req.end(init.body);
      },
    );

  it('decodes a protobuf body and answers in protobuf when only protobuf is accepted', async () => {
    const body = encodeProtobuf({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'pb', labels: { app: 'pb' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'pb' } },
        template: {
          metadata: { labels: { app: 'pb' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'nginx',
                ports: [{ containerPort: 80 }],
                resources: { limits: { cpu: '500m' } },
              },
            ],
          },
        },
        strategy: { rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } },
      },
    });
    const created = await request(
      '/apis/apps/v1/namespaces/default/deployments',
      {
        method: 'POST',
        body,
        headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF },
      },
    );
    expect(created.status).toBe(201);
    expect(created.type).toBe(PROTOBUF);
    const obj = decodeProtobuf(created.body);
    expect(obj).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'pb', namespace: 'default', labels: { app: 'pb' } },
      spec: {
        replicas: 0,
        strategy: { rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } },
      },
    });
    expect(obj.spec).toMatchObject({
      template: {
        spec: {
          containers: [
            {
              name: 'c',
              ports: [{ containerPort: 80 }],
              resources: { limits: { cpu: '500m' } },
            },
          ],
        },
      },
    });
    // The same object in JSON for a client that accepts JSON too.
    const json = await request(
      '/apis/apps/v1/namespaces/default/deployments/pb',
      {
        headers: { Accept: `${PROTOBUF}, application/json` },
      },
    );
    expect(json.type).toBe('application/json');
    expect(JSON.parse(json.body.toString()).spec.replicas).toBe(0);
    // Lists and errors in protobuf.
    const list = decodeProtobuf(
      (
        await request('/apis/apps/v1/namespaces/default/deployments', {
          headers: { Accept: PROTOBUF },
        })
      ).body,
    );
    expect(list.kind).toBe('DeploymentList');
    expect(
      (list.items as { metadata: { name: string } }[]).map(
        i => i.metadata.name,
      ),
    ).toEqual(['pb']);
    const missing = await request(
      '/api/v1/namespaces/default/configmaps/nope',
      { headers: { Accept: PROTOBUF } },
    );
    expect(missing.status).toBe(404);
    expect(decodeProtobuf(missing.body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
    });
  });

  it('answers 415 for a type without a definition and 406 for protobuf-only custom resources', async () => {
    const unknown = encodeProtobuf({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
    });
    // Rewrite the envelope's kind (ConfigMap → ConfigMaq), keeping its length.
    const bad = Buffer.from(
      unknown.toString('latin1').replace('ConfigMap', 'ConfigMaq'),
      'latin1',
    );
    const rejected = await request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: bad,
      headers: { 'Content-Type': PROTOBUF },
    });
    expect(rejected.status).toBe(415);
    expect(JSON.parse(rejected.body.toString()).reason).toBe(
      'UnsupportedMediaType',
    );
    const crs = await request(
      '/apis/cluster.x-k8s.io/v1beta1/namespaces/default/clusters',
      {
        headers: { Accept: PROTOBUF },
      },
    );
    expect(crs.status).toBe(406);
  });

  it('streams watch events as length-prefixed protobuf frames', async () => {
    const watched = await request(
      '/api/v1/namespaces?watch=True&fieldSelector=metadata.name%3Ddefault',
      { headers: { Accept: `${PROTOBUF};stream=watch` } },
      b => b.length >= 4 && b.length >= 4 + b.readUInt32BE(0),
    );
    expect(watched.type).toBe(`${PROTOBUF};stream=watch`);
    const frame = watched.body.subarray(4, 4 + watched.body.readUInt32BE(0));
    // A WatchEvent whose object is the enveloped Namespace.
    expect(frame.includes(Buffer.from('ADDED'))).toBe(true);
    expect(frame.includes(Buffer.from('k8s\u0000'))).toBe(true);
    expect(frame.includes(Buffer.from('Namespace'))).toBe(true);
  });
});
