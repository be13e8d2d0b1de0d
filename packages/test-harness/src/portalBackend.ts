import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { JsonObject } from '@backstage/types';
import { HostSimulator } from '@nested-clusters/host-simulator';
import request from 'supertest';
import nestedClustersPlugin from '@nested-clusters/plugin-nested-clusters-backend';
import {
  authKeepingActor,
  eventually,
  exampleEntities,
  Harness,
  hostConfig,
  SANDBOX_PROFILE,
  userInfoFromOrg,
  USERS,
} from './harness';

export const APP_BASE_URL = 'http://portal.example.com';

export interface PortalBackend {
  server: ReturnType<typeof request>;
  scheduler: Harness['scheduler'];
  stop(): Promise<void>;
}

/**
 * A real backend with the nested-clusters plugin on one simulated host, the
 * permission backend, and the given plugins, modules and policy.
 */
export async function startPortalBackend(options: {
  sim: HostSimulator;
  features: BackendFeature[];
  config?: JsonObject;
}): Promise<PortalBackend> {
  const scheduler = mockServices.scheduler() as Harness['scheduler'];
  const backend = await startTestBackend({
    features: [
      nestedClustersPlugin,
      permissionPlugin,
      userInfoFromOrg(exampleEntities()),
      authKeepingActor(),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_BASE_URL },
          permission: { enabled: true },
          nestedClusters: {
            hosts: [
              hostConfig({
                name: 'simulated',
                sim: options.sim,
                installer: 'helm-job',
              }),
            ],
            profiles: [SANDBOX_PROFILE],
            limits: { clustersPerOwner: 10 },
          },
          ...options.config,
        },
      }),
      ...options.features,
    ],
  });
  return {
    server: request(backend.server),
    scheduler,
    stop: () => backend.stop(),
  };
}

/**
 * Creates a cluster through the REST API as `user` and waits until it is
 * Running. Throws rather than expects, so scripts outside Jest can use it.
 */
export async function createRunningCluster(
  backend: PortalBackend,
  body: { name: string; entityRef?: string; owner?: string },
  user: string = USERS.guest,
): Promise<void> {
  const created = await backend.server
    .post('/api/nested-clusters/clusters')
    .set('Authorization', user)
    .send({ profile: 'sandbox', ...body });
  if (created.status !== 202) {
    throw new Error(
      `creating ${body.name} answered ${created.status}: ${created.text}`,
    );
  }
  await eventually(async () => {
    const res = await backend.server
      .get(`/api/nested-clusters/clusters/simulated/${body.name}`)
      .set('Authorization', user);
    if (res.body.status !== 'Running') {
      throw new Error(`${body.name} is not Running: ${res.text}`);
    }
  });
}
