import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RequestAttributes } from '../auth';
import { ControllerContext } from '../controllers/context';
import { setPodState } from '../controllers/kubelet';
import { controllerOf, field, podPhase } from '../controllers/kinds';
import { ApiError } from '../errors';
import { FaultController } from '../faults';
import { isJsonObject, JsonObject } from '../json';
import { StoredObject } from '../model';
import { DEFAULT_CHART_VERSION } from './chart';
import {
  Authorize,
  HelmError,
  installChart,
  latestRelease,
  uninstallChart,
  valuesFromYaml,
} from './helm';
import { pauseVcluster, resumeVcluster } from './lifecycle';
import { VCLUSTER_CLI_IMAGE } from './runtime';

interface CliInvocation {
  command: string;
  name: string;
  flags: Map<string, string[]>;
}

const SHORT_FLAGS: Record<string, string> = { n: 'namespace', f: 'values' };
const BOOLEAN_FLAGS = [
  'connect',
  'keep-pvc',
  'delete-namespace',
  'upgrade',
  'update-current',
  'expose',
  'wait',
];

/** Parses the CLI's `<command> NAME [flags]` as cobra would. */
export function parseCli(args: string[]): CliInvocation | undefined {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const long = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const short = /^-([a-z])$/.exec(arg);
    if (long || short) {
      const key = long ? long[1] : SHORT_FLAGS[short![1]] ?? short![1];
      let value = long?.[2];
      if (value === undefined) {
        value = BOOLEAN_FLAGS.includes(key) ? 'true' : args[++i];
      }
      flags.set(key, [...(flags.get(key) ?? []), value ?? '']);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length < 2) {
    return undefined;
  }
  return { command: positional[0], name: positional[1], flags };
}

function cliContainer(pod: StoredObject): JsonObject | undefined {
  const containers = field(pod, 'spec').containers;
  const first = Array.isArray(containers) ? containers[0] : undefined;
  return isJsonObject(first) &&
    String(first.image).startsWith(VCLUSTER_CLI_IMAGE)
    ? first
    : undefined;
}

/** Where the image keeps the CLI: `COPY vcluster /usr/local/bin/vcluster` (Dockerfile.cli.release). */
const CLI_PATHS = ['vcluster', '/usr/local/bin/vcluster'];

/**
 * The process the container runs. The image has no ENTRYPOINT, only
 * `CMD /usr/local/bin/vcluster` (Dockerfile.cli.release), so `args` without a
 * `command` replace the whole command line, as the container runtime does.
 */
export function containerArgv(container: JsonObject): string[] {
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const command = strings(container.command);
  const args = strings(container.args);
  if (command.length > 0) {
    return [...command, ...args];
  }
  return args.length > 0 ? args : ['/bin/sh', '-c', '/usr/local/bin/vcluster'];
}

/** The vcluster CLI's arguments, or undefined when the process is not the CLI. */
function cliArgs(argv: string[]): string[] | undefined {
  if (CLI_PATHS.includes(argv[0])) {
    return argv.slice(1);
  }
  if (['sh', '/bin/sh'].includes(argv[0]) && argv[1] === '-c') {
    const words = (argv[2] ?? '').trim().split(/\s+/);
    return CLI_PATHS.includes(words[0]) ? words.slice(1) : undefined;
  }
  return undefined;
}

/** What `delete`, `pause` and `resume` do on the host, as RBAC attributes (pkg/cli/delete_helm.go, pkg/lifecycle). */
const COMMAND_ACCESS: Record<
  string,
  [verb: string, group: string, resource: string][]
> = {
  delete: [
    ['list', '', 'secrets'],
    ['delete', 'apps', 'statefulsets'],
    ['delete', '', 'services'],
    ['delete', '', 'secrets'],
    ['delete', '', 'persistentvolumeclaims'],
  ],
  pause: [
    ['patch', 'apps', 'statefulsets'],
    ['list', '', 'pods'],
    ['delete', '', 'pods'],
  ],
  resume: [
    ['get', 'apps', 'statefulsets'],
    ['patch', 'apps', 'statefulsets'],
  ],
};
COMMAND_ACCESS.sleep = COMMAND_ACCESS.pause;
COMMAND_ACCESS.wakeup = COMMAND_ACCESS.resume;

/** The CLI's requests carry the pod's ServiceAccount token: authorized by RBAC, escalation checks included. */
function asServiceAccount(
  ctx: ControllerContext,
  namespace: string,
  name: string,
): Authorize {
  const grant = { token: '', serviceAccount: { namespace, name } };
  return (attrs, body) => {
    ctx.auth.authorize(grant, attrs);
    if (body && ['create', 'update', 'patch'].includes(attrs.verb)) {
      ctx.auth.authorizeGrant(grant, attrs.resource, body, attrs.namespace);
    }
  };
}

function allowed(authorize: Authorize, attrs: RequestAttributes) {
  try {
    authorize(attrs);
    return true;
  } catch {
    return false;
  }
}

/** A fatal error of the CLI: the line its logger prints before exiting 1. */
class CliError extends Error {}

function must(authorize: Authorize, attrs: RequestAttributes, what: string) {
  try {
    authorize(attrs);
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
}

/**
 * The helm-job installer: the kubelet runs Jobs whose container is the vcluster CLI
 * image; this plays the CLI's part (`create`, `delete`, `pause`, `resume`).
 */
export function helmJobInstaller(
  ctx: ControllerContext,
  faults: FaultController,
) {
  const { api, store, runtime, kinds } = ctx;
  const hung = new Set<string>();

  const readFile = (
    pod: StoredObject,
    container: JsonObject,
    path: string,
  ): string | Error => {
    const mounts = Array.isArray(container.volumeMounts)
      ? container.volumeMounts.filter(isJsonObject)
      : [];
    const mount = mounts.find(m =>
      path.startsWith(`${String(m.mountPath).replace(/\/$/, '')}/`),
    );
    if (!mount) {
      return new Error(`open ${path}: no such file or directory`);
    }
    const file = posix.relative(String(mount.mountPath), path);
    const volumes = field(pod, 'spec').volumes;
    const volume = (
      Array.isArray(volumes) ? volumes.filter(isJsonObject) : []
    ).find(v => v.name === mount.name);
    const cmRef = field(volume, 'configMap');
    const secretRef = field(volume, 'secret');
    const items = Array.isArray(cmRef.items ?? secretRef.items)
      ? ((cmRef.items ?? secretRef.items) as JsonObject[])
      : [];
    const key = String(items.find(it => it.path === file)?.key ?? file);
    if (cmRef.name) {
      const cm = api.tryGet(
        kinds.configMap,
        pod.metadata.namespace,
        String(cmRef.name),
      );
      const data = field(cm, 'data')[key];
      return typeof data === 'string'
        ? data
        : new Error(
            `configmap "${String(cmRef.name)}" not found or has no key ${key}`,
          );
    }
    if (secretRef.secretName) {
      const secret = api.tryGet(
        kinds.secret,
        pod.metadata.namespace,
        String(secretRef.secretName),
      );
      const data = field(secret, 'data')[key];
      return typeof data === 'string'
        ? Buffer.from(data, 'base64').toString()
        : new Error(`secret "${String(secretRef.secretName)}" not found`);
    }
    return new Error(`open ${path}: no such file or directory`);
  };

  /**
   * `vcluster create NAME -n NS` (pkg/cli/create_helm.go) as the pod's
   * ServiceAccount: the CLI's own reads, then `helm upgrade --install`.
   */
  const create = (
    pod: StoredObject,
    container: JsonObject,
    cli: CliInvocation,
    ns: string,
    authorize: Authorize,
  ) => {
    const { name } = cli;
    const attrs = (
      verb: string,
      group: string,
      resource: string,
      objName?: string,
      namespace: string | undefined = ns,
    ): RequestAttributes => ({
      verb,
      group,
      resource,
      namespace,
      name: objName,
    });
    // find.ListVClusters: one vcluster per namespace; a refused list only logs a warning.
    if (allowed(authorize, attrs('list', 'apps', 'statefulsets'))) {
      const other = store
        .list(api.key(kinds.statefulSet), ns)
        .find(
          s =>
            s.metadata.labels?.app === 'vcluster' &&
            s.metadata.labels.release !== name,
        );
      if (other) {
        throw new CliError(
          `there is already a virtual cluster in namespace ${ns}; creating multiple virtual clusters inside the same namespace is not supported`,
        );
      }
    }
    // ensureNamespace: a Forbidden get is tolerated; a missing namespace is created.
    const nsAttrs = attrs('get', '', 'namespaces', ns, undefined);
    if (
      allowed(authorize, nsAttrs) &&
      !api.tryGet(kinds.namespace, undefined, ns)
    ) {
      must(
        authorize,
        { ...nsAttrs, verb: 'create', name: undefined },
        'create namespace',
      );
      api.create(kinds.namespace, undefined, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns,
          annotations: { 'vcluster.loft.sh/created': 'true' },
        },
      });
    }
    must(authorize, attrs('list', '', 'secrets'), 'get current helm release');
    must(
      authorize,
      attrs('get', '', 'services', 'loft'),
      'get platform service',
    );
    if (api.tryGet(kinds.service, ns, 'loft')) {
      throw new CliError(
        `a vCluster platform installation exists in the namespace '${ns}'. Aborting install`,
      );
    }
    const deployed = latestRelease(ctx, name, ns)?.info.status === 'deployed';
    if (deployed && cli.flags.get('upgrade')?.[0] !== 'true') {
      throw new CliError(
        `vcluster ${name} already exists in namespace ${ns}\n- Use \`vcluster create ${name} -n ${ns} --upgrade\` to upgrade the vcluster\n- Use \`vcluster connect ${name} -n ${ns}\` to access the vcluster`,
      );
    }
    if (deployed) {
      must(
        authorize,
        attrs('get', '', 'secrets', `vc-config-${name}`),
        'get config secret',
      );
    }
    let values: JsonObject = {};
    const files = cli.flags.get('values') ?? [];
    for (const file of files) {
      const text = readFile(pod, container, file);
      if (text instanceof Error) {
        throw new CliError(text.message);
      }
      values = { ...values, ...valuesFromYaml(text, parseYaml) };
    }
    const chartVersion = (
      cli.flags.get('chart-version')?.[0] ?? DEFAULT_CHART_VERSION
    ).replace(/^v/, '');
    const failed = faults.installFails(name);
    try {
      installChart(
        ctx,
        { name, namespace: ns, chartVersion, values },
        { status: failed ? 'failed' : 'deployed', authorize },
      );
    } catch (error) {
      if (!(error instanceof HelmError || error instanceof ApiError)) {
        throw error;
      }
      // pkg/helm/helm.go: `error executing helm <args>: <helm's output>`.
      const helmArgs = [
        'upgrade',
        name,
        `/tmp/vcluster-${chartVersion}.tgz`,
        '--kubeconfig',
        '/tmp/kubeconfig',
        '--namespace',
        ns,
        '--install',
        "--repository-config=''",
        '--values',
        '/tmp/values',
        ...files.flatMap(f => ['--values', f]),
      ];
      throw new CliError(
        `error executing helm ${helmArgs.join(' ')}: Error: ${error.message}`,
      );
    }
    if (failed) {
      throw new CliError(
        `error executing helm upgrade ${name}: Error: release ${name} failed, and has been uninstalled due to atomic being set: context deadline exceeded`,
      );
    }
  };

  const run = (namespace: string, podName: string) => {
    const pod = api.tryGet(kinds.pod, namespace, podName);
    const container = pod && cliContainer(pod);
    if (
      !pod ||
      !container ||
      podPhase(pod) !== 'Running' ||
      pod.metadata.deletionTimestamp
    ) {
      return;
    }
    const argv = containerArgv(container);
    const args = cliArgs(argv);
    if (!args) {
      setPodState(
        ctx,
        pod,
        'failed',
        `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${argv[0]}": executable file not found in $PATH: unknown`,
        { exitCode: 128, reason: 'StartError' },
      );
      return;
    }
    if (args.length === 0) {
      // Without a command the CLI prints its help and exits 0.
      setPodState(ctx, pod, 'succeeded');
      return;
    }
    const cli = parseCli(args);
    if (!cli) {
      setPodState(ctx, pod, 'failed', 'fatal accepts 1 arg(s), received 0');
      return;
    }
    const ns = cli.flags.get('namespace')?.[0] ?? namespace;
    const { name } = cli;
    const authorize = asServiceAccount(
      ctx,
      namespace,
      String(field(pod, 'spec').serviceAccountName ?? 'default'),
    );
    try {
      if (cli.command === 'create') {
        if (faults.installsHang) {
          hung.add(`${namespace}/${podName}`);
          return;
        }
        create(pod, container, cli, ns, authorize);
      } else if (COMMAND_ACCESS[cli.command]) {
        for (const [verb, group, resource] of COMMAND_ACCESS[cli.command]) {
          must(
            authorize,
            { verb, group, resource, namespace: ns },
            cli.command,
          );
        }
        if (cli.command === 'delete') {
          uninstallChart(ctx, name, ns);
          if (
            cli.flags.get('keep-pvc')?.[0] !== 'true' &&
            api.tryGet(kinds.pvc, ns, `data-${name}-0`)
          ) {
            api.delete(kinds.pvc, ns, `data-${name}-0`);
          }
          if (
            cli.flags.get('delete-namespace')?.[0] === 'true' &&
            ns !== namespace
          ) {
            api.delete(kinds.namespace, undefined, ns);
          }
        } else if (cli.command === 'pause' || cli.command === 'sleep') {
          pauseVcluster(ctx, ns, name);
        } else {
          resumeVcluster(ctx, ns, name);
        }
      } else {
        throw new CliError(`unknown command "${cli.command}" for "vcluster"`);
      }
    } catch (error) {
      if (error instanceof CliError || error instanceof ApiError) {
        // The logger's `fatal` line is the last thing in the container's log.
        setPodState(ctx, pod, 'failed', `fatal ${error.message}`);
        return;
      }
      throw error;
    }
    setPodState(ctx, pod, 'succeeded');
  };

  const unsubscribe = store.subscribe(e => {
    if (e.typeKey !== '/pods' || e.type === 'DELETED') {
      return;
    }
    const pod = e.object;
    if (
      controllerOf(pod)?.kind === 'Job' &&
      podPhase(pod) === 'Running' &&
      cliContainer(pod) &&
      (!e.oldObject || podPhase(e.oldObject) !== 'Running')
    ) {
      const { namespace, name } = pod.metadata;
      runtime.enqueue(
        `helmjob/${namespace}/${name}`,
        () => run(namespace!, name),
        faults.scaleDelay(ctx.delays().helmInstallMs),
      );
    }
  });

  return {
    stop: unsubscribe,
    /** Re-runs installs that were hanging once the hang switch is off. */
    retryHung() {
      if (faults.installsHang) {
        return;
      }
      for (const key of [...hung]) {
        hung.delete(key);
        const [namespace, name] = key.split('/');
        runtime.enqueue(
          `helmjob/${namespace}/${name}`,
          () => run(namespace, name),
          faults.scaleDelay(ctx.delays().helmInstallMs),
        );
      }
    },
  };
}
