import {
  exposureUrl,
  HostConfig,
  ProfileConfig,
} from '@nested-clusters/plugin-nested-clusters-node';

type Values = Record<string, unknown>;

function isObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges `override` into `base`: objects merge, arrays are united, scalars are replaced. */
export function mergeValues(base: Values, override: Values): Values {
  const result: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    if (isObject(current) && isObject(value)) {
      result[key] = mergeValues(current, value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      result[key] = [...new Set([...current, ...value])];
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * The vcluster.yaml values of a new cluster: the profile's fragment under the
 * values the plugin controls (kubeconfig server, certificate SAN, version).
 * Users pick a profile; they never send values.
 */
export function clusterValues(
  host: HostConfig,
  profile: ProfileConfig,
  name: string,
  namespace: string,
): Values {
  const server = exposureUrl(host, name, namespace);
  return mergeValues(profile.values, {
    controlPlane: {
      distro: { k8s: { version: profile.kubernetesVersion } },
      proxy: { extraSANs: [new URL(server).hostname] },
    },
    exportKubeConfig: { server },
  });
}
