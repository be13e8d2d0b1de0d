import {
  NestedClusterStatus,
  ProvisioningProgress,
} from '@nested-clusters/plugin-nested-clusters-common';
import {
  ANNOTATIONS,
  InstallerRecord,
  NamespaceRecord,
  PAUSED_ANNOTATION,
  PodRecord,
  StatefulSetRecord,
} from './records';

/** Everything the host says about one nested cluster. */
export interface ClusterSignals {
  namespace: NamespaceRecord;
  installer?: InstallerRecord;
  statefulSet?: StatefulSetRecord;
  pods: PodRecord[];
  /**
   * Whether the installer's kubeconfig Secret exists. Asked only when
   * everything else says Running, as answering may take a host request.
   */
  kubeconfigReady(): boolean;
}

export interface DerivedStatus {
  status: NestedClusterStatus;
  statusMessage?: string;
  progress?: ProvisioningProgress;
}

export const PROVISIONING_STEPS = [
  'Submitting the installer',
  'Installing the vcluster chart',
  'Starting the control plane',
  'Waiting for the control plane to be ready',
];

/**
 * The state machine of the design (vcluster-mechanics §9), from host signals
 * only: Provisioning → Running ⇄ Pausing/Paused/Resuming, Failed, Deleting.
 */
export function deriveStatus(signals: ClusterSignals): DerivedStatus {
  const { namespace, installer, statefulSet: sts, pods } = signals;

  if (
    namespace.terminating ||
    namespace.annotations[ANNOTATIONS.deletingSince] ||
    installer?.terminating ||
    sts?.terminating
  ) {
    return { status: 'Deleting' };
  }

  if (installer?.state === 'failed') {
    return {
      status: 'Failed',
      statusMessage: installer.message ?? 'the installer reported a failure',
    };
  }
  const podFailure = pods.find(p => p.failure)?.failure;
  if (podFailure) {
    return { status: 'Failed', statusMessage: podFailure };
  }

  if (sts?.annotations[PAUSED_ANNOTATION] === 'true') {
    const stopped =
      sts.specReplicas === 0 &&
      sts.statusReplicas === 0 &&
      !pods.some(p => p.ready);
    return stopped ? { status: 'Paused' } : { status: 'Pausing' };
  }

  const installed = installer?.state === 'done';
  if (sts && installed) {
    if (sts.specReplicas === 0) {
      // Scaled down outside the portal, without the CLI's annotations.
      return {
        status: 'Unknown',
        statusMessage:
          'scaled to 0 replicas without the loft.sh/paused annotation',
      };
    }
    if (sts.readyReplicas >= sts.specReplicas && signals.kubeconfigReady()) {
      return { status: 'Running' };
    }
    if (
      sts.readyReplicas < sts.specReplicas &&
      sts.annotations[ANNOTATIONS.resumedAt]
    ) {
      return { status: 'Resuming' };
    }
  }

  let completed = 0;
  if (installer) {
    completed = 1;
  }
  if (sts) {
    completed = 2;
  }
  if (sts && sts.statusReplicas > 0) {
    completed = 3;
  }
  // Control plane ready, kubeconfig not written yet: still the last step.
  return {
    status: 'Provisioning',
    statusMessage: installer?.message,
    progress: {
      completedSteps: completed,
      totalSteps: PROVISIONING_STEPS.length,
      step: PROVISIONING_STEPS[completed],
    },
  };
}
