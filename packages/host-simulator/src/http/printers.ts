import { getPath, isJsonObject, JsonObject } from '../json';
import { KubeObject } from '../model';

/**
 * Server-side printing: the columns and cells kube-apiserver puts in a
 * `meta.k8s.io/v1` Table for each built-in type.
 *
 * Source: kubernetes/kubernetes pkg/printers/internalversion/printers.go
 * (AddHandlers, printPod, printDeployment, printService, …), printed as the
 * storage TableConvertor does it, with `Wide: true` (every column; kubectl
 * hides priority > 0 unless `-o wide`); ages are
 * apimachinery/pkg/util/duration.HumanDuration strings computed by the server.
 * Column descriptions are the short form, not the full swagger docs.
 */
export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;

export interface RowCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface PrintedRow {
  cells: Cell[];
  conditions?: RowCondition[];
}

export interface Printer {
  columns: Column[];
  print(obj: KubeObject, now: number): PrintedRow;
}

const col = (
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): Column => ({ name, type, format, description, priority });

const NAME = col(
  'Name',
  'string',
  'Name must be unique within a namespace.',
  0,
  'name',
);
const AGE = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
const CREATED_AT = col(
  'Created At',
  'date',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

/** duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0
      ? `${Math.trunc(days / 365)}y`
      : `${Math.trunc(days / 365)}y${dy}d`;
  }
  return `${Math.trunc(days / 365)}y`;
}

/** translateTimestampSince. */
export function since(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string' || !timestamp) return '<unknown>';
  return humanDuration(now - Date.parse(timestamp));
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
const age = (o: KubeObject, now: number) =>
  since(o.metadata.creationTimestamp, now);
/** The creation time as RFC 3339 in UTC, for `date` columns. */
const createdAt = (o: KubeObject) =>
  o.metadata.creationTimestamp
    ? new Date(o.metadata.creationTimestamp)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
    : '0001-01-01T00:00:00Z';

/** Sorts [key, …] pairs by key, byte order like Go's sort.Strings. */
const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/** labels.FormatLabels: sorted k=v, or <none>. */
function formatLabels(v: unknown): string {
  const entries = Object.entries(obj(v)).sort(byKey);
  return entries.length
    ? entries.map(([k, val]) => `${k}=${str(val)}`).join(',')
    : '<none>';
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key. */
function formatSelector(v: unknown): string {
  if (!isJsonObject(v)) return '<none>';
  const reqs: Array<[string, string]> = Object.entries(obj(v.matchLabels)).map(
    ([k, val]) => [k, `${k}=${str(val)}`],
  );
  for (const e of arr(v.matchExpressions).map(obj)) {
    const key = str(e.key);
    const values = arr(e.values).map(str).sort().join(',');
    const text =
      {
        In: `${key} in (${values})`,
        NotIn: `${key} notin (${values})`,
        Exists: key,
        DoesNotExist: `!${key}`,
      }[str(e.operator)] ?? key;
    reqs.push([key, text]);
  }
  return reqs
    .sort(byKey)
    .map(([, text]) => text)
    .join(',');
}

/** layoutContainerCells: names and images, comma-joined. */
function containerCells(podSpec: unknown): [string, string] {
  const containers = arr(obj(podSpec).containers).map(obj);
  return [
    containers.map(c => str(c.name)).join(','),
    containers.map(c => str(c.image)).join(','),
  ];
}

const CONTAINERS = col(
  'Containers',
  'string',
  'Names of each container in the template.',
  1,
);
const IMAGES = col(
  'Images',
  'string',
  'Images referenced by each container in the template.',
  1,
);
const SELECTOR = col('Selector', 'string', 'Label selector.', 1);

const isTrue = (conditions: unknown, type: string) =>
  arr(conditions)
    .map(obj)
    .some(c => c.type === type && c.status === 'True');

/** printBool. */
const printBool = (b: boolean) => (b ? 'True' : 'False');

/** A terminated container's reason, else `Signal:n` or `ExitCode:n`. */
function terminationReason(terminated: JsonObject): string {
  if (str(terminated.reason)) return str(terminated.reason);
  return num(terminated.signal) !== 0
    ? `Signal:${num(terminated.signal)}`
    : `ExitCode:${num(terminated.exitCode)}`;
}

function printPod(pod: KubeObject, now: number): PrintedRow {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const initSpecs = arr(spec.initContainers).map(obj);
  // Sidecars: init containers with restartPolicy Always.
  const restartable = new Set(
    initSpecs.filter(c => c.restartPolicy === 'Always').map(c => str(c.name)),
  );
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let ready = 0;
  const total = arr(spec.containers).length + restartable.size;
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  if (
    arr(status.conditions)
      .map(obj)
      .some(c => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')
  ) {
    reason = 'SchedulingGated';
  }
  const finishedAt = (c: JsonObject) =>
    Date.parse(str(getPath(c, 'lastTerminationState.terminated.finishedAt'))) ||
    0;
  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses).map(obj);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const state = obj(c.state);
    const terminated = isJsonObject(state.terminated)
      ? state.terminated
      : undefined;
    const waiting = isJsonObject(state.waiting) ? state.waiting : undefined;
    restarts += num(c.restartCount);
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const sidecar = restartable.has(str(c.name));
    if (sidecar) {
      sidecarRestarts += num(c.restartCount);
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c));
    }
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated) {
      reason = `Init:${terminationReason(terminated)}`;
    } else if (
      waiting &&
      str(waiting.reason) &&
      waiting.reason !== 'PodInitializing'
    ) {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || isTrue(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses).map(obj);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      const state = obj(c.state);
      restarts += num(c.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const waiting = obj(state.waiting);
      const terminated = isJsonObject(state.terminated)
        ? state.terminated
        : undefined;
      if (str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated) {
        reason = terminationReason(terminated);
      } else if (c.ready === true && isJsonObject(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = isTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') {
    reason = 'Unknown';
  } else if (
    pod.metadata.deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  ) {
    reason = 'Terminating';
  }
  const restartsCell =
    restarts !== 0 && lastRestart
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  // v1 → internal conversion fills podIPs from a lone podIP.
  const podIP =
    str(obj(arr(status.podIPs)[0]).ip) || str(status.podIP) || '<none>';
  const gates = arr(spec.readinessGates).map(obj);
  const conditions = arr(status.conditions).map(obj);
  const gatesCell = gates.length
    ? `${
        gates.filter(
          g =>
            conditions.find(c => c.type === g.conditionType)?.status === 'True',
        ).length
      }/${gates.length}`
    : '<none>';
  const row: PrintedRow = {
    cells: [
      pod.metadata.name ?? '',
      `${ready}/${total}`,
      reason,
      restartsCell,
      age(pod, now),
      podIP,
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      gatesCell,
    ],
  };
  if (phase === 'Succeeded' || phase === 'Failed') {
    row.conditions = [
      {
        type: 'Completed',
        status: 'True',
        reason: phase,
        message:
          phase === 'Succeeded'
            ? 'The pod has completed successfully.'
            : 'The pod failed.',
      },
    ];
  }
  return row;
}

const ACCESS_MODES: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** The first address of a type on a node, or <none>. */
const nodeAddress = (node: KubeObject, type: string) =>
  str(
    arr(getPath(node, 'status.addresses'))
      .map(obj)
      .find(a => a.type === type)?.address,
  ) || '<none>';

/** rbac.SubjectsStrings, each kind joined by ", ". */
function subjectCells(binding: KubeObject): string[] {
  const subjects = arr(binding.subjects).map(obj);
  const of = (kind: string, text: (s: JsonObject) => string) =>
    subjects
      .filter(s => s.kind === kind)
      .map(text)
      .join(', ');
  return [
    of('User', s => str(s.name)),
    of('Group', s => str(s.name)),
    of('ServiceAccount', s => `${str(s.namespace)}:${str(s.name)}`),
  ];
}

/** getServiceExternalIP with wide=true (no truncation of load-balancer addresses). */
function serviceExternalIP(svc: KubeObject): string {
  const spec = obj(svc.spec);
  const externalIPs = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = arr(getPath(svc, 'status.loadBalancer.ingress'))
        .map(obj)
        .map(i => str(i.ip) || str(i.hostname))
        .filter(Boolean);
      const all = [...lb, ...externalIPs];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

const bindingPrinter: Printer = {
  columns: [
    NAME,
    col('Role', 'string', 'RoleRef to the role being bound.'),
    AGE,
    col('Users', 'string', 'Users in the binding.', 1),
    col('Groups', 'string', 'Groups in the binding.', 1),
    col('ServiceAccounts', 'string', 'ServiceAccounts in the binding.', 1),
  ],
  print: (o, now) => ({
    cells: [
      o.metadata.name ?? '',
      `${str(getPath(o, 'roleRef.kind'))}/${str(getPath(o, 'roleRef.name'))}`,
      age(o, now),
      ...subjectCells(o),
    ],
  }),
};

const rolePrinter: Printer = {
  columns: [NAME, CREATED_AT],
  print: o => ({ cells: [o.metadata.name ?? '', createdAt(o)] }),
};

/** Printers by `group/resource` (core group: empty). */
const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [
      NAME,
      col(
        'Ready',
        'string',
        'The aggregate readiness state of this pod for accepting traffic.',
      ),
      col(
        'Status',
        'string',
        'The aggregate status of the containers in this pod.',
      ),
      col(
        'Restarts',
        'string',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      AGE,
      col('IP', 'string', 'IP address allocated to the pod.', 1),
      col('Node', 'string', 'NodeName is the node the pod runs on.', 1),
      col(
        'Nominated Node',
        'string',
        'nominatedNodeName is set only when this pod preempts other pods on the node.',
        1,
      ),
      col(
        'Readiness Gates',
        'string',
        'If specified, all readiness gates will be evaluated for pod readiness.',
        1,
      ),
    ],
    print: printPod,
  },
  'apps/deployments': {
    columns: [
      NAME,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of updated pods.'),
      col('Available', 'integer', 'Total number of available pods.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    print: (o, now) => {
      const template = getPath(o, 'spec.template.spec');
      return {
        cells: [
          o.metadata.name ?? '',
          `${num(getPath(o, 'status.readyReplicas'))}/${num(
            getPath(o, 'spec.replicas'),
          )}`,
          num(getPath(o, 'status.updatedReplicas')),
          num(getPath(o, 'status.availableReplicas')),
          age(o, now),
          ...containerCells(template),
          formatSelector(getPath(o, 'spec.selector')),
        ],
      };
    },
  },
  'apps/replicasets': {
    columns: [
      NAME,
      col('Desired', 'integer', 'Number of desired pods.'),
      col(
        'Current',
        'integer',
        'The most recently observed number of replicas.',
      ),
      col('Ready', 'integer', 'The number of ready replicas.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        num(getPath(o, 'spec.replicas')),
        num(getPath(o, 'status.replicas')),
        num(getPath(o, 'status.readyReplicas')),
        age(o, now),
        ...containerCells(getPath(o, 'spec.template.spec')),
        formatSelector(getPath(o, 'spec.selector')),
      ],
    }),
  },
  'apps/statefulsets': {
    columns: [
      NAME,
      col('Ready', 'string', 'Number of the pod with ready state'),
      AGE,
      CONTAINERS,
      IMAGES,
    ],
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        `${num(getPath(o, 'status.readyReplicas'))}/${num(
          getPath(o, 'spec.replicas'),
        )}`,
        age(o, now),
        ...containerCells(getPath(o, 'spec.template.spec')),
      ],
    }),
  },
  'apps/daemonsets': {
    columns: [
      NAME,
      col(
        'Desired',
        'integer',
        'The total number of nodes that should run the daemon pod.',
      ),
      col(
        'Current',
        'integer',
        'The number of nodes running at least one daemon pod.',
      ),
      col('Ready', 'integer', 'The number of nodes with a ready daemon pod.'),
      col(
        'Up-to-date',
        'integer',
        'The number of nodes running the updated daemon pod.',
      ),
      col(
        'Available',
        'integer',
        'The number of nodes with an available daemon pod.',
      ),
      col('Node Selector', 'string', 'NodeSelector of the pod template.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        num(getPath(o, 'status.desiredNumberScheduled')),
        num(getPath(o, 'status.currentNumberScheduled')),
        num(getPath(o, 'status.numberReady')),
        num(getPath(o, 'status.updatedNumberScheduled')),
        num(getPath(o, 'status.numberAvailable')),
        formatLabels(getPath(o, 'spec.template.spec.nodeSelector')),
        age(o, now),
        ...containerCells(getPath(o, 'spec.template.spec')),
        formatSelector(getPath(o, 'spec.selector')),
      ],
    }),
  },
  'batch/jobs': {
    columns: [
      NAME,
      col('Status', 'string', 'Status of the job.'),
      col('Completions', 'string', 'The completion status of the job.'),
      col('Duration', 'string', 'Time required to complete the job.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    print: (o, now) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      const succeeded = num(status.succeeded);
      let completions = `${succeeded}/1`;
      if (typeof spec.completions === 'number') {
        completions = `${succeeded}/${spec.completions}`;
      } else if (num(spec.parallelism) > 1) {
        completions = `${succeeded}/1 of ${num(spec.parallelism)}`;
      }
      const start = Date.parse(str(status.startTime));
      const end = Date.parse(str(status.completionTime));
      const duration = !start ? '' : humanDuration((end || now) - start);
      const has = (type: string) => isTrue(status.conditions, type);
      const states: Array<[string, boolean]> = [
        ['Complete', has('Complete')],
        ['Failed', has('Failed')],
        ['Terminating', !!o.metadata.deletionTimestamp],
        ['Suspended', has('Suspended')],
        ['FailureTarget', has('FailureTarget')],
        ['SuccessCriteriaMet', has('SuccessCriteriaMet')],
      ];
      const state = states.find(([, applies]) => applies)?.[0] ?? 'Running';
      return {
        cells: [
          o.metadata.name ?? '',
          state,
          completions,
          duration,
          age(o, now),
          ...containerCells(getPath(spec, 'template.spec')),
          formatSelector(spec.selector),
        ],
      };
    },
  },
  'batch/cronjobs': {
    columns: [
      NAME,
      col('Schedule', 'string', 'The schedule in Cron format.'),
      col('Timezone', 'string', 'The time zone name for the given schedule.'),
      col('Suspend', 'boolean', 'Whether subsequent executions are suspended.'),
      col('Active', 'integer', 'A list of pointers to currently running jobs.'),
      col(
        'Last Schedule',
        'string',
        'Information when was the last time the job was successfully scheduled.',
      ),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    print: (o, now) => {
      const spec = obj(o.spec);
      const last = getPath(o, 'status.lastScheduleTime');
      return {
        cells: [
          o.metadata.name ?? '',
          str(spec.schedule),
          str(spec.timeZone) || '<none>',
          // printBoolPtr
          typeof spec.suspend === 'boolean'
            ? printBool(spec.suspend)
            : '<unset>',
          arr(getPath(o, 'status.active')).length,
          last ? since(last, now) : '<none>',
          age(o, now),
          ...containerCells(getPath(spec, 'jobTemplate.spec.template.spec')),
          formatSelector(getPath(spec, 'jobTemplate.spec.selector')),
        ],
      };
    },
  },
  '/services': {
    columns: [
      NAME,
      col('Type', 'string', 'type determines how the Service is exposed.'),
      col(
        'Cluster-IP',
        'string',
        'clusterIP is the IP address of the service.',
      ),
      col(
        'External-IP',
        'string',
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
      ),
      col(
        'Port(s)',
        'string',
        'The list of ports that are exposed by this service.',
      ),
      AGE,
      col(
        'Selector',
        'string',
        'Route service traffic to pods with label keys and values matching this selector.',
        1,
      ),
    ],
    print: (o, now) => {
      const spec = obj(o.spec);
      // makePortString
      const ports = arr(spec.ports)
        .map(obj)
        .map(p =>
          num(p.nodePort) > 0
            ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}`
            : `${num(p.port)}/${str(p.protocol)}`,
        )
        .join(',');
      return {
        cells: [
          o.metadata.name ?? '',
          str(spec.type),
          str(arr(spec.clusterIPs)[0]) || '<none>',
          serviceExternalIP(o),
          ports || '<none>',
          age(o, now),
          formatLabels(spec.selector),
        ],
      };
    },
  },
  '/namespaces': {
    columns: [
      NAME,
      col('Status', 'string', 'The status of the namespace'),
      AGE,
    ],
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        str(getPath(o, 'status.phase')),
        age(o, now),
      ],
    }),
  },
  '/configmaps': {
    columns: [NAME, col('Data', 'integer', 'Number of data entries.'), AGE],
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length,
        age(o, now),
      ],
    }),
  },
  '/secrets': {
    columns: [
      NAME,
      col(
        'Type',
        'string',
        'Used to facilitate programmatic handling of secret data.',
      ),
      col('Data', 'integer', 'Number of data entries.'),
      AGE,
    ],
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        str(o.type),
        Object.keys(obj(o.data)).length,
        age(o, now),
      ],
    }),
  },
  '/serviceaccounts': {
    columns: [NAME, col('Secrets', 'integer', 'Number of secrets.'), AGE],
    print: (o, now) => ({
      cells: [o.metadata.name ?? '', arr(o.secrets).length, age(o, now)],
    }),
  },
  '/events': {
    columns: [
      col(
        'Last Seen',
        'string',
        'The time at which the most recent occurrence of this event was recorded.',
      ),
      col('Type', 'string', 'Type of this event (Normal, Warning).'),
      col(
        'Reason',
        'string',
        'This should be a short, machine understandable string.',
      ),
      col('Object', 'string', 'The object that this event is about.'),
      col(
        'Subobject',
        'string',
        'The field of the object the event is about.',
        1,
      ),
      col('Source', 'string', 'The component reporting this event.', 1),
      col(
        'Message',
        'string',
        'A human-readable description of the status of this operation.',
      ),
      col(
        'First Seen',
        'string',
        'The time at which the event was first recorded.',
        1,
      ),
      col('Count', 'string', 'The number of times this event has occurred.', 1),
      { ...NAME, priority: 1 },
    ],
    print: (o, now) => {
      const series = isJsonObject(o.series) ? o.series : undefined;
      const first = o.firstTimestamp
        ? since(o.firstTimestamp, now)
        : since(o.eventTime, now);
      let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
      if (series) {
        last = since(series.lastObservedTime, now);
      }
      // Singleton events of the new API have no count.
      const count = series ? num(series.count) : num(o.count) || 1;
      const involved = obj(o.involvedObject);
      const kind = str(involved.kind).toLowerCase();
      const source = obj(o.source);
      const component = str(source.component) || str(o.reportingController);
      const instance = str(source.host) || str(o.reportingInstance);
      return {
        cells: [
          last,
          str(o.type),
          str(o.reason),
          involved.name ? `${kind}/${str(involved.name)}` : kind,
          str(involved.fieldPath),
          instance ? `${component}, ${instance}` : component,
          str(o.message).trim(),
          first,
          count,
          o.metadata.name ?? '',
        ],
      };
    },
  },
  '/nodes': {
    columns: [
      NAME,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      AGE,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col(
        'Internal-IP',
        'string',
        'List of addresses reachable to the node.',
        1,
      ),
      col(
        'External-IP',
        'string',
        'List of addresses reachable to the node.',
        1,
      ),
      col('OS-Image', 'string', 'OS Image reported by the node.', 1),
      col(
        'Kernel-Version',
        'string',
        'Kernel Version reported by the node.',
        1,
      ),
      col(
        'Container-Runtime',
        'string',
        'ContainerRuntime Version reported by the node.',
        1,
      ),
    ],
    print: (o, now) => {
      const ready = arr(getPath(o, 'status.conditions'))
        .map(obj)
        .find(c => c.type === 'Ready');
      const status = [ready?.status === 'True' ? 'Ready' : 'NotReady'];
      if (!ready) {
        status[0] = 'Unknown';
      }
      if (getPath(o, 'spec.unschedulable') === true) {
        status.push('SchedulingDisabled');
      }
      const labels = o.metadata.labels ?? {};
      const roles = new Set<string>();
      for (const [k, v] of Object.entries(labels)) {
        if (k.startsWith('node-role.kubernetes.io/') && k.length > 24) {
          roles.add(k.slice(24));
        } else if (k === 'kubernetes.io/role' && v) {
          roles.add(v);
        }
      }
      const info = obj(getPath(o, 'status.nodeInfo'));
      return {
        cells: [
          o.metadata.name ?? '',
          status.join(','),
          [...roles].sort().join(',') || '<none>',
          age(o, now),
          str(info.kubeletVersion),
          nodeAddress(o, 'InternalIP'),
          nodeAddress(o, 'ExternalIP'),
          str(info.osImage) || '<unknown>',
          str(info.kernelVersion) || '<unknown>',
          str(info.containerRuntimeVersion) || '<unknown>',
        ],
      };
    },
  },
  '/persistentvolumeclaims': {
    columns: [
      NAME,
      col(
        'Status',
        'string',
        'Phase represents the current phase of PersistentVolumeClaim.',
      ),
      col(
        'Volume',
        'string',
        'The binding reference to the PersistentVolume backing this claim.',
      ),
      col(
        'Capacity',
        'string',
        'The actual resources of the underlying volume.',
      ),
      col(
        'Access Modes',
        'string',
        'The actual access modes the volume backing the PVC has.',
      ),
      col('StorageClass', 'string', 'StorageClass of the pvc'),
      col(
        'VolumeAttributesClass',
        'string',
        'VolumeAttributesClass of the pvc',
        1,
      ),
      AGE,
      col(
        'VolumeMode',
        'string',
        'Whether the volume is a filesystem or a raw block device.',
        1,
      ),
    ],
    print: (o, now) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      const bound = !!str(spec.volumeName);
      const modes = arr(status.accessModes);
      return {
        cells: [
          o.metadata.name ?? '',
          o.metadata.deletionTimestamp ? 'Terminating' : str(status.phase),
          str(spec.volumeName),
          bound ? str(getPath(status, 'capacity.storage')) : '',
          bound
            ? ACCESS_MODES.filter(([m]) => modes.includes(m))
                .map(([, short]) => short)
                .join(',')
            : '',
          o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ??
            str(spec.storageClassName),
          str(spec.volumeAttributesClassName) || '<unset>',
          age(o, now),
          str(spec.volumeMode) || '<unset>',
        ],
      };
    },
  },
  'rbac.authorization.k8s.io/roles': rolePrinter,
  'rbac.authorization.k8s.io/clusterroles': rolePrinter,
  'rbac.authorization.k8s.io/rolebindings': bindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': bindingPrinter,
};

/**
 * rest.DefaultTableConvertor (staging/src/k8s.io/apiserver/pkg/registry/rest/table.go):
 * the table of every type without a printer.
 */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME, CREATED_AT],
  print: o => ({ cells: [o.metadata.name ?? '', createdAt(o)] }),
};

/** The printer of a built-in type, if printers.go has one. */
export function builtinPrinter(
  group: string,
  resource: string,
): Printer | undefined {
  return PRINTERS[`${group}/${resource}`];
}
