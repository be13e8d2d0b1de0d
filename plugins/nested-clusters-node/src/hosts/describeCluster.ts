import {
  InstallerType,
  NestedCluster,
} from '@nested-clusters/plugin-nested-clusters-common';
import { parseAddonsAnnotation } from '../addons';
import { parseSleepAnnotation } from '../sleep';
import {
  parsePausesAnnotation,
  parseResourcesAnnotation,
  Resources,
} from '../usage';
import {
  ANNOTATIONS,
  NamespaceRecord,
  PAUSED_DATE_ANNOTATION,
  StatefulSetRecord,
} from './records';
import { DerivedStatus } from './status';

/**
 * A nested cluster as the API shows it: what its namespace's annotations
 * record, its derived status, and the version its StatefulSet runs. The cache
 * and a create's response both describe clusters through this.
 */
export function describeCluster(options: {
  host: string;
  /** The host's installer, for namespaces without the installer annotation. */
  installer: InstallerType;
  namespace: NamespaceRecord;
  derived: DerivedStatus;
  statefulSet?: StatefulSetRecord;
  /** What its pods request on the host now; none before its pods are watched. */
  usage?: Resources & { pods: number };
}): NestedCluster {
  const { namespace: ns, derived, statefulSet } = options;
  const a = ns.annotations;
  const cluster: NestedCluster = {
    name: ns.clusterName,
    host: options.host,
    namespace: ns.name,
    status: derived.status,
    owner: a[ANNOTATIONS.owner] ?? '',
    createdBy: a[ANNOTATIONS.createdBy] ?? '',
    profile: a[ANNOTATIONS.profile] ?? '',
    installer: (a[ANNOTATIONS.installer] ?? options.installer) as InstallerType,
    createdAt: ns.createdAt,
    expiresAt: a[ANNOTATIONS.expiresAt] ?? '',
  };
  if (derived.statusMessage) {
    cluster.statusMessage = derived.statusMessage;
  }
  if (derived.progress) {
    cluster.progress = derived.progress;
  }
  if (a[ANNOTATIONS.component]) {
    cluster.component = a[ANNOTATIONS.component];
  }
  const addons = parseAddonsAnnotation(a[ANNOTATIONS.addons]);
  if (addons.length) {
    cluster.addons = addons.map(addon => ({ ...addon, phase: 'Pending' }));
  }
  const sleep = parseSleepAnnotation(a[ANNOTATIONS.sleep]);
  if (sleep) {
    cluster.sleep = sleep;
  }
  if (options.usage) {
    cluster.usage = options.usage;
  }
  const requests = parseResourcesAnnotation(a[ANNOTATIONS.requests]);
  if (requests) {
    cluster.requests = requests;
  }
  const sts = statefulSet?.annotations ?? {};
  if (sts[PAUSED_DATE_ANNOTATION]) {
    cluster.pausedAt = sts[PAUSED_DATE_ANNOTATION];
  }
  const pauses = parsePausesAnnotation(sts[ANNOTATIONS.pauses]);
  if (pauses.length) {
    cluster.pauses = pauses;
  }
  if (statefulSet?.kubernetesVersion) {
    cluster.kubernetesVersion = statefulSet.kubernetesVersion;
  }
  if (statefulSet?.vclusterVersion) {
    cluster.vclusterVersion = statefulSet.vclusterVersion;
  }
  return cluster;
}
