import { readNestedClustersConfig } from '@nested-clusters/plugin-nested-clusters-node';
import { ConfigReader } from '@backstage/config';
import { exposureUrl } from '@nested-clusters/plugin-nested-clusters-node';
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
  it('fills the exposure pattern', () => {
    expect(exposureUrl(config.hosts[0], 'demo', 'nc-demo')).toBe(
      'https://demo.nc-demo.vc.example.com:8443/x',
    );
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
