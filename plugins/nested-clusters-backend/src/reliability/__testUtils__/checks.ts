/*
 * The reliability tests' checks: clear error answers, and an independent view
 * of each host through @kubernetes/client-node to find lost, duplicated or
 * orphaned objects.
 */
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { HostSimulator } from '@nested-clusters/host-simulator';
import { Client } from 'pg';
import { MANAGED_SELECTOR } from '@nested-clusters/plugin-nested-clusters-node';
import {
  adminClients,
  ApiAnswer,
  NAMESPACE_PREFIX,
  RestApi,
  SimulatedHost,
  StartBackendOptions,
} from '@nested-clusters/test-harness';

/**
 * An error answer is clear when it is a 4xx or a 503, in Backstage's error
 * shape, with a message (naming the host for a 503) and no stack trace.
 */
export function clearError(
  answer: ApiAnswer,
  host?: string,
): string | undefined {
  const body = answer.body as {
    error?: { name?: string; message?: string; stack?: string };
  };
  const problems: string[] = [];
  if (!(answer.status >= 400 && answer.status < 500) && answer.status !== 503) {
    problems.push(`status ${answer.status}`);
  }
  if (!body?.error?.message) {
    problems.push('no error message');
  }
  if (body?.error?.stack || /\n\s+at /.test(answer.text)) {
    problems.push('a stack trace');
  }
  if (answer.status === 503 && host && !body?.error?.message?.includes(host)) {
    problems.push(`a 503 not naming host "${host}"`);
  }
  return problems.length
    ? `${problems.join(', ')}: ${answer.text.slice(0, 300)}`
    : undefined;
}

/** An independent look at a host through client-node: our namespaces and what is in them. */
export class HostInspector {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly rbac: RbacAuthorizationV1Api;

  constructor(sim: HostSimulator) {
    const { kubeConfig, core, apps } = adminClients(sim);
    this.core = core;
    this.apps = apps;
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  }

  /** Names of the nested clusters whose namespaces exist (terminating or not). */
  async clusterNamespaces(): Promise<string[]> {
    const list = await this.core.listNamespace({
      labelSelector: MANAGED_SELECTOR,
    });
    return list.items
      .map(n => n.metadata!.name!)
      .filter(n => n.startsWith(NAMESPACE_PREFIX))
      .sort();
  }

  /** Every namespaced object in a cluster-prefixed namespace, as kind/namespace/name. */
  async objects(): Promise<string[]> {
    const lists = await Promise.all([
      this.core.listPodForAllNamespaces().then(l => ['Pod', l.items] as const),
      this.core
        .listSecretForAllNamespaces()
        .then(l => ['Secret', l.items] as const),
      this.core
        .listConfigMapForAllNamespaces()
        .then(l => ['ConfigMap', l.items] as const),
      this.core
        .listServiceForAllNamespaces()
        .then(l => ['Service', l.items] as const),
      this.core
        .listServiceAccountForAllNamespaces()
        .then(l => ['ServiceAccount', l.items] as const),
      this.core
        .listPersistentVolumeClaimForAllNamespaces()
        .then(l => ['PersistentVolumeClaim', l.items] as const),
      this.apps
        .listStatefulSetForAllNamespaces()
        .then(l => ['StatefulSet', l.items] as const),
      this.batch.listJobForAllNamespaces().then(l => ['Job', l.items] as const),
      this.rbac
        .listRoleForAllNamespaces()
        .then(l => ['Role', l.items] as const),
      this.rbac
        .listRoleBindingForAllNamespaces()
        .then(l => ['RoleBinding', l.items] as const),
    ]);
    return lists
      .flatMap(([kind, items]) =>
        (
          items as Array<{ metadata?: { namespace?: string; name?: string } }>
        ).map(o => `${kind}/${o.metadata?.namespace}/${o.metadata?.name}`),
      )
      .filter(key => key.split('/')[1].startsWith(NAMESPACE_PREFIX))
      .sort();
  }

  /** Objects whose namespace is gone or is no nested cluster's namespace. */
  async orphans(): Promise<string[]> {
    const namespaces = new Set(await this.clusterNamespaces());
    return (await this.objects()).filter(
      key => !namespaces.has(key.split('/')[1]),
    );
  }
}

/**
 * The API and the hosts agree: every nested-cluster namespace on a host is
 * listed exactly once (nothing orphaned or hidden), nothing is listed that has
 * no namespace (nothing phantom), no host errors, and no object outside a
 * cluster namespace.
 */
export async function consistency(
  api: RestApi,
  sims: SimulatedHost[],
): Promise<string | undefined> {
  const { items, hostErrors } = await api.list();
  if (hostErrors.length) {
    return `host errors: ${JSON.stringify(hostErrors)}`;
  }
  const listed = items.map(c => `${c.host}/${c.namespace}`).sort();
  if (new Set(listed).size !== listed.length) {
    return `duplicates in the list: ${listed.join(', ')}`;
  }
  const onHosts: string[] = [];
  for (const s of sims) {
    const inspector = new HostInspector(s.sim);
    onHosts.push(
      ...(await inspector.clusterNamespaces()).map(n => `${s.name}/${n}`),
    );
    const orphans = await inspector.orphans();
    if (orphans.length) {
      return `orphaned objects on ${s.name}: ${orphans.join(', ')}`;
    }
  }
  onHosts.sort();
  if (listed.join() !== onHosts.join()) {
    return `API lists [${listed.join(', ')}] but the hosts have [${onHosts.join(
      ', ',
    )}]`;
  }
  return undefined;
}

/**
 * The reliability tests' backend: room for every cluster they create, and
 * hosts that recover within half a second of coming back.
 */
export function reliabilityBackend(
  sims: SimulatedHost[],
): Pick<StartBackendOptions, 'hosts' | 'limits' | 'fastHosts'> {
  return {
    hosts: sims.map(s => ({ ...s, maxClusters: 1000 })),
    limits: { clustersPerOwner: 100_000 },
    fastHosts: true,
  };
}

const CONNECTION_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/** The real PostgreSQL that `scripts/portal test` starts on loopback. */
export function postgresConnection(): string {
  const value = process.env[CONNECTION_ENV];
  if (!value) {
    throw new Error(
      `The two-replica tests need a real PostgreSQL: run them with \`scripts/portal test\`, which starts one and sets ${CONNECTION_ENV}, or set that variable to a PostgreSQL 15 connection string`,
    );
  }
  return value;
}

/** Drops the databases a test's backends created under `prefix`. */
export async function dropDatabases(prefix: string): Promise<void> {
  if (!process.env[CONNECTION_ENV]) {
    return;
  }
  const pg = new Client({ connectionString: postgresConnection() });
  await pg.connect();
  const { rows } = await pg.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [`${prefix}%`],
  );
  for (const { datname } of rows) {
    await pg.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  await pg.end();
}
