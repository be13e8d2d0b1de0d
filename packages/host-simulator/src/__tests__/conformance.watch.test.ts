import * as k8s from '@kubernetes/client-node';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  mergePatch,
  rawRequest,
} from '../__testUtils__/helpers';

type Event = { type: string; name?: string; rv?: string; code?: number };

/** Watch semantics through client-node's Watch and makeInformer. */
describe('conformance: watch', () => {
  let sim: HostSimulator;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const ns = 'watched';
  const stops: (() => void)[] = [];

  beforeAll(async () => {
    sim = await startHostSimulator({ bookmarkIntervalMs: 100 });
    kc = hostKubeConfig(sim);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterEach(() => {
    stops.splice(0).forEach(s => s());
  });
  afterAll(() => sim.stop());

  async function watch(
    path: string,
    query: Record<string, string | boolean>,
    events: Event[],
    done?: (err: unknown) => void,
  ) {
    const controller = await new k8s.Watch(kc).watch(
      path,
      query,
      (
        type,
        obj: {
          metadata?: { name?: string; resourceVersion?: string };
          code?: number;
        },
      ) => {
        events.push({
          type,
          name: obj.metadata?.name,
          rv: obj.metadata?.resourceVersion,
          code: obj.code,
        });
      },
      err => done?.(err),
    );
    stops.push(() => controller.abort());
    return controller;
  }

  it('streams ADDED, MODIFIED and DELETED from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const events: Event[] = [];
    await watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata!.resourceVersion! },
      events,
    );
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'w1' } },
    });
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'w1', body: { data: { a: 'b' } } },
      mergePatch(),
    );
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'w1' });
    await eventually(() => events.length >= 3);
    expect(events.map(e => `${e.type}:${e.name}`)).toEqual([
      'ADDED:w1',
      'MODIFIED:w1',
      'DELETED:w1',
    ]);
    expect(Number(events[2].rv)).toBeGreaterThan(Number(events[1].rv));
  });

  it('resumes from an older resourceVersion and replays what was missed', async () => {
    const start = (await core.listNamespacedConfigMap({ namespace: ns }))
      .metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'missed-1' } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'missed-2' } },
    });
    const events: Event[] = [];
    await watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: start },
      events,
    );
    await eventually(() => events.length >= 2);
    expect(events.map(e => e.name)).toEqual(['missed-1', 'missed-2']);
  });

  it('sends bookmarks when allowed', async () => {
    const events: Event[] = [];
    const rv = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!
      .resourceVersion!;
    await watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: rv, allowWatchBookmarks: true },
      events,
    );
    const bookmark = await eventually(() =>
      events.find(e => e.type === 'BOOKMARK'),
    );
    expect(Number(bookmark.rv)).toBeGreaterThanOrEqual(Number(rv));
  });

  it('translates label-selector transitions into ADDED and DELETED', async () => {
    const events: Event[] = [];
    const rv = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!
      .resourceVersion!;
    await watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: rv, labelSelector: 'pick=yes' },
      events,
    );
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'sel' } },
    });
    await core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'sel',
        body: { metadata: { labels: { pick: 'yes' } } },
      },
      mergePatch(),
    );
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'sel', body: { data: { x: 'y' } } },
      mergePatch(),
    );
    await core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'sel',
        body: { metadata: { labels: { pick: 'no' } } },
      },
      mergePatch(),
    );
    await eventually(() => events.length >= 3);
    expect(events.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('answers a too-old resourceVersion with a 410 ERROR event, like the watch cache', async () => {
    const old = (await core.listNamespacedConfigMap({ namespace: ns }))
      .metadata!.resourceVersion!;
    sim.faults.forceGone();
    const events: Event[] = [];
    let ended = false;
    await watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: old },
      events,
      () => {
        ended = true;
      },
    );
    await eventually(() => ended);
    expect(events).toEqual([
      { type: 'ERROR', name: undefined, rv: undefined, code: 410 },
    ]);
    const raw = await rawRequest(
      sim,
      `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${old}`,
    );
    expect(JSON.parse(raw.body.trim())).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('serves legacy /watch/ paths', async () => {
    const raw = await rawRequest(
      sim,
      `/api/v1/watch/namespaces/${ns}/configmaps?timeoutSeconds=1`,
    );
    expect(raw.status).toBe(200);
    const types = raw.body
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line).type);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['ADDED']));
    const named = await rawRequest(
      sim,
      `/api/v1/watch/namespaces/${ns}/configmaps/kube-root-ca.crt?timeoutSeconds=1`,
    );
    const names = named.body
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line).object.metadata.name);
    expect(names).toEqual(['kube-root-ca.crt']);
  });

  it('streams the initial state and an initial-events-end bookmark for watch-list requests', async () => {
    const raw = await rawRequest(
      sim,
      `/api/v1/namespaces/${ns}/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`,
    );
    const lines = raw.body
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line));
    const bookmark = lines.findIndex(l => l.type === 'BOOKMARK');
    expect(bookmark).toBeGreaterThan(0);
    expect(lines.slice(0, bookmark).every(l => l.type === 'ADDED')).toBe(true);
    expect(lines[bookmark].object.metadata.annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
    const refused = await rawRequest(
      sim,
      `/api/v1/namespaces/${ns}/configmaps?watch=true&sendInitialEvents=true`,
    );
    expect(refused.status).toBe(422);
  });

  it('keeps a makeInformer cache in sync, and re-lists after 410 Gone', async () => {
    const listFn = () =>
      core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'inf=1' });
    const informer = k8s.makeInformer(
      kc,
      `/api/v1/namespaces/${ns}/configmaps`,
      listFn,
      'inf=1',
    );
    const seen: string[] = [];
    informer.on('add', o => seen.push(`add:${o.metadata?.name}`));
    informer.on('update', o => seen.push(`update:${o.metadata?.name}`));
    informer.on('delete', o => seen.push(`delete:${o.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', e => errors.push(e));
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'inf-a', labels: { inf: '1' } } },
    });
    await informer.start();
    stops.push(() => void informer.stop());
    await eventually(() => informer.list().length === 1);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'inf-b', labels: { inf: '1' } } },
    });
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'inf-a', body: { data: { v: '2' } } },
      mergePatch(),
    );
    await eventually(
      () =>
        informer.get('inf-a', ns)?.data?.v === '2' &&
        informer.list().length === 2,
    );

    // Compaction: the open watch gets 410, the informer re-lists and keeps going.
    sim.faults.forceGone();
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'inf-b' });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'inf-c', labels: { inf: '1' } } },
    });
    await eventually(
      () =>
        informer
          .list()
          .map(o => o.metadata?.name)
          .sort()
          .join() === 'inf-a,inf-c',
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        'add:inf-a',
        'add:inf-b',
        'update:inf-a',
        'delete:inf-b',
        'add:inf-c',
      ]),
    );
    expect(errors).toEqual([]);
  });

  it('lets an informer notice a dropped watch connection', async () => {
    const listFn = () => core.listNamespacedConfigMap({ namespace: ns });
    const informer = k8s.makeInformer(
      kc,
      `/api/v1/namespaces/${ns}/configmaps`,
      listFn,
    );
    const errors: unknown[] = [];
    informer.on('error', e => errors.push(e));
    await informer.start();
    stops.push(() => void informer.stop());
    await new Promise(resolve => setTimeout(resolve, 50));
    sim.faults.dropWatches();
    await eventually(() => errors.length > 0);
    // A graceful end of the stream instead makes it reconnect by itself.
    await informer.start();
    const connects: number[] = [];
    informer.on('connect', () => connects.push(Date.now()));
    await new Promise(resolve => setTimeout(resolve, 50));
    sim.faults.dropWatches({ graceful: true });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'after-drop' } },
    });
    await eventually(() => informer.get('after-drop', ns));
    expect(connects.length).toBeGreaterThan(0);
  });
});
