import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startHostSimulator } from '@nested-clusters/host-simulator';
import request from 'supertest';
import nestedClustersPlugin, { nestedClustersExamplePolicyModule } from '../../index';
import { exampleEntities, hostConfig, SANDBOX_PROFILE } from '../../__testUtils__/harness';
import { createRunningCluster } from '../__testUtils__/portal';
import permissionPlugin from '@backstage/plugin-permission-backend';

it.each([['promise'], ['direct']])('dbg %s', async (mode) => {
  const sim = await startHostSimulator();
  const scheduler = mockServices.scheduler();
  const backend = await startTestBackend({
    features: [
      nestedClustersPlugin,
      mode === 'promise' ? Promise.resolve({ default: permissionPlugin }) : permissionPlugin,
      nestedClustersExamplePolicyModule,
      catalogServiceMock.factory({ entities: exampleEntities() }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          nestedClusters: {
            hosts: [hostConfig({ name: 'simulated', sim, installer: 'helm-job' })],
            profiles: [SANDBOX_PROFILE],
          },
        },
      }),
    ],
  });
  await createRunningCluster({ server: request(backend.server) } as any, { name: 'a1', entityRef: 'component:default/web-shop' });
  console.log('OK', mode);
  await backend.stop();
  await sim.stop();
}, 60000);
