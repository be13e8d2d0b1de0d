import { readNestedClustersConfig } from '@nested-clusters/plugin-nested-clusters-node';
import { ConfigReader } from '@backstage/config';
import { exposureValues } from '@nested-clusters/plugin-nested-clusters-node';
import { addonValues, clusterValues, mergeValues } from './values';

const config = readNestedClustersConfig(
  new ConfigReader({
    nestedClusters: {
      hosts: [
        {
          name: 'dev',
          url: 'https://api.dev.example.com',
          installer: 'flux',
          auth: { type: 'serviceAccount', token: 't' },
          exposure: {
            type: 'hostPattern',
            pattern: 'https://{name}.{namespace}.vc.example.com:8443/x',
          },
        },
      ],
      profiles: [
        {
          name: 'sandbox',
          kubernetesVersion: 'v1.34.2',
          chartVersion: '0.36.1',
          ttl: '1d',
          maxTtl: '2d',
          values: {
            controlPlane: {
              proxy: { extraSANs: ['extra.example.com'] },
              distro: { k8s: { version: 'v1.0.0', resources: { cpu: 1 } } },
            },
            exportKubeConfig: { server: 'https://evil.example.com' },
            sync: { toHost: { ingresses: { enabled: true } } },
          },
        },
      ],
    },
  }),
);

describe('values', () => {
  it("sets the chart's exposure values per cluster for each exposure type", () => {
    const of = (exposure: object) =>
      exposureValues(
        readNestedClustersConfig(
          new ConfigReader({
            nestedClusters: {
              hosts: [{ ...config.hosts[0], exposure }],
            },
          }),
        ).hosts[0].exposure,
        'demo',
        'nc-demo',
      );
    expect(of({ type: 'nodePort', nodeAddress: '10.0.0.5' })).toEqual({
      controlPlane: {
        service: { spec: { type: 'NodePort' } },
        proxy: { extraSANs: ['10.0.0.5'] },
      },
    });
    expect(of({ type: 'loadBalancer' })).toEqual({
      controlPlane: { service: { spec: { type: 'LoadBalancer' } } },
    });
    expect(
      of({
        type: 'ingress',
        host: '{name}.vc.example.com',
        className: 'nginx',
      }),
    ).toEqual({
      controlPlane: {
        ingress: {
          enabled: true,
          host: 'demo.vc.example.com',
          spec: { ingressClassName: 'nginx' },
        },
        proxy: { extraSANs: ['demo.vc.example.com'] },
      },
      exportKubeConfig: { server: 'https://demo.vc.example.com' },
    });
    const parentRefs = [
      { name: 'gw', namespace: 'gateway', sectionName: 'tls' },
    ];
    expect(
      of({
        type: 'tlsRoute',
        host: '{namespace}.vc.example.com',
        port: 8443,
        parentRefs,
      }),
    ).toEqual({
      controlPlane: {
        tlsRoute: { enabled: true, host: 'nc-demo.vc.example.com', parentRefs },
        proxy: { extraSANs: ['nc-demo.vc.example.com'] },
      },
      exportKubeConfig: { server: 'https://nc-demo.vc.example.com:8443' },
    });
  });

  it('merges the profile under the plugin-controlled values', () => {
    expect(
      clusterValues(config.hosts[0], config.profiles[0], 'demo', 'nc-demo'),
    ).toEqual({
      controlPlane: {
        proxy: {
          extraSANs: ['extra.example.com', 'demo.nc-demo.vc.example.com'],
        },
        distro: { k8s: { version: 'v1.34.2', resources: { cpu: 1 } } },
      },
      exportKubeConfig: {
        server: 'https://demo.nc-demo.vc.example.com:8443/x',
      },
      sync: { toHost: { ingresses: { enabled: true } } },
    });
  });

  it('unites arrays and replaces scalars', () => {
    expect(mergeValues({ a: [1, 2], b: 1 }, { a: [2, 3], b: 2 })).toEqual({
      a: [1, 2, 3],
      b: 2,
    });
  });

  it('renders add-ons into experimental.deploy.vcluster as vcluster reads them', () => {
    expect(addonValues([])).toEqual({});
    expect(
      addonValues([
        {
          name: 'ns',
          manifests: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n',
        },
        {
          name: 'cm',
          manifests:
            '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
        },
        {
          name: 'chains',
          chart: {
            name: 'tekton-chains',
            repo: 'https://charts.example.com',
            version: '1.0.0',
          },
          release: { namespace: 'tekton-chains' },
          values: { controller: { replicas: 2 } },
          timeout: '5m',
        },
        {
          name: 'plain',
          chart: {
            name: 'plain',
            repo: 'oci://registry.example.com/charts',
            version: '2.0.0',
          },
          release: { name: 'p', namespace: 'tools' },
          values: {},
        },
      ]),
    ).toEqual({
      experimental: {
        deploy: {
          vcluster: {
            manifests:
              '# add-on ns\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# add-on cm\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
            helm: [
              {
                chart: {
                  name: 'tekton-chains',
                  repo: 'https://charts.example.com',
                  version: '1.0.0',
                },
                release: { name: 'tekton-chains', namespace: 'tekton-chains' },
                values: 'controller:\n  replicas: 2\n',
                timeout: '5m',
              },
              {
                chart: {
                  name: 'plain',
                  repo: 'oci://registry.example.com/charts',
                  version: '2.0.0',
                },
                release: { name: 'p', namespace: 'tools' },
              },
            ],
          },
        },
      },
    });
  });
});
