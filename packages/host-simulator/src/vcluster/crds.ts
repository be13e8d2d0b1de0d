import { KubeObject } from '../model';

export function crd(
  group: string,
  kind: string,
  plural: string,
  versions: string[],
  shortNames: string[] = [],
  scope: 'Namespaced' | 'Cluster' = 'Namespaced',
): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: {
        kind,
        plural,
        singular: kind.toLowerCase(),
        listKind: `${kind}List`,
        ...(shortNames.length ? { shortNames } : {}),
      },
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
        subresources: { status: {} },
      })),
    },
  };
}

/** The CRDs of Cluster API, cluster-api-provider-vcluster and Flux, installed on the simulated host. */
export const INSTALLER_CRDS: KubeObject[] = [
  crd('cluster.x-k8s.io', 'Cluster', 'clusters', ['v1beta1'], ['cl']),
  crd('infrastructure.cluster.x-k8s.io', 'VCluster', 'vclusters', ['v1alpha1']),
  crd('helm.toolkit.fluxcd.io', 'HelmRelease', 'helmreleases', ['v2'], ['hr']),
  crd(
    'source.toolkit.fluxcd.io',
    'HelmRepository',
    'helmrepositories',
    ['v1'],
    ['helmrepo'],
  ),
];

/** What a host prepared for Flux has: the flux-system namespace and the vcluster chart repository. */
export const FLUX_SOURCES: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
  {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: 'vcluster', namespace: 'flux-system' },
    spec: { url: 'https://charts.loft.sh', interval: '1h' },
  },
];
