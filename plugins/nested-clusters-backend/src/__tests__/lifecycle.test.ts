import {
  HostSimulator,
  isolatedNetwork,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  adminClients,
  Harness,
  startBackend,
} from '@nested-clusters/test-harness';
import { lifecycleSuite } from '../__testUtils__/lifecycleSuite';

jest.setTimeout(60_000);

describe.each(['capi', 'helm-job', 'flux'] as const)(
  'lifecycle with the %s installer on the host simulator',
  installer => {
    let sim: HostSimulator;
    let backend: Harness;

    beforeAll(async () => {
      sim = await startHostSimulator(isolatedNetwork());
      backend = await startBackend({
        hosts: [{ name: 'simulated', sim, installer }],
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await sim?.stop();
    });

    lifecycleSuite(
      () => ({
        backend,
        admin: adminClients(sim),
        host: 'simulated',
        installer,
        namespacePrefix: 'nc-',
        // The default exposure of the test hosts: the Service's NodePort on the node address.
        server: async (name, namespace) => {
          const service = await adminClients(sim).core.readNamespacedService({
            name,
            namespace,
          });
          return `https://${sim.nodeAddress}:${service.spec?.ports?.[0].nodePort}`;
        },
        secrets: [sim.token],
        timeoutMs: 20_000,
      }),
      { name: `demo-${installer}`, installer },
    );
  },
);
