import {
  AddonConfig,
  chartRelease,
  exposureValues,
  HostConfig,
  isChartAddon,
  ManifestsAddonConfig,
  ProfileConfig,
} from '@nested-clusters/plugin-nested-clusters-node';
import { stringify as toYaml } from 'yaml';

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
 * values the plugin controls (the host's exposure for this cluster, version).
 * Users pick a profile; they never send values.
 */
export function clusterValues(
  host: HostConfig,
  profile: ProfileConfig,
  name: string,
  namespace: string,
): Values {
  return mergeValues(
    mergeValues(profile.values, exposureValues(host.exposure, name, namespace)),
    {
      controlPlane: {
        distro: { k8s: { version: profile.kubernetesVersion } },
      },
      ...addonValues(profile.addons),
    },
  );
}

/**
 * The profile's add-ons as vcluster deploys them itself, whichever installer
 * runs the chart: `experimental.deploy.vcluster.manifests` (one YAML string)
 * and `.helm[]` (chart/values.yaml; config/config.go ExperimentalDeployHelm,
 * whose `values` is a YAML string).
 */
export function addonValues(addons: AddonConfig[]): Values {
  const manifests = addons
    .filter((a): a is ManifestsAddonConfig => !isChartAddon(a))
    .map(a => `# add-on ${a.name}\n${a.manifests.trim()}\n`)
    .join('---\n');
  const helm = addons.filter(isChartAddon).map(a => ({
    chart: { name: a.chart.name, repo: a.chart.repo, version: a.chart.version },
    release: chartRelease(a),
    ...(Object.keys(a.values).length ? { values: toYaml(a.values) } : {}),
    ...(a.timeout ? { timeout: a.timeout } : {}),
  }));
  if (!manifests && helm.length === 0) {
    return {};
  }
  return {
    experimental: {
      deploy: {
        vcluster: {
          ...(manifests ? { manifests } : {}),
          ...(helm.length ? { helm } : {}),
        },
      },
    },
  };
}
