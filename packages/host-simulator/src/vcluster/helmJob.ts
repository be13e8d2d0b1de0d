import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ControllerContext } from '../controllers/context';
import { setPodState } from '../controllers/kubelet';
import { controllerOf, field, podPhase } from '../controllers/kinds';
import { FaultController } from '../faults';
import { isJsonObject, JsonObject } from '../json';
import { StoredObject } from '../model';
import {
  DEFAULT_CHART_VERSION,
  installChart,
  uninstallChart,
  valuesFromYaml,
} from './chart';
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

/** Parses `vcluster <command> NAME [flags]` as cobra would. */
export function parseCli(argv: string[]): CliInvocation | undefined {
  const args = argv[0] === 'vcluster' ? argv.slice(1) : argv;
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

/** What each CLI command does on the host, as RBAC attributes. */
const COMMAND_ACCESS: Record<
  string,
  [verb: string, group: string, resource: string][]
> = {
  create: [
    ['create', '', 'serviceaccounts'],
    ['create', '', 'secrets'],
    ['create', '', 'services'],
    ['create', 'apps', 'statefulsets'],
    ['create', 'rbac.authorization.k8s.io', 'roles'],
    ['create', 'rbac.authorization.k8s.io', 'rolebindings'],
  ],
  delete: [
    ['delete', 'apps', 'statefulsets'],
    ['delete', '', 'services'],
    ['delete', '', 'secrets'],
    ['delete', '', 'persistentvolumeclaims'],
  ],
  pause: [
    ['patch', 'apps', 'statefulsets'],
    ['delete', '', 'pods'],
  ],
  resume: [['patch', 'apps', 'statefulsets']],
};
COMMAND_ACCESS.sleep = COMMAND_ACCESS.pause;
COMMAND_ACCESS.wakeup = COMMAND_ACCESS.resume;

/** The CLI's error when the pod's ServiceAccount may not do what `command` does in `targetNs`. */
function forbidden(
  ctx: ControllerContext,
  podNs: string,
  serviceAccount: string,
  command: string,
  targetNs: string,
) {
  for (const [verb, group, resource] of COMMAND_ACCESS[command] ?? []) {
    try {
      ctx.auth.authorize(
        {
          token: '',
          serviceAccount: { namespace: podNs, name: serviceAccount },
        },
        { verb, group, resource, namespace: targetNs },
      );
    } catch (error) {
      return `Error: ${(error as Error).message}`;
    }
  }
  return undefined;
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
    const args = [
      ...(Array.isArray(container.command)
        ? container.command.map(String)
        : []),
      ...(Array.isArray(container.args) ? container.args.map(String) : []),
    ];
    const cli = parseCli(args);
    if (!cli) {
      setPodState(ctx, pod, 'failed', `Error: accepts 1 arg(s), received 0`);
      return;
    }
    const ns = cli.flags.get('namespace')?.[0] ?? namespace;
    const name = cli.name;
    // The CLI acts with the pod's ServiceAccount: without RBAC for what it does, it fails like the real one.
    const denied = forbidden(
      ctx,
      namespace,
      String(field(pod, 'spec').serviceAccountName ?? 'default'),
      cli.command,
      ns,
    );
    if (denied) {
      setPodState(ctx, pod, 'failed', denied);
      return;
    }
    if (cli.command === 'create') {
      if (faults.installsHang) {
        hung.add(`${namespace}/${podName}`);
        return;
      }
      let values: JsonObject = {};
      for (const file of cli.flags.get('values') ?? []) {
        const text = readFile(pod, container, file);
        if (text instanceof Error) {
          setPodState(ctx, pod, 'failed', `fatal: ${text.message}`);
          return;
        }
        values = { ...values, ...valuesFromYaml(text, parseYaml) };
      }
      const chartVersion = (
        cli.flags.get('chart-version')?.[0] ?? DEFAULT_CHART_VERSION
      ).replace(/^v/, '');
      const failed = faults.installFails(name);
      installChart(
        ctx,
        { name, namespace: ns, chartVersion, values },
        failed ? 'failed' : 'deployed',
      );
      if (failed) {
        setPodState(
          ctx,
          pod,
          'failed',
          `Error: INSTALLATION FAILED: release ${name} failed, and has been uninstalled due to atomic being set: context deadline exceeded`,
        );
        return;
      }
    } else if (cli.command === 'delete') {
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
    } else if (cli.command === 'resume' || cli.command === 'wakeup') {
      resumeVcluster(ctx, ns, name);
    } else {
      setPodState(
        ctx,
        pod,
        'failed',
        `Error: unknown command "${cli.command}" for "vcluster"`,
      );
      return;
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
