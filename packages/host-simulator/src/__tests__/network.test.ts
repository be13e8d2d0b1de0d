import * as k8s from '@kubernetes/client-node';
import { connect } from 'node:tls';
import { startHostSimulator, HostSimulator } from '../simulator';
import {
  eventually,
  hostKubeConfig,
  installVcluster,
  isolatedNetwork,
  kubeConfigAt,
  refused,
  statusBodyOf,
} from '../__testUtils__/helpers';

/** The subjectAltName entries of the certificate served at host:port for `servername`. */
function servedNames(
  host: string,
  port: number,
  servername: string,
  caPem: string,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername, ca: caPem }, () => {
      const names = socket.getPeerCertificate().subjectaltname ?? '';
      socket.end();
      resolve(names.split(', '));
    });
    socket.on('error', reject);
  });
}

const caOf = (secret: k8s.V1Secret) =>
  Buffer.from(secret.data!['certificate-authority'], 'base64').toString();

describe('host network: NodePorts, load balancer and TLS passthrough', () => {
  let sim: HostSimulator;
  let core: k8s.CoreV1Api;
  let network: ReturnType<typeof isolatedNetwork>;

  beforeAll(async () => {
    network = isolatedNetwork();
    sim = await startHostSimulator(network);
    core = hostKubeConfig(sim).makeApiClient(k8s.CoreV1Api);
  });
  afterAll(() => sim.stop());

  const service = (name: string, type: string, nodePort?: number) => ({
    metadata: { name },
    spec: {
      type,
      selector: { app: name },
      ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort }],
    },
  });

  it('allocates and validates nodePorts like the API server', async () => {
    const created = await core.createNamespacedService({
      namespace: 'default',
      body: service('np-a', 'NodePort'),
    });
    const allocated = created.spec!.ports![0].nodePort!;
    expect(allocated).toBeGreaterThanOrEqual(30000);
    expect(allocated).toBeLessThanOrEqual(32767);
    expect(created.spec?.externalTrafficPolicy).toBe('Cluster');

    expect(
      await statusBodyOf(
        core.createNamespacedService({
          namespace: 'default',
          body: service('np-b', 'NodePort', allocated),
        }),
      ),
    ).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: `Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: ${allocated}: provided port is already allocated`,
    });
    expect(
      (
        await statusBodyOf(
          core.createNamespacedService({
            namespace: 'default',
            body: service('np-c', 'NodePort', 8080),
          }),
        )
      ).message,
    ).toBe(
      'Service "np-c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    expect(
      (
        await statusBodyOf(
          core.createNamespacedService({
            namespace: 'default',
            body: service('np-d', 'ClusterIP', 30999),
          }),
        )
      ).message,
    ).toBe(
      'Service "np-d" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
    );

    // An update without the nodePort keeps it; switching to ClusterIP drops it and frees the port.
    const current = await core.readNamespacedService({
      namespace: 'default',
      name: 'np-a',
    });
    const kept = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'np-a',
      body: {
        ...current,
        spec: {
          ...current.spec,
          ports: [{ name: 'https', port: 443, targetPort: 8443 }],
        },
      },
    });
    expect(kept.spec?.ports?.[0].nodePort).toBe(allocated);
    const clusterIp = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'np-a',
      body: { ...kept, spec: { ...kept.spec, type: 'ClusterIP' } },
    });
    expect(clusterIp.spec?.ports?.[0].nodePort).toBeUndefined();
    const reused = await core.createNamespacedService({
      namespace: 'default',
      body: service('np-e', 'NodePort', allocated),
    });
    expect(reused.spec?.ports?.[0].nodePort).toBe(allocated);
  });

  it('assigns load-balancer addresses from the pool and reports an exhausted pool', async () => {
    const names = ['lb-1', 'lb-2', 'lb-3', 'lb-4'];
    for (const name of names) {
      await core.createNamespacedService({
        namespace: 'default',
        body: service(name, 'LoadBalancer'),
      });
    }
    const ips = await eventually(async () => {
      const all = await Promise.all(
        names
          .slice(0, 3)
          .map(name =>
            core.readNamespacedService({ namespace: 'default', name }),
          ),
      );
      const assigned = all.map(s => s.status?.loadBalancer?.ingress?.[0]?.ip);
      return assigned.every(Boolean) ? assigned : undefined;
    });
    const prefix = network.nodeAddress.replace(/\.1$/, '');
    expect(ips.sort()).toEqual([
      `${prefix}.10`,
      `${prefix}.11`,
      `${prefix}.12`,
    ]);
    const events = await eventually(async () => {
      const list = await core.listNamespacedEvent({
        namespace: 'default',
        fieldSelector: 'involvedObject.name=lb-4',
      });
      return list.items.length > 0 ? list.items : undefined;
    });
    expect(events[0]).toMatchObject({
      type: 'Warning',
      reason: 'AllocationFailed',
      message: 'Failed to allocate IP for "default/lb-4": no available IPs',
    });
    // A freed address goes to the pending Service.
    const first = await core.readNamespacedService({
      namespace: 'default',
      name: 'lb-1',
    });
    await core.deleteNamespacedService({ namespace: 'default', name: 'lb-1' });
    const got = await eventually(async () => {
      const s = await core.readNamespacedService({
        namespace: 'default',
        name: 'lb-4',
      });
      return s.status?.loadBalancer?.ingress?.[0]?.ip;
    });
    expect(got).toBe(first.status?.loadBalancer?.ingress?.[0]?.ip);
    for (const name of names.slice(1)) {
      await core.deleteNamespacedService({ namespace: 'default', name });
    }
  });

  it('serves a vcluster on its load-balancer address with the address in its certificate', async () => {
    const secret = await installVcluster(sim, 'nc-lb', 'lb', {
      controlPlane: { service: { spec: { type: 'LoadBalancer' } } },
    });
    const svc = await core.readNamespacedService({
      namespace: 'nc-lb',
      name: 'lb',
    });
    const ip = svc.status!.loadBalancer!.ingress![0].ip!;
    // LoadBalancer Services have no kubelet port (templates/service.yaml).
    expect(svc.spec?.ports?.map(p => p.name)).toEqual(['https']);
    const kc = kubeConfigAt(secret, 'config', `https://${ip}:8443`);
    const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(namespaces.items.length).toBe(4);
    const names = await servedNames(ip, 8443, 'lb', caOf(secret));
    expect(names).toEqual(
      expect.arrayContaining([
        `IP Address:${ip}`,
        `IP Address:${svc.spec!.clusterIP}`,
        'DNS:lb',
        'DNS:lb.nc-lb',
        'DNS:kubernetes.default.svc',
        'DNS:my-host.com',
      ]),
    );
    // The host's CA does not vouch for the vcluster.
    await expect(servedNames(ip, 8443, 'lb', sim.caPem)).rejects.toThrow(
      /self-signed|unable to verify|certificate/i,
    );
  });

  it('routes an Ingress host with SSL passthrough to the vcluster by server name', async () => {
    const host = 'ing.nested.test';
    const secret = await installVcluster(sim, 'nc-ing', 'ing', {
      controlPlane: { ingress: { enabled: true, host } },
    });
    const ingress = await eventually(async () => {
      const i = await hostKubeConfig(sim)
        .makeApiClient(k8s.NetworkingV1Api)
        .readNamespacedIngress({ namespace: 'nc-ing', name: 'ing' });
      return i.status?.loadBalancer?.ingress?.length ? i : undefined;
    });
    expect(ingress.metadata?.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
    });
    expect(ingress.spec?.rules?.[0]).toMatchObject({
      host,
      http: {
        paths: [
          {
            path: '/',
            pathType: 'ImplementationSpecific',
            backend: { service: { name: 'ing', port: { name: 'https' } } },
          },
        ],
      },
    });
    expect(ingress.status?.loadBalancer?.ingress?.[0].ip).toBe(sim.nodeAddress);
    const { address, port } = sim.passthrough!;
    const kc = kubeConfigAt(
      secret,
      'config',
      `https://${address}:${port}`,
      host,
    );
    expect(
      (await kc.makeApiClient(k8s.CoreV1Api).listNamespace()).items.length,
    ).toBe(4);
    // The syncer puts the ingress host into its certificate by itself.
    expect(await servedNames(address, port, host, caOf(secret))).toContain(
      `DNS:${host}`,
    );
    // An unknown server name is not routed anywhere.
    const stranger = kubeConfigAt(
      secret,
      'config',
      `https://${address}:${port}`,
      'nobody.nested.test',
    );
    expect(
      await refused(stranger.makeApiClient(k8s.CoreV1Api).listNamespace()),
    ).toBe(true);
  });

  it('routes a TLSRoute attached to the passthrough Gateway by server name', async () => {
    const host = 'route.nested.test';
    const secret = await installVcluster(sim, 'nc-route', 'route', {
      controlPlane: {
        tlsRoute: {
          enabled: true,
          host,
          parentRefs: [
            {
              name: 'passthrough',
              namespace: 'gateway-system',
              sectionName: 'tls',
            },
          ],
        },
        // The syncer does not add the TLSRoute host itself (pkg/server/cert/cert.go).
        proxy: { extraSANs: [host] },
      },
    });
    const custom = hostKubeConfig(sim).makeApiClient(k8s.CustomObjectsApi);
    const route = (await eventually(async () => {
      const r = (await custom.getNamespacedCustomObject({
        group: 'gateway.networking.k8s.io',
        version: 'v1',
        namespace: 'nc-route',
        plural: 'tlsroutes',
        name: 'route',
      })) as { spec: unknown; status?: { parents?: unknown[] } };
      return r.status?.parents?.length ? r : undefined;
    })) as {
      spec: unknown;
      status: { parents: { conditions: { type: string; status: string }[] }[] };
    };
    expect(route.spec).toEqual({
      parentRefs: [
        {
          name: 'passthrough',
          namespace: 'gateway-system',
          sectionName: 'tls',
        },
      ],
      hostnames: [host],
      rules: [{ backendRefs: [{ name: 'route', port: 443 }] }],
    });
    expect(route.status.parents[0].conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Accepted', status: 'True' }),
      ]),
    );
    const { address, port } = sim.passthrough!;
    const kc = kubeConfigAt(
      secret,
      'config',
      `https://${address}:${port}`,
      host,
    );
    expect(
      (await kc.makeApiClient(k8s.CoreV1Api).listNamespace()).items.length,
    ).toBe(4);
  });

  it('leaves a TLSRoute that names no Gateway of the host unrouted', async () => {
    const host = 'orphan.nested.test';
    const secret = await installVcluster(sim, 'nc-orphan', 'orphan', {
      controlPlane: {
        tlsRoute: { enabled: true, host, parentRefs: [{ name: 'elsewhere' }] },
        proxy: { extraSANs: [host] },
      },
    });
    const { address, port } = sim.passthrough!;
    const kc = kubeConfigAt(
      secret,
      'config',
      `https://${address}:${port}`,
      host,
    );
    expect(await refused(kc.makeApiClient(k8s.CoreV1Api).listNamespace())).toBe(
      true,
    );
  });
});
