import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import dns, { LookupAddress, LookupOptions } from 'node:dns';
import {
  HostSimulator,
  isolatedNetwork,
  startHostSimulator,
} from '@nested-clusters/host-simulator';
import {
  adminClients,
  eventually,
  FAST_DELAYS,
  Harness,
  startBackend,
  USERS,
} from '@nested-clusters/test-harness';

jest.setTimeout(60_000);

/**
 * Each exposure type through the real backend, on one simulated host that
 * has NodePorts, a load balancer (port 443 served on 8443) and TLS
 * passthrough (ingress-nginx and a Gateway): create → Running → the
 * downloaded kubeconfig lists namespaces through the exposure, TLS verified
 * against the CA it carries, its server being the exposure's.
 */
describe('exposure types', () => {
  const sims: Record<string, HostSimulator> = {};
  let backend: Harness;
  const timings: Record<string, number> = {};

  const exposures = () => ({
    nodeport: { type: 'nodePort', nodeAddress: sims.nodeport.nodeAddress },
    lb: { type: 'loadBalancer', port: 8443 },
    ingress: {
      type: 'ingress',
      host: '{name}.ingress.test',
      port: sims.ingress.passthrough!.port,
    },
    route: {
      type: 'tlsRoute',
      host: '{name}.route.test',
      port: sims.route.passthrough!.port,
      parentRefs: [
        {
          name: 'passthrough',
          namespace: 'gateway-system',
          sectionName: 'tls',
        },
      ],
    },
  });

  const lookup = dns.lookup;
  beforeAll(async () => {
    // One simulated host per exposure type, each on its own loopback /24.
    for (const host of ['nodeport', 'lb', 'ingress', 'route']) {
      sims[host] = await startHostSimulator({
        delays: FAST_DELAYS,
        ...isolatedNetwork(),
      });
    }
    // A resolver override: the ingress and route hosts resolve to the host's ingress address, for the backend and the test.
    const override = (
      hostname: string,
      options: LookupOptions | ((...args: unknown[]) => void),
      callback?: (...args: unknown[]) => void,
    ) => {
      if (!hostname.endsWith('.test')) {
        return (lookup as (...args: unknown[]) => void)(
          hostname,
          options,
          callback,
        );
      }
      const done = (callback ?? options) as (...args: unknown[]) => void;
      const sim = hostname.endsWith('.route.test') ? sims.route : sims.ingress;
      const address: LookupAddress = { address: sim.nodeAddress, family: 4 };
      const all = typeof options === 'object' && options.all;
      return process.nextTick(() =>
        all ? done(null, [address]) : done(null, address.address, 4),
      );
    };
    dns.lookup = override as typeof dns.lookup;
    backend = await startBackend({
      hosts: Object.entries(exposures()).map(([name, exposure]) => ({
        name,
        sim: sims[name],
        exposure,
      })),
    });
  });

  afterAll(async () => {
    dns.lookup = lookup;
    await backend?.stop();
    await Promise.all(Object.values(sims).map(sim => sim.stop()));
    // eslint-disable-next-line no-console
    console.log(
      `create → kubeconfig answers (simulator, test timeline): ${Object.entries(
        timings,
      )
        .map(([type, ms]) => `${type} ${ms} ms`)
        .join(', ')}`,
    );
  });

  const expectedServer = async (host: string, name: string) => {
    const sim = sims[host];
    const namespace = `nc-${name}`;
    const service = await adminClients(sim).core.readNamespacedService({
      name,
      namespace,
    });
    const port = sim.passthrough!.port;
    switch (host) {
      case 'nodeport':
        return `https://${sim.nodeAddress}:${service.spec!.ports![0].nodePort}`;
      case 'lb':
        return `https://${service.status!.loadBalancer!.ingress![0].ip}:8443`;
      case 'ingress':
        return `https://${name}.ingress.test:${port}`;
      default:
        return `https://${name}.route.test:${port}`;
    }
  };

  it.each(['nodeport', 'lb', 'ingress', 'route'])(
    'reaches a nested cluster through the %s exposure',
    async host => {
      const name = `web-${host}`;
      const path = `/api/nested-clusters/clusters/${host}/${name}`;
      const started = Date.now();
      const created = await backend.server
        .post('/api/nested-clusters/clusters')
        .set('Authorization', USERS.guest)
        .send({ name, host, profile: 'sandbox' });
      expect(created.status).toBe(202);
      const kc = await eventually(async () => {
        const res = await backend.server
          .get(`${path}/kubeconfig`)
          .set('Authorization', USERS.guest);
        expect(res.status).toBe(200);
        const downloaded = new KubeConfig();
        downloaded.loadFromString(res.text);
        const cluster = downloaded.getCurrentCluster()!;
        await downloaded.makeApiClient(CoreV1Api).listNamespace();
        return { downloaded: res.text, cluster };
      }, 20_000);
      timings[host] = Date.now() - started;

      const status = await backend.server
        .get(path)
        .set('Authorization', USERS.guest);
      expect(status.body.status).toBe('Running');
      expect(kc.cluster.server).toBe(await expectedServer(host, name));
      expect(kc.downloaded).not.toContain('insecure-skip-tls-verify');
      expect(new URL(kc.cluster.server).pathname).toBe('/');
      // Its own CA: the vcluster's, not the host's.
      const ca = Buffer.from(kc.cluster.caData!, 'base64').toString();
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(ca).not.toBe(sims[host].caPem);
      // Verification really happens: the host's CA does not vouch for the nested API server.
      const wrongCa = new KubeConfig();
      wrongCa.loadFromString(kc.downloaded);
      wrongCa.clusters = [
        {
          ...kc.cluster,
          caData: Buffer.from(sims[host].caPem).toString('base64'),
        },
      ];
      await expect(
        wrongCa.makeApiClient(CoreV1Api).listNamespace(),
      ).rejects.toThrow();
    },
  );
});
