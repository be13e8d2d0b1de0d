import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { Cluster } from '../cluster';
import { ControllerContext } from '../controllers/context';
import { field, isPodReady, upsert } from '../controllers/kinds';
import { ApiError } from '../errors';
import { FaultController } from '../faults';
import { getPath, isJsonObject, JsonObject } from '../json';
import { KubeObject, nowIso } from '../model';

/*
 * vcluster's deploy controller (pkg/controllers/deploy at v0.36.1: start.go,
 * deploy.go, types.go). When the syncer starts it applies
 * `experimental.deploy.vcluster.manifests` inside the virtual cluster, then
 * installs each `experimental.deploy.vcluster.helm[]` chart in order, retrying
 * every 10 s after a failure, and records the outcome in the virtual cluster's
 * ConfigMap kube-system/vcluster-deploy, annotation `vcluster.loft.sh/status`.
 */

export const DEPLOY_CONFIGMAP = 'vcluster-deploy';
export const DEPLOY_NAMESPACE = 'kube-system';
export const DEPLOY_STATUS_KEY = 'vcluster.loft.sh/status';

type Phase = 'Pending' | 'Success' | 'Failed';

interface ChartStatus {
  name?: string;
  namespace?: string;
  phase?: Phase;
  reason?: string;
  message?: string;
  lastAppliedChartConfigHash?: string;
}

interface DeployStatus {
  phase?: Phase;
  reason?: string;
  message?: string;
  charts?: ChartStatus[];
  manifests: {
    phase?: Phase;
    reason?: string;
    message?: string;
    lastAppliedManifests?: string;
  };
}

/** One `experimental.deploy.vcluster.helm[]` entry (config/config.go ExperimentalDeployHelm). */
interface HelmEntry {
  chart: { name: string; repo: string; version: string };
  release: { name: string; namespace: string };
  values: string;
  timeout: string;
  /** The entry as vcluster hashes it for lastAppliedChartConfigHash. */
  raw: JsonObject;
}

/** deploy.go: a failed `helm install`/`upgrade` (pkg/helm errorExecutingHelm). */
const INSTALL_ERROR = 'InstallFailed';
const UPGRADE_ERROR = 'UpgradeFailed';

/** A vcluster's deploy work for one syncer start; a pause or a delete ends it. */
interface Run {
  cluster: Cluster;
  cancelled: boolean;
}

/** Go's json.Marshal with `omitempty` on every string and the charts slice. */
function encodeStatus(status: DeployStatus): string {
  const strip = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.entries(o).filter(([, v]) => v !== '' && v !== undefined),
    );
  return JSON.stringify({
    ...strip({
      phase: status.phase,
      reason: status.reason,
      message: status.message,
    }),
    ...(status.charts?.length ? { charts: status.charts.map(strip) } : {}),
    manifests: strip(status.manifests),
  });
}

function parseStatus(cm: KubeObject | undefined): DeployStatus {
  const raw = cm?.metadata.annotations?.[DEPLOY_STATUS_KEY];
  try {
    const parsed = raw ? (JSON.parse(raw) as Partial<DeployStatus>) : {};
    return { ...parsed, manifests: parsed.manifests ?? {} };
  } catch {
    return { manifests: {} };
  }
}

/** A wait that does not keep the process alive. */
const sleep = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms).unref());

/** pkg/util/compress: gzip, then base64. */
const compress = (s: string) => gzipSync(Buffer.from(s)).toString('base64');
function uncompress(s: string | undefined): string {
  try {
    return s ? gunzipSync(Buffer.from(s, 'base64')).toString() : '';
  } catch {
    return '';
  }
}

function helmEntries(values: JsonObject): HelmEntry[] {
  const list = getPath(values, 'experimental.deploy.vcluster.helm');
  return (Array.isArray(list) ? list : []).filter(isJsonObject).map(raw => {
    const chart = field(raw, 'chart');
    const release = field(raw, 'release');
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      chart: {
        name: text(chart.name),
        repo: text(chart.repo),
        version: text(chart.version),
      },
      // getTargetRelease: the chart's name in `default` unless the release says otherwise.
      release: {
        name: text(release.name) || text(chart.name),
        namespace: text(release.namespace) || 'default',
      },
      values: text(raw.values),
      timeout: text(raw.timeout),
      raw,
    };
  });
}

/** The status's overall phase, as Deployer.UpdateConfigMap derives it. */
function withOverallPhase(
  status: DeployStatus,
  wantedCharts: number,
  lastError?: string,
): DeployStatus {
  const failedChart = status.charts?.find(c => c.phase !== 'Success');
  if (status.manifests.phase !== 'Success') {
    return {
      ...status,
      phase: 'Failed',
      reason: status.manifests.reason,
      message: status.manifests.message,
    };
  }
  if (failedChart) {
    return {
      ...status,
      phase: 'Failed',
      reason: failedChart.reason,
      message: failedChart.message,
    };
  }
  if (lastError) {
    return {
      ...status,
      phase: 'Failed',
      reason: 'Unknown',
      message: lastError,
    };
  }
  const done = (status.charts?.length ?? 0) === wantedCharts;
  return {
    ...status,
    phase: done ? 'Success' : 'Pending',
    reason: '',
    message: '',
  };
}

function setChart(status: DeployStatus, entry: HelmEntry, update: ChartStatus) {
  const charts = [...(status.charts ?? [])];
  const i = charts.findIndex(
    c =>
      c.name === entry.release.name && c.namespace === entry.release.namespace,
  );
  const next = {
    ...(i >= 0
      ? charts[i]
      : { name: entry.release.name, namespace: entry.release.namespace }),
    ...update,
  };
  if (i >= 0) {
    charts[i] = next;
  } else {
    charts.push(next);
  }
  return { ...status, charts };
}

/**
 * Emulates the deploy controller of every running vcluster. It starts when the
 * control-plane pod is Ready and the nested API serves; charts take the
 * `helmInstallMs` delay each, a failure is retried after 2.5 × that (10 s at
 * the CLI's delays, like start.go), and `faults.failAddonCharts` makes chart
 * installs fail.
 */
export function deployController(
  host: ControllerContext,
  faults: FaultController,
  serving: (namespace: string, name: string) => Cluster | undefined,
): () => void {
  const runs = new Map<string, Run>();
  const delay = () => faults.scaleDelay(host.delays().helmInstallMs);

  /** The vcluster's values: what the syncer reads from Secret vc-config-<name> (templates/config-secret.yaml). */
  const valuesOf = (namespace: string, name: string): JsonObject => {
    const secret = host.api.tryGet(
      host.kinds.secret,
      namespace,
      `vc-config-${name}`,
    );
    const data = field(secret, 'data')['config.yaml'];
    if (typeof data !== 'string') {
      return {};
    }
    const parsed: unknown = parseYaml(Buffer.from(data, 'base64').toString());
    return isJsonObject(parsed) ? parsed : {};
  };

  const writeStatus = (cluster: Cluster, status: DeployStatus) => {
    const { api, kinds } = cluster.context;
    const existing = api.tryGet(
      kinds.configMap,
      DEPLOY_NAMESPACE,
      DEPLOY_CONFIGMAP,
    );
    const value = encodeStatus(status);
    if (existing?.metadata.annotations?.[DEPLOY_STATUS_KEY] === value) {
      return;
    }
    upsert(api, kinds.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: DEPLOY_CONFIGMAP,
        namespace: DEPLOY_NAMESPACE,
        annotations: { [DEPLOY_STATUS_KEY]: value },
      },
    });
  };

  const readStatus = (cluster: Cluster) =>
    parseStatus(
      cluster.context.api.tryGet(
        cluster.context.kinds.configMap,
        DEPLOY_NAMESPACE,
        DEPLOY_CONFIGMAP,
      ),
    );

  /** ProcessInitManifests: apply unless unchanged since the last apply; delete objects no longer listed. */
  const deployManifests = (
    cluster: Cluster,
    text: string,
    wantedCharts: number,
  ) => {
    let status = readStatus(cluster);
    const last = uncompress(status.manifests.lastAppliedManifests);
    let error: string | undefined;
    if (text !== last) {
      try {
        applyManifests(cluster, text, last);
        status = {
          ...status,
          manifests: { phase: 'Success', lastAppliedManifests: compress(text) },
        };
      } catch (e) {
        error = `apply manifests: ${(e as Error).message}`;
        status = {
          ...status,
          manifests: {
            ...status.manifests,
            phase: 'Failed',
            reason: INSTALL_ERROR,
            message: error,
          },
        };
      }
    } else {
      status = {
        ...status,
        manifests: {
          ...status.manifests,
          phase: 'Success',
          reason: '',
          message: '',
        },
      };
    }
    writeStatus(cluster, withOverallPhase(status, wantedCharts, error));
  };

  /** A failed helm command as pkg/helm reports it (errorExecutingHelm). */
  const helmError = (entry: HelmEntry, upgrade: boolean) =>
    `error executing helm ${upgrade ? 'upgrade' : 'install'} ${
      entry.release.name
    } /tmp/${entry.chart.name}-${
      entry.chart.version
    }.tgz --create-namespace --namespace ${entry.release.namespace}${
      upgrade ? ' --install' : ''
    }: Error: ${
      upgrade ? 'UPGRADE' : 'INSTALLATION'
    } FAILED: context deadline exceeded`;

  /** ProcessHelmChart, retried like start.go until every chart is installed. */
  const installCharts = async (run: Run, entries: HelmEntry[]) => {
    while (!run.cancelled) {
      let status = readStatus(run.cluster);
      let failure: string | undefined;
      for (const entry of entries) {
        const hash = createHash('md5')
          .update(JSON.stringify(entry.raw))
          .digest('hex');
        const current = status.charts?.find(
          c =>
            c.name === entry.release.name &&
            c.namespace === entry.release.namespace,
        );
        const exists = releaseRecords(run.cluster, entry).length > 0;
        if (exists && current?.lastAppliedChartConfigHash === hash) {
          continue;
        }
        await sleep(delay());
        if (run.cancelled) {
          return;
        }
        const upgrade = exists;
        if (faults.addonChartFails(entry.release.name)) {
          failure = helmError(entry, upgrade);
          writeRelease(run.cluster, entry, 'failed');
          status = setChart(status, entry, {
            phase: 'Failed',
            reason: upgrade ? UPGRADE_ERROR : INSTALL_ERROR,
            message: failure,
          });
          break;
        }
        writeRelease(run.cluster, entry, 'deployed');
        status = setChart(status, entry, {
          phase: 'Success',
          reason: '',
          message: '',
          lastAppliedChartConfigHash: hash,
        });
      }
      // UpdateConfigMap keeps the manifests' result, read back from the map.
      status = { ...status, manifests: readStatus(run.cluster).manifests };
      writeStatus(run.cluster, withOverallPhase(status, entries.length));
      if (!failure) {
        return;
      }
      await sleep(delay() * 2.5);
    }
  };

  const start = (namespace: string, name: string, attempt = 0) => {
    const key = `${namespace}/${name}`;
    const cluster = serving(namespace, name);
    if (!cluster) {
      // The nested API comes up a moment after the pod is Ready (kubeconfigMs).
      if (attempt < 20) {
        host.runtime.enqueue(
          `deploy/${key}`,
          () => start(namespace, name, attempt + 1),
          host.delays().kubeconfigMs,
        );
      }
      return;
    }
    if (runs.get(key)?.cluster === cluster && !runs.get(key)?.cancelled) {
      return;
    }
    const values = valuesOf(namespace, name);
    const manifests = getPath(values, 'experimental.deploy.vcluster.manifests');
    const charts = helmEntries(values);
    const manifestsText = typeof manifests === 'string' ? manifests : '';
    if (!manifestsText && charts.length === 0) {
      return;
    }
    const run: Run = { cluster, cancelled: false };
    runs.set(key, run);
    deployManifests(cluster, manifestsText, charts.length);
    // The runtime logs what fails (a nested cluster stopped mid-install, say).
    host.runtime.after(0, `deploy-charts/${key}`, () =>
      installCharts(run, charts),
    );
  };

  const unsubscribe = host.store.subscribe(e => {
    const { namespace, name, labels } = e.object.metadata;
    if (
      e.typeKey !== '/pods' ||
      labels?.app !== 'vcluster' ||
      !labels.release ||
      name !== `${labels.release}-0` ||
      !namespace
    ) {
      return;
    }
    const key = `${namespace}/${labels.release}`;
    if (e.type === 'DELETED' || !isPodReady(e.object)) {
      // The syncer stopped: its deploy loop ends with it.
      const run = runs.get(key);
      if (run) {
        run.cancelled = true;
        runs.delete(key);
      }
      return;
    }
    const release = labels.release;
    host.runtime.enqueue(
      `deploy/${key}`,
      () => start(namespace, release),
      host.delays().kubeconfigMs,
    );
  });
  return () => {
    unsubscribe();
    runs.forEach(run => {
      run.cancelled = true;
    });
    runs.clear();
  };
}

/** Applies every object of `text` (namespaced ones default to `default`) and deletes those only `last` had (helper.go). */
function applyManifests(cluster: Cluster, text: string, last: string) {
  const { api } = cluster.context;
  const objects = (source: string) =>
    parseAllDocuments(source)
      .map(doc => {
        if (doc.errors.length) {
          throw new Error(`unable to parse objects: ${doc.errors[0].message}`);
        }
        return doc.toJS() as unknown;
      })
      .filter(isJsonObject)
      .map(o => o as unknown as KubeObject);
  const keyOf = (o: KubeObject) =>
    `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${
      o.metadata?.name
    }`;
  const wanted = objects(text);
  for (const obj of wanted) {
    let type;
    try {
      type = api.typeOf(obj.apiVersion, obj.kind);
    } catch {
      throw new Error(
        `resource mapping not found for name: "${
          obj.metadata?.name
        }" namespace: "${
          obj.metadata?.namespace ?? ''
        }" from "manifests": no matches for kind "${obj.kind}" in version "${
          obj.apiVersion
        }"`,
      );
    }
    const namespace = type.namespaced
      ? obj.metadata.namespace ?? 'default'
      : undefined;
    api.patch(
      type,
      namespace,
      obj.metadata.name!,
      'apply',
      obj as unknown as JsonObject,
      {
        fieldManager: 'vcluster',
      },
    );
  }
  const kept = new Set(wanted.map(keyOf));
  for (const old of last ? objects(last) : []) {
    if (kept.has(keyOf(old))) {
      continue;
    }
    try {
      const type = api.typeOf(old.apiVersion, old.kind);
      api.delete(
        type,
        type.namespaced ? old.metadata.namespace ?? 'default' : undefined,
        old.metadata.name!,
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) {
        throw error;
      }
    }
  }
}

function releaseDescription(status: 'deployed' | 'failed', version: number) {
  if (status === 'failed') {
    return 'Release failed: context deadline exceeded';
  }
  return version > 1 ? 'Upgrade complete' : 'Install complete';
}

function releaseRecords(cluster: Cluster, entry: HelmEntry) {
  const { api, kinds, store } = cluster.context;
  return store
    .list(api.key(kinds.secret), entry.release.namespace)
    .filter(
      s =>
        s.metadata.labels?.owner === 'helm' &&
        s.metadata.labels?.name === entry.release.name,
    );
}

/**
 * What `helm install|upgrade --create-namespace` leaves in the virtual
 * cluster: the release namespace and the release secret
 * `sh.helm.release.v1.<release>.v<N>` (helm pkg/storage/driver/secrets.go:
 * type helm.sh/release.v1, labels name/owner=helm/status/version, the record
 * gzip+base64); the previous deployed revision becomes `superseded`. The
 * chart's own objects are not rendered: nothing downloads charts here.
 */
function writeRelease(
  cluster: Cluster,
  entry: HelmEntry,
  status: 'deployed' | 'failed',
) {
  const { api, kinds } = cluster.context;
  const ns = entry.release.namespace;
  if (!api.tryGet(kinds.namespace, undefined, ns)) {
    api.create(kinds.namespace, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
  }
  const previous = releaseRecords(cluster, entry);
  const version =
    previous.reduce(
      (max, s) => Math.max(max, Number(s.metadata.labels?.version) || 0),
      0,
    ) + 1;
  for (const old of previous) {
    if (old.metadata.labels?.status === 'deployed') {
      api.patch(kinds.secret, ns, old.metadata.name, 'merge', {
        metadata: { labels: { status: 'superseded' } },
      });
    }
  }
  const now = nowIso();
  const record = {
    name: entry.release.name,
    namespace: ns,
    version,
    info: {
      status,
      first_deployed: now,
      last_deployed: now,
      description: releaseDescription(status, version),
    },
    chart: {
      metadata: { name: entry.chart.name, version: entry.chart.version },
    },
    config: parseYaml(entry.values || '{}') ?? {},
    manifest: '',
  };
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(record))).toString(
    'base64',
  );
  api.create(kinds.secret, ns, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `sh.helm.release.v1.${entry.release.name}.v${version}`,
      labels: {
        name: entry.release.name,
        owner: 'helm',
        status,
        version: String(version),
      },
    },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  });
}
