import { ConfigReader } from '@backstage/config';
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
      { hosts: [host, { ...host, name: 'b', installer: 'helm' }] },
      'nestedClusters.hosts[1].installer: expected one of capi|helm-job|flux',
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
  ])('rejects %j naming the key', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });

  it('never puts the token into the error', () => {
    expect(() => read({ hosts: [{ ...host, installer: 'nope' }] })).not.toThrow(
      /secret-token/,
    );
  });
});
