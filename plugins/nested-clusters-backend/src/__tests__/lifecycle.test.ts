import {
  HostSimulator,
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
      sim = await startHostSimulator();
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
        server: (name, namespace) =>
          `${sim.url}/vclusters/${namespace}/${name}`,
        secrets: [sim.token],
        timeoutMs: 20_000,
      }),
      { name: `demo-${installer}`, installer },
    );
  },
);
