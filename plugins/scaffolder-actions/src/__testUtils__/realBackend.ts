import { AuthService, BackendFeature } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NestedClustersClient } from '@nested-clusters/plugin-nested-clusters-common';
import { InstallerDelays } from '@nested-clusters/host-simulator';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the tests run the real backend plugin
import {
  APP_BASE_URL,
  FAST_DELAYS,
  GUEST_REF,
  startBackend,
  startSimulators,
} from '@nested-clusters/test-harness';
import { NestedClusterActionsOptions } from '../actions/api';

/** One HTTP request the actions made to the nested-clusters backend. */
export interface RecordedRequest {
  method: string;
  path: string;
}

/**
 * The actions against the real nested-clusters backend on a simulated host
 * `simulated` (the test harness: permission backend with the example policy,
 * the example org). Every request the actions make is recorded, so a test can
 * say that bad input never reached the backend.
 */
export async function startActionsBackend(
  options: {
    clustersPerOwner?: number;
    delays?: Partial<InstallerDelays>;
    /** The permission policy module; default: the example policy. */
    policy?: BackendFeature;
  } = {},
) {
  const [host] = await startSimulators(['simulated'], {
    ...FAST_DELAYS,
    ...options.delays,
  });
  const harness = await startBackend({
    hosts: [{ ...host, maxClusters: 50 }],
    limits: { clustersPerOwner: options.clustersPerOwner ?? 50 },
    policy: options.policy,
  });
  const requests: RecordedRequest[] = [];
  const api = new NestedClustersClient({
    discoveryApi: {
      getBaseUrl: async pluginId =>
        `http://127.0.0.1:${harness.port}/api/${pluginId}`,
    },
    fetchApi: {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        requests.push({
          method: request.method,
          path: new URL(request.url).pathname.replace(
            /^\/api\/nested-clusters/,
            '',
          ),
        });
        return fetch(request);
      },
    },
  });
  const actionOptions: NestedClusterActionsOptions = {
    api,
    auth: initiatorAuth(),
    appBaseUrl: APP_BASE_URL,
    pollIntervalMs: 20,
  };
  return {
    host,
    harness,
    requests,
    actionOptions,
    async stop() {
      await harness.stop();
      await host.sim.stop();
    },
  };
}

export type ActionsBackend = Awaited<ReturnType<typeof startActionsBackend>>;

/** The part of an action context that says who runs the task. */
export function initiatedBy(userEntityRef: string = GUEST_REF) {
  return {
    getInitiatorCredentials: async () => mockCredentials.user(userEntityRef),
  };
}

/**
 * The scaffolder's auth as the actions see it: a token on behalf of the
 * initiator that keeps the scaffolder as its actor, as real tokens do.
 */
function initiatorAuth(): AuthService {
  const auth = mockServices.auth({ pluginId: 'scaffolder' });
  return Object.assign(auth, {
    async getPluginRequestToken(
      options: Parameters<AuthService['getPluginRequestToken']>[0],
    ) {
      const principal = options.onBehalfOf.principal as {
        userEntityRef?: string;
      };
      return {
        token: mockCredentials.user.token(
          principal.userEntityRef ?? GUEST_REF,
          { actor: { subject: 'plugin:scaffolder' } },
        ),
      };
    },
  });
}
