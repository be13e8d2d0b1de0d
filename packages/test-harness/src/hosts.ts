import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  HostSimulator,
  InstallerDelays,
  isolatedNetwork,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  DefaultNestedClustersHostsService,
  readNestedClustersConfig,
} from '@nested-clusters/plugin-nested-clusters-node';

/** What the backend needs to reach a simulator, in this process or another. */
export interface SimulatorAccess {
  url: string;
  token: string;
  caPem: string;
  /** The simulated node's address, where NodePorts listen (default 127.0.0.1). */
  nodeAddress?: string;
}

/** One `nestedClusters.hosts[]` entry on a simulator. */
export interface HostEntry {
  name: string;
  sim: SimulatorAccess;
  /** Default: helm-job. */
  installer?: 'capi' | 'helm-job' | 'flux';
  /** Default: 10. */
  maxClusters?: number;
  /** Default: NAMESPACE_PREFIX. */
  namespacePrefix?: string;
  /** Defaults to the simulator's full-access token. */
  token?: string;
  /** `exposure` of the host; default nodePort on the simulator's node address. */
  exposure?: JsonObject;
}

/** A host of the test backend: a simulator, or a raw `nestedClusters.hosts[]` entry. */
export type TestHost = HostEntry | { config: JsonObject };

export const NAMESPACE_PREFIX = 'nc-';

export const SANDBOX_PROFILE = {
  name: 'sandbox',
  title: 'Sandbox (small)',
  kubernetesVersion: 'v1.35.0',
  chartVersion: '0.36.1',
  ttl: '72h',
  maxTtl: '14d',
  values: { sync: { toHost: { ingresses: { enabled: true } } } },
};

export function hostConfig(entry: HostEntry): JsonObject {
  return {
    name: entry.name,
    title: `Simulated ${entry.name}`,
    url: entry.sim.url,
    installer: entry.installer ?? 'helm-job',
    namespacePrefix: entry.namespacePrefix ?? NAMESPACE_PREFIX,
    maxClusters: entry.maxClusters ?? 10,
    auth: {
      type: 'serviceAccount',
      token: entry.token ?? entry.sim.token,
      caData: entry.sim.caPem,
    },
    exposure: entry.exposure ?? {
      type: 'nodePort',
      nodeAddress: entry.sim.nodeAddress ?? '127.0.0.1',
    },
  };
}

/** The `nestedClusters` config section of these hosts, with the sandbox profile. */
export function nestedClustersConfig(
  hosts: TestHost[],
  limits: JsonObject = { clustersPerOwner: 10 },
  profiles: JsonObject[] = [SANDBOX_PROFILE],
): JsonObject {
  return {
    hosts: hosts.map(h => ('config' in h ? h.config : hostConfig(h))),
    profiles,
    limits,
  };
}

/** Short installer timeline, so a cluster is Running within about a second. */
export const FAST_DELAYS: Partial<InstallerDelays> = {
  helmInstallMs: 50,
  podReadyMs: 50,
  kubeconfigMs: 20,
  podTerminateMs: 20,
  uninstallMs: 30,
  jobRunMs: 30,
};

/** A simulator under the name the backend knows it by. */
export interface SimulatedHost extends HostEntry {
  sim: HostSimulator;
}

/** Starts one simulator per name, with the fast installer timeline. */
export async function startSimulators(
  names: string[],
  delays: Partial<InstallerDelays> = FAST_DELAYS,
): Promise<SimulatedHost[]> {
  return Promise.all(
    names.map(async name => ({
      name,
      sim: await startHostSimulator({
        delays,
        bookmarkIntervalMs: 500,
        ...isolatedNetwork(),
      }),
    })),
  );
}

/** A started hosts service (no backend) with one helm-job host `eu` on the simulator. */
export function startHostsService(sim: HostSimulator) {
  const hosts = new DefaultNestedClustersHostsService({
    config: readNestedClustersConfig(
      new ConfigReader({
        nestedClusters: nestedClustersConfig([{ name: 'eu', sim }]),
      }),
    ),
    logger: mockServices.logger.mock(),
  });
  hosts.start();
  return hosts;
}

export type AdminClients = ReturnType<typeof adminClients>;

/** Direct access to a host through client-node, as its admin would have. */
export function adminClients(host: HostSimulator | KubeConfig) {
  let kc: KubeConfig;
  if (host instanceof KubeConfig) {
    kc = host;
  } else {
    kc = new KubeConfig();
    kc.loadFromString(host.kubeconfig());
  }
  return {
    kubeConfig: kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}
