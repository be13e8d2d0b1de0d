import { mockCredentials } from '@backstage/backend-test-utils';
import { Agent, request as httpRequest } from 'node:http';
import {
  AuditLog,
  eventually,
  GUEST_REF,
  Harness,
  SimulatedHost,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import { HostInspector, reliabilityBackend } from './__testUtils__/checks';

jest.setTimeout(180_000);

const SEED = 0x5eed_2026;
const COUNT = 10_000;
const PARALLEL = 16;

/** mulberry32: a small, fixed-seed PRNG, so every run sends the same requests. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof prng>;

interface FuzzRequest {
  kind: string;
  method: string;
  /** Sent as is: not normalised, not re-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const BASE = '/api/nested-clusters';
const GUEST = mockCredentials.user.header(GUEST_REF);

const HOSTILE_TEXT = [
  '',
  ' ',
  '../../etc/passwd',
  '..',
  '%2e%2e%2f',
  'a\u0000b',
  'line\r\nSet-Cookie: evil=1',
  '<script>alert(1)</script>',
  "'; DROP TABLE tasks; --",
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'Ünïcødé-名前-🚀',
  '\u202eevil',
  'zero\u200bwidth',
  'A'.repeat(300),
  'x'.repeat(5000),
];

/** Names that break the DNS-1123 / 40-character rule. */
const BAD_NAMES = [
  ...HOSTILE_TEXT.filter(t => t !== 'constructor'),
  'UPPER',
  '-lead',
  'trail-',
  'a.b',
  'a/b',
  'a_b',
  'a b',
  'n'.repeat(41),
  'ünï',
];

/** JSON values of every wrong type. */
function junk(r: Random, strings = true): unknown {
  switch (r.int(strings ? 9 : 7)) {
    case 0:
      return r.int(2 ** 31) * (r.next() < 0.5 ? -1 : 1);
    case 1:
      return r.next() * 1e300;
    case 2:
      return r.next() < 0.5;
    case 3:
      return null;
    case 4:
      return [r.pick(HOSTILE_TEXT)];
    case 5:
      return { nested: r.pick(HOSTILE_TEXT) };
    case 6: {
      let deep: unknown = 'x';
      for (let i = 0; i < 200; i++) deep = [deep];
      return deep;
    }
    default:
      return r.pick(HOSTILE_TEXT);
  }
}

/** Path segments that are no valid host or cluster name, raw or percent-encoded. */
function badSegment(r: Random): string {
  const raw = r.pick([
    ...BAD_NAMES,
    'does-not-exist',
    'host-z',
    '%00',
    '%2F',
    '..%2F..%2F',
    '%0d%0aSet-Cookie:%20evil=1',
    '%E2%80%AE',
    '%ff%fe',
    '%',
  ]);
  // Raw: as is, except what HTTP cannot carry in a request line at all.
  return r.next() < 0.5
    ? encodeURIComponent(raw)
    : raw.replace(/[^\u0021-\u00ff]/gu, encodeURIComponent);
}

/** Generates a request that the API must refuse with a 4xx. */
function generate(
  r: Random,
  fixtures: { paused: string; running: string; other: string },
): FuzzRequest {
  const json = (body: unknown) => ({
    headers: { authorization: GUEST, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const validCreate = () => ({
    name: `fz-${r.int(1e9).toString(36)}`,
    profile: 'sandbox',
    host: 'host-a',
  });
  switch (r.int(12)) {
    case 0: {
      // One field of a valid create replaced by a wrong type or a bad value.
      const body: Record<string, unknown> = validCreate();
      const field = r.pick([
        'name',
        'profile',
        'host',
        'ttl',
        'entityRef',
        'owner',
      ]);
      // Free text could happen to be a valid owner or component reference:
      // those fields get wrong types or values that are invalid for sure.
      const freeText = field !== 'owner' && field !== 'entityRef';
      body[field] =
        r.next() < 0.5
          ? junk(r, freeText)
          : r.pick(
              {
                name: BAD_NAMES,
                profile: ['nope', 'SANDBOX', 'sandbox '],
                host: ['host-z', '../host-a', 'host-a/..', 'HOST-A'],
                ttl: ['15d', '0m', '-1h', '1y', '72', '9999999h', 'forever'],
                entityRef: ['component:default/no-such-thing', 'a:b:c:d', ':/'],
                owner: ['component:default/web-shop', 'api:default/x', ':'],
              }[field]!,
            );
      return {
        kind: `create: bad ${field}`,
        method: 'POST',
        path: `${BASE}/clusters`,
        ...json(body),
      };
    }
    case 1: {
      const body = {
        ...validCreate(),
        [r.pick(['values', 'namespace', 'isAdmin', 'spec', 'Name'])]: junk(r),
      };
      return {
        kind: 'create: unknown field',
        method: 'POST',
        path: `${BASE}/clusters`,
        ...json(body),
      };
    }
    case 2: {
      const text = r.pick([
        '{',
        '{"name": "x",}',
        'null',
        '[]',
        '"sandbox"',
        '42',
        `{"__proto__": {"admin": true}, "name": "fz-proto", "profile": "sandbox", "host": "host-a"}`,
        `{"constructor": {"prototype": {"admin": true}}, "name": "fz-ctor", "profile": "sandbox"}`,
        '\u0000\u0001',
        '{"name": "fz-dup", "name": "UPPER", "profile": "sandbox"}',
      ]);
      return {
        kind: 'create: malformed JSON',
        method: 'POST',
        path: `${BASE}/clusters`,
        headers: { authorization: GUEST, 'content-type': 'application/json' },
        body: text,
      };
    }
    case 3: {
      // Over the JSON body limit.
      const body = {
        ...validCreate(),
        padding: 'p'.repeat(150_000 + r.int(50_000)),
      };
      return {
        kind: 'create: huge body',
        method: 'POST',
        path: `${BASE}/clusters`,
        ...json(body),
      };
    }
    case 4: {
      const contentType = r.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'multipart/form-data; boundary=x',
      ]);
      return {
        kind: 'create: wrong content type',
        method: 'POST',
        path: `${BASE}/clusters`,
        headers: { authorization: GUEST, 'content-type': contentType },
        body: contentType.startsWith('application/x-www')
          ? 'name=fz-form&profile=sandbox'
          : JSON.stringify(validCreate()),
      };
    }
    case 5: {
      const query = r.pick([
        '?dryRun=yes',
        '?dryRun=1',
        '?dryRun=true&dryRun=false',
        '?dryRun[x]=1',
      ]);
      const body = { ...validCreate(), name: r.pick(BAD_NAMES) };
      return {
        kind: 'create: bad query',
        method: 'POST',
        path: `${BASE}/clusters${query}`,
        ...json(body),
      };
    }
    case 6: {
      // Hostile :host and :name on every cluster route.
      const [method, suffix] = r.pick([
        ['GET', ''],
        ['DELETE', ''],
        ['POST', '/pause'],
        ['POST', '/resume'],
        ['POST', '/extend'],
        ['GET', '/kubeconfig'],
      ] as const);
      const host = r.next() < 0.5 ? 'host-a' : badSegment(r);
      const name =
        r.next() < 0.3 && host !== 'host-a' ? 'fz-running' : badSegment(r);
      return {
        kind: `path: ${method} ${suffix || '/'}`,
        method,
        path: `${BASE}/clusters/${host}/${name}${suffix}`,
        ...json({ ttl: '1h' }),
      };
    }
    case 7: {
      const path = r.pick([
        `${BASE}/clusters/host-a`,
        `${BASE}/clusters/host-a/fz-running/unknown`,
        `${BASE}/clusters/host-a/fz-running/pause/again`,
        `${BASE}/../../api/nested-clusters/clusters`,
        `${BASE}/clusters/..%2F..%2Fhosts`,
        `${BASE}/nope`,
      ]);
      return {
        kind: 'path: unknown route',
        method: r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        path,
        ...json({}),
      };
    }
    case 8: {
      const query = r.pick([
        'entityRef=',
        `entityRef=${'x'.repeat(300)}`,
        'entityRef=a&entityRef=b',
        'entityRef[kind]=component',
        'owner=',
        'owner=a&owner=b',
        'host=host-z',
        `host=${encodeURIComponent('../host-a')}`,
        'host=',
        `owner=${encodeURIComponent(':')}`,
      ]);
      return {
        kind: 'list: bad query',
        method: 'GET',
        path: `${BASE}/clusters?${query}`,
        headers: { authorization: GUEST },
      };
    }
    case 9: {
      // Only users may call the API: service, limited and invalid tokens are refused.
      const authorization = r.pick([
        mockCredentials.service.header(),
        mockCredentials.service.invalidHeader(),
        mockCredentials.user.invalidHeader(),
        `Bearer ${mockCredentials.limitedUser.token(GUEST_REF)}`,
      ]);
      const [method, path] = r.pick([
        ['GET', `${BASE}/clusters`],
        ['POST', `${BASE}/clusters`],
        ['DELETE', `${BASE}/clusters/host-a/fz-running`],
        ['GET', `${BASE}/clusters/host-a/fz-running/kubeconfig`],
      ] as const);
      return {
        kind: 'auth: not a user token',
        method,
        path,
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(validCreate()),
      };
    }
    case 10: {
      // Repeated and out-of-order lifecycle calls on real clusters.
      const [kind, method, path, body] = r.pick([
        [
          'resume a Running cluster',
          'POST',
          `/clusters/host-a/${fixtures.running}/resume`,
          undefined,
        ],
        [
          'pause a Paused cluster',
          'POST',
          `/clusters/host-a/${fixtures.paused}/pause`,
          undefined,
        ],
        [
          'create a taken name',
          'POST',
          '/clusters',
          { name: fixtures.running, profile: 'sandbox', host: 'host-a' },
        ],
        [
          'extend past maxTtl',
          'POST',
          `/clusters/host-a/${fixtures.running}/extend`,
          { ttl: '15d' },
        ],
        [
          'extend with a bad ttl',
          'POST',
          `/clusters/host-a/${fixtures.paused}/extend`,
          { ttl: r.pick(['0m', 'soon', '-3h']) },
        ],
        [
          'extend with unknown fields',
          'POST',
          `/clusters/host-a/${fixtures.running}/extend`,
          { ttl: '1h', by: 'me' },
        ],
        [
          "pause someone else's cluster",
          'POST',
          `/clusters/host-a/${fixtures.other}/pause`,
          undefined,
        ],
        [
          "delete someone else's cluster",
          'DELETE',
          `/clusters/host-a/${fixtures.other}`,
          undefined,
        ],
        [
          "kubeconfig of someone else's cluster",
          'GET',
          `/clusters/host-a/${fixtures.other}/kubeconfig`,
          undefined,
        ],
        [
          'lifecycle on a deleted cluster',
          r.pick(['GET', 'DELETE']),
          '/clusters/host-a/fz-gone',
          undefined,
        ],
      ] as const);
      return {
        kind: `lifecycle: ${kind}`,
        method,
        path: `${BASE}${path}`,
        ...json(body ?? {}),
      };
    }
    default: {
      const headers: Record<string, string> = {
        authorization: GUEST,
        'content-type': 'application/json',
        [r.pick([
          'x-forwarded-for',
          'x-forwarded-host',
          'x-original-url',
          'x-http-method-override',
          'origin',
        ])]: r.pick([
          '127.0.0.1, evil',
          '../admin',
          'DELETE',
          'null',
          'a'.repeat(2000),
          'h\u00e9llo',
        ]),
      };
      return {
        kind: 'headers: hostile extra header',
        method: 'POST',
        path: `${BASE}/clusters`,
        headers,
        body: JSON.stringify({ ...validCreate(), name: r.pick(BAD_NAMES) }),
      };
    }
  }
}

interface Sent {
  request: FuzzRequest;
  status: number;
  body: string;
  setCookie?: string[];
}

function send(port: number, agent: Agent, request: FuzzRequest): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: request.method,
        path: request.path,
        headers: request.headers,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            request,
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 500),
            setCookie: res.headers['set-cookie'],
          }),
        );
      },
    );
    req.setTimeout(20_000, () =>
      req.destroy(new Error(`timeout: ${request.method} ${request.path}`)),
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

describe('REST API fuzzing', () => {
  let sims: SimulatedHost[];
  let portal: Harness;
  const audit = new AuditLog();

  beforeAll(async () => {
    sims = await startSimulators(['host-a']);
    portal = await startBackend({ ...reliabilityBackend(sims), audit });
  });

  afterAll(async () => {
    await portal?.stop();
    await Promise.all((sims ?? []).map(s => s.sim.stop()));
  });

  it(`${COUNT} malformed or hostile requests (seed ${SEED}) all get a 4xx and create nothing`, async () => {
    const { api } = portal;
    const fixtures = {
      running: 'fz-running',
      paused: 'fz-paused',
      other: 'fz-other',
    };
    expect((await api.create(fixtures.running, 'host-a')).status).toBe(202);
    expect((await api.create(fixtures.paused, 'host-a')).status).toBe(202);
    expect(
      (await api.as('user:default/bob').create(fixtures.other, 'host-a'))
        .status,
    ).toBe(202);
    await eventually(async () => {
      for (const name of Object.values(fixtures)) {
        expect((await api.get('host-a', name)).body).toMatchObject({
          status: 'Running',
        });
      }
    });
    expect((await api.action('host-a', fixtures.paused, 'pause')).status).toBe(
      202,
    );
    await eventually(async () =>
      expect((await api.get('host-a', fixtures.paused)).body).toMatchObject({
        status: 'Paused',
      }),
    );
    const inspector = new HostInspector(sims[0].sim);
    const before = [
      ...(await inspector.clusterNamespaces()),
      ...(await inspector.objects()),
    ];
    const createsBefore = audit.succeeded('nested-cluster-create').length;

    const r = prng(SEED);
    const requests = Array.from({ length: COUNT }, () => generate(r, fixtures));
    const port = portal.port;
    const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
    const results: Sent[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < requests.length) {
          results.push(await send(port, agent, requests[next++]));
        }
      }),
    );
    agent.destroy();

    const refused = results.filter(s => s.status < 400 || s.status >= 500);
    const summary = refused
      .slice(0, 10)
      .map(
        s =>
          `${s.status} ${s.request.kind}: ${
            s.request.method
          } ${s.request.path.slice(0, 120)} → ${s.body.slice(0, 200)}`,
      );
    expect(summary).toEqual([]);
    expect(results).toHaveLength(COUNT);
    expect(results.filter(s => s.setCookie)).toEqual([]);
    // Every kind of request was exercised.
    expect(new Set(results.map(s => s.request.kind.split(':')[0])).size).toBe(
      6,
    );

    // Still serving, and nothing appeared on the host.
    expect((await api.call('GET', '/hosts')).status).toBe(200);
    expect([
      ...(await inspector.clusterNamespaces()),
      ...(await inspector.objects()),
    ]).toEqual(before);
    expect(audit.succeeded('nested-cluster-create')).toHaveLength(
      createsBefore,
    );
    for (const name of Object.values(fixtures)) {
      expect((await api.get('host-a', name)).body).toMatchObject({
        status: name === fixtures.paused ? 'Paused' : 'Running',
      });
    }
  });
});
