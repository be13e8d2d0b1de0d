import { ConfigReader } from '@backstage/config';
import { resolve } from 'node:path';
import { defaultConfigDir } from './addons';
import { readNestedClustersConfig } from './config';

const host = {
  name: 'dev-eu',
  url: 'https://api.dev-eu.example.com',
  installer: 'capi',
  auth: { type: 'serviceAccount', token: 'secret-token' },
  exposure: { type: 'hostPattern', pattern: 'https://{name}.vc.example.com' },
};
const profile = {
  name: 'sandbox',
  kubernetesVersion: 'v1.35.0',
  chartVersion: '0.36.1',
  ttl: '72h',
  maxTtl: '14d',
};

function read(nestedClusters: object) {
  return readNestedClustersConfig(new ConfigReader({ nestedClusters }));
}

describe('readNestedClustersConfig', () => {
  it('applies defaults', () => {
    const config = read({ hosts: [host], profiles: [profile] });
    expect(config.hosts[0]).toMatchObject({
      namespacePrefix: 'nc-',
      maxClusters: 50,
    });
    expect(config.profiles[0].values).toEqual({});
    expect(config.limits.clustersPerOwner).toBe(5);
    expect(config.expiry.frequency).toBe('1m');
  });

  it('reads limits.perOwner as counts, millicores and bytes; clustersPerOwner still sets the count', () => {
    expect(
      read({
        limits: { perOwner: { clusters: 3, cpu: '1500m', memory: '8Gi' } },
      }).limits,
    ).toEqual({
      clustersPerOwner: 3,
      perOwner: { clusters: 3, cpuMillicores: 1500, memoryBytes: 8 * 2 ** 30 },
    });
    expect(read({ limits: { clustersPerOwner: 2 } }).limits.perOwner).toEqual({
      clusters: 2,
    });
    expect(read({}).cost).toBeUndefined();
    expect(read({ cost: { cpuHour: 0.03, gibHour: 0.004 } }).cost).toEqual({
      cpuHour: 0.03,
      gibHour: 0.004,
      currency: 'USD',
    });
  });

  it('accepts kubeconfig and inCluster auth', () => {
    const config = read({
      hosts: [
        {
          ...host,
          auth: { type: 'kubeconfig', path: 'kc.yaml', context: 'x' },
        },
        {
          ...host,
          name: 'incluster',
          url: undefined,
          auth: { type: 'inCluster' },
        },
      ],
    });
    expect(config.hosts.map(h => h.auth.type)).toEqual([
      'kubeconfig',
      'inCluster',
    ]);
  });

  it.each([
    [
      // Any installer type a module may add, but a DNS label.
      { hosts: [host, { ...host, name: 'b', installer: 'Helm Job' }] },
      'nestedClusters.hosts[1].installer:',
    ],
    [
      { hosts: [{ ...host, auth: { type: 'password' } }] },
      'nestedClusters.hosts[0].auth.type: expected one of serviceAccount|kubeconfig|inCluster',
    ],
    [
      { hosts: [{ ...host, auth: { type: 'serviceAccount' } }] },
      'nestedClusters.hosts[0].auth.token',
    ],
    [
      { hosts: [{ ...host, url: undefined }] },
      'nestedClusters.hosts[0].url: url is required with serviceAccount auth',
    ],
    [{ hosts: [{ ...host, name: 'Dev_EU' }] }, 'nestedClusters.hosts[0].name'],
    [
      {
        hosts: [
          {
            ...host,
            exposure: {
              type: 'hostPattern',
              pattern: 'https://fixed.example.com',
            },
          },
        ],
      },
      'nestedClusters.hosts[0].exposure.pattern',
    ],
    [{ hosts: [host, host] }, 'nestedClusters.hosts[1].name: duplicate name'],
    [
      { profiles: [{ ...profile, ttl: '3 days' }] },
      'nestedClusters.profiles[0].ttl: expected a duration',
    ],
    [
      { profiles: [{ ...profile, ttl: '30d' }] },
      'nestedClusters.profiles[0].ttl: ttl must not exceed maxTtl',
    ],
    [
      { limits: { clustersPerOwner: -1 } },
      'nestedClusters.limits.clustersPerOwner',
    ],
    [
      { limits: { clustersPerOwner: 3, perOwner: { clusters: 4 } } },
      'nestedClusters.limits.clustersPerOwner: set either limits.clustersPerOwner (the older key) or limits.perOwner.clusters, not both',
    ],
    [
      { limits: { perOwner: { cpu: 'lots' } } },
      'nestedClusters.limits.perOwner.cpu: expected a Kubernetes quantity',
    ],
    [{ cost: { cpuHour: -1, gibHour: 0 } }, 'nestedClusters.cost.cpuHour'],
  ])('rejects %j naming the key', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });

  it('never puts the token into the error', () => {
    expect(() => read({ hosts: [{ ...host, installer: 'nope' }] })).not.toThrow(
      /secret-token/,
    );
  });
});

describe('profile add-ons', () => {
  const chart = {
    name: 'tekton-chains',
    chart: {
      name: 'tekton-chains',
      repo: 'https://charts.example.com',
      version: '0.26.0',
    },
    release: { namespace: 'tekton-chains' },
    values: { replicas: 1 },
    timeout: '180s',
  };

  it('reads inline manifests, files relative to the config directory and charts', () => {
    const config = readNestedClustersConfig(
      new ConfigReader({
        nestedClusters: {
          profiles: [
            {
              ...profile,
              addons: [
                {
                  name: 'tekton-pipelines',
                  file: 'addons/tekton-pipelines.yaml',
                },
                {
                  name: 'team-ns',
                  manifests:
                    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
                },
                chart,
              ],
            },
          ],
        },
      }),
      { configDir: resolve(__dirname, '../../../examples') },
    );
    const [pipelines, inline, chains] = config.profiles[0].addons;
    expect(pipelines).toEqual({
      name: 'tekton-pipelines',
      manifests: expect.stringContaining('name: tasks.tekton.dev'),
    });
    expect(inline.name).toBe('team-ns');
    expect(chains).toEqual(chart);
  });

  it('finds the app config directory from --config or the working directory', () => {
    expect(
      defaultConfigDir(
        ['node', 'x', '--config', '../../app-config.yaml'],
        '/a/b/c',
      ),
    ).toBe('/a');
    expect(
      defaultConfigDir(['node', 'x', '--config=/etc/bs/app-config.yaml'], '/a'),
    ).toBe('/etc/bs');
    expect(defaultConfigDir([], __dirname)).toBe(
      resolve(__dirname, '../../..'),
    );
  });

  it.each([
    [
      { name: 'x', file: '../../etc/passwd' },
      'addons[0].file: "../../etc/passwd" is outside the app config\'s directory',
    ],
    [
      { name: 'x', file: '/etc/passwd' },
      'addons[0].file: "/etc/passwd" must be relative',
    ],
    [
      { name: 'x', file: 'missing.yaml' },
      'addons[0].file: "missing.yaml" is not a readable file',
    ],
    [
      { name: 'x', manifests: 'just: text' },
      'addons[0].manifests: document 1 is not a Kubernetes object',
    ],
    [{ name: 'x', manifests: 'a: [' }, 'addons[0].manifests: document 1:'],
    [{ name: 'x' }, 'addons[0]: expected exactly one of manifests or file'],
    [{ ...chart, chart: { ...chart.chart, repo: 'ftp://x' } }, 'addons[0]'],
    [{ ...chart, timeout: 'soon' }, 'addons[0]'],
    [{ ...chart, name: 'Bad Name' }, 'addons[0]'],
  ])('rejects %j', (addon, message) => {
    expect(() =>
      readNestedClustersConfig(
        new ConfigReader({
          nestedClusters: { profiles: [{ ...profile, addons: [addon] }] },
        }),
        { configDir: resolve(__dirname, '../../../examples') },
      ),
    ).toThrow(`nestedClusters.profiles[0].${message}`);
  });

  it('rejects duplicate add-on names and releases', () => {
    expect(() =>
      read({
        profiles: [
          {
            ...profile,
            addons: [chart, { ...chart, name: 'other' }, { ...chart }],
          },
        ],
      }),
    ).toThrow(
      'nestedClusters.profiles[0].addons[1].release: duplicate release tekton-chains/tekton-chains; nestedClusters.profiles[0].addons[2].name: duplicate add-on name "tekton-chains"',
    );
  });
});
