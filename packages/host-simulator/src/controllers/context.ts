import { Authenticator } from '../auth';
import { ClusterApi } from '../api';
import { KubeObject } from '../model';
import { Store } from '../store';
import { Kinds } from './kinds';
import { ControllerRuntime } from './runtime';

/** Timeline delays (ms) of the simulated controllers. */
export interface InstallerDelays {
  /** Installer running → chart objects and release secret created (`helm install`). */
  helmInstallMs: number;
  /** Pod created → Running and Ready (scheduling, image pull, probes). */
  podReadyMs: number;
  /** Control-plane pod Ready → kubeconfig Secret `vc-<name>` written. */
  kubeconfigMs: number;
  /** Pod deleted → pod gone (graceful termination). */
  podTerminateMs: number;
  /** Installer object deleted → uninstall done and finalizer removed. */
  uninstallMs: number;
  /** Flux drift detected → StatefulSet replicas corrected. */
  driftCorrectionMs: number;
  /** A plain Job's pod runs this long before it succeeds. */
  jobRunMs: number;
  /** LoadBalancer Service created → address assigned by the load-balancer controller. */
  loadBalancerMs: number;
}

export const TEST_DELAYS: InstallerDelays = {
  helmInstallMs: 150,
  podReadyMs: 150,
  kubeconfigMs: 50,
  podTerminateMs: 50,
  uninstallMs: 100,
  driftCorrectionMs: 100,
  jobRunMs: 100,
  loadBalancerMs: 50,
};

export const CLI_DELAYS: InstallerDelays = {
  helmInstallMs: 4000,
  podReadyMs: 5000,
  kubeconfigMs: 1000,
  podTerminateMs: 2000,
  uninstallMs: 3000,
  driftCorrectionMs: 5000,
  jobRunMs: 3000,
  loadBalancerMs: 2000,
};

/**
 * What the simulated kubelet does with a pod:
 * `serve` runs until deleted and becomes Ready; `complete` exits 0 after jobRunMs;
 * `crash` goes into CrashLoopBackOff; `external` starts running and lets its owner decide the outcome.
 */
export type PodBehaviour = 'serve' | 'complete' | 'crash' | 'external';

export interface ControllerContext {
  api: ClusterApi;
  store: Store;
  runtime: ControllerRuntime;
  kinds: Kinds;
  delays: () => InstallerDelays;
  caPem: string;
  podBehaviour: (pod: KubeObject) => PodBehaviour | undefined;
  /** The cluster's authorizer, for controllers that act with a pod's ServiceAccount. */
  auth: Authenticator;
  /** The version the cluster reports (`helm`'s `.Capabilities.KubeVersion`). */
  kubernetesVersion: string;
  /** The node's InternalIP: pods' hostIP, and where NodePorts listen. */
  nodeAddress: string;
}
