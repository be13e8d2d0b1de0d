import { Config } from '@backstage/config';
import { parseDuration } from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod';
import {
  AddonConfig,
  addonSchema,
  chartRelease,
  defaultConfigDir,
  manifestsProblem,
  readManifestsFile,
} from './addons';
import { sleepScheduleSchema } from './sleep';
import { cpuMillicores, memoryBytes, quantitySchema } from './usage';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const duration = z
  .string()
  .refine(value => parseDuration(value) !== undefined, {
    message: 'expected a duration such as 90m, 72h, 14d or 2w',
  });

const dnsLabel = (max: number) =>
  z
    .string()
    .max(max)
    .regex(DNS_LABEL, 'expected a lowercase DNS label (a-z, 0-9, "-")');

const hostAuthSchema = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('serviceAccount'),
      token: z.string().min(1),
      caData: z.string().min(1).optional(),
      caFile: z.string().min(1).optional(),
      skipTLSVerify: z.boolean().optional(),
    }),
    z.object({
      type: z.literal('kubeconfig'),
      path: z.string().min(1),
      context: z.string().min(1).optional(),
    }),
    z.object({ type: z.literal('inCluster') }),
  ],
  { error: 'expected one of serviceAccount|kubeconfig|inCluster' },
);

/** A host name pattern: `{name}`/`{namespace}` make it one per cluster. */
const hostPattern = z
  .string()
  .regex(
    /^(?=.*\{(name|namespace)\})[a-z0-9.{}-]+$/,
    'expected a host name pattern containing {name} or {namespace}, e.g. {name}.vc.example.com',
  );
const port = z.number().int().min(1).max(65535);

/**
 * How users reach a nested cluster's API server: the chart's own Service
 * (NodePort, LoadBalancer), Ingress or TLSRoute, or a platform's own proxy.
 */
const exposureSchema = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('nodePort'),
      /** The address of a host node users can reach. */
      nodeAddress: z
        .string()
        .regex(/^[a-zA-Z0-9.:-]+$/, 'expected an IP address or host name'),
    }),
    z.object({
      type: z.literal('loadBalancer'),
      /** Where the load balancer serves the Service's port 443. Default 443. */
      port: port.default(443),
    }),
    z.object({
      type: z.literal('ingress'),
      host: hostPattern,
      /** The ingress controller's TLS port. Default 443. */
      port: port.default(443),
      /** `spec.ingressClassName`; default: the host's default class. */
      className: z.string().min(1).optional(),
    }),
    z.object({
      type: z.literal('tlsRoute'),
      host: hostPattern,
      /** The Gateway listener's port. Default 443. */
      port: port.default(443),
      /** The Gateway(s) with a TLS passthrough listener. */
      parentRefs: z
        .array(
          z.object({
            name: z.string().min(1),
            namespace: z.string().min(1).optional(),
            sectionName: z.string().min(1).optional(),
          }),
        )
        .min(1),
    }),
    z.object({
      // A platform's own proxy in front of the nested API servers; `hostPattern` is the older name.
      type: z.enum(['url', 'hostPattern']),
      pattern: z
        .string()
        .regex(
          /^https:\/\/.*\{(name|namespace)\}/,
          'expected an https URL containing {name} or {namespace}',
        ),
    }),
  ],
  { error: 'expected one of nodePort|loadBalancer|ingress|tlsRoute|url' },
);

const hostSchema = z
  .object({
    name: dnsLabel(40),
    title: z.string().optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    // Built in: capi, helm-job, flux; modules add others (installers extension point).
    installer: dnsLabel(63),
    // The namespace is prefix + name (≤ 40), and must stay a DNS label (≤ 63).
    namespacePrefix: z
      .string()
      .max(23)
      .regex(
        /^[a-z0-9]([-a-z0-9]*)$/,
        'expected lowercase letters, digits, "-"',
      )
      .default('nc-'),
    maxClusters: z.number().int().min(0).default(50),
    auth: hostAuthSchema,
    exposure: exposureSchema,
    flux: z
      .object({
        sourceRef: z
          .object({
            name: z.string().min(1),
            namespace: z.string().min(1).default('flux-system'),
          })
          .optional(),
      })
      .optional(),
    helmJob: z.object({ image: z.string().min(1).optional() }).optional(),
    capi: z.object({ chartRepo: z.url().optional() }).optional(),
  })
  .refine(host => host.auth.type !== 'serviceAccount' || host.url, {
    message: 'url is required with serviceAccount auth',
    path: ['url'],
  });

/** The ClusterRoles a profile may give users' ServiceAccounts (kubernetes' default roles). */
export const ACCESS_CLUSTER_ROLES = ['cluster-admin', 'edit', 'view'] as const;

/** TokenRequest refuses less than 10 minutes; the plugin hands out at most a day. */
export const MIN_TOKEN_EXPIRATION = '10m';
export const MAX_TOKEN_EXPIRATION = '24h';

/** A token lifetime within what the plugin hands out. */
export function tokenExpirationProblem(value: string): string | undefined {
  const ms = parseDuration(value);
  if (ms === undefined) {
    return 'expected a duration such as 30m or 8h';
  }
  if (
    ms < parseDuration(MIN_TOKEN_EXPIRATION)! ||
    ms > parseDuration(MAX_TOKEN_EXPIRATION)!
  ) {
    return `expected a duration from ${MIN_TOKEN_EXPIRATION} to ${MAX_TOKEN_EXPIRATION}`;
  }
  return undefined;
}

/** What a downloaded (per-user) kubeconfig may do, and for how long. */
const accessSchema = z
  .object({
    clusterRole: z
      .enum(ACCESS_CLUSTER_ROLES, {
        error: `expected one of ${ACCESS_CLUSTER_ROLES.join('|')}`,
      })
      .default('cluster-admin'),
    tokenExpiration: z
      .string()
      .superRefine((value, ctx) => {
        const problem = tokenExpirationProblem(value);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
        }
      })
      .default('8h'),
  })
  .default({ clusterRole: 'cluster-admin', tokenExpiration: '8h' });

const profileSchema = z
  .object({
    name: dnsLabel(40),
    title: z.string().optional(),
    description: z.string().optional(),
    kubernetesVersion: z
      .string()
      .regex(/^v\d+\.\d+\.\d+$/, 'expected a version such as v1.35.0'),
    chartVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/, 'expected a version'),
    ttl: duration,
    maxTtl: duration,
    values: z.record(z.string(), z.unknown()).default({}),
    access: accessSchema,
    /** Manifests and Helm charts vcluster deploys inside each new cluster. */
    addons: z.array(addonSchema).default([]),
    /** When its clusters pause and resume; owners may choose their own within its bounds. */
    sleep: sleepScheduleSchema.optional(),
  })
  .refine(p => parseDuration(p.ttl)! <= parseDuration(p.maxTtl)!, {
    message: 'ttl must not exceed maxTtl',
    path: ['ttl'],
  })
  .superRefine((profile, ctx) => {
    const names = new Set<string>();
    const releases = new Set<string>();
    profile.addons.forEach((addon, index) => {
      if (names.has(addon.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['addons', index, 'name'],
          message: `duplicate add-on name "${addon.name}"`,
        });
      }
      names.add(addon.name);
      if ('chart' in addon) {
        // vcluster keys chart status by release namespace/name.
        const { name, namespace } = chartRelease(addon);
        if (releases.has(`${namespace}/${name}`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['addons', index, 'release'],
            message: `duplicate release ${namespace}/${name}`,
          });
        }
        releases.add(`${namespace}/${name}`);
      }
    });
  });

const clusterCount = z.number().int().min(0);

/**
 * `limits.perOwner: {clusters, cpu, memory}`; the older
 * `limits.clustersPerOwner` still sets `clusters`, but not both at once.
 * Parsed to counts, millicores and bytes; `clustersPerOwner` stays as the
 * resolved cluster count for readers of the older key.
 */
const limitsSchema = z
  .object({
    clustersPerOwner: clusterCount.optional(),
    perOwner: z
      .object({
        clusters: clusterCount.optional(),
        cpu: quantitySchema.optional(),
        memory: quantitySchema.optional(),
      })
      .default({}),
  })
  .default({ perOwner: {} })
  .superRefine((limits, ctx) => {
    if (
      limits.clustersPerOwner !== undefined &&
      limits.perOwner.clusters !== undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['clustersPerOwner'],
        message:
          'set either limits.clustersPerOwner (the older key) or limits.perOwner.clusters, not both',
      });
    }
  })
  .transform(({ clustersPerOwner, perOwner }) => {
    const clusters = perOwner.clusters ?? clustersPerOwner ?? 5;
    return {
      clustersPerOwner: clusters,
      perOwner: {
        clusters,
        ...(perOwner.cpu !== undefined
          ? { cpuMillicores: cpuMillicores(perOwner.cpu) }
          : {}),
        ...(perOwner.memory !== undefined
          ? { memoryBytes: memoryBytes(perOwner.memory) }
          : {}),
      },
    };
  });

const nestedClustersSchema = z
  .object({
    hosts: z.array(hostSchema).default([]),
    profiles: z.array(profileSchema).default([]),
    limits: limitsSchema,
    /** Prices a paused cluster's saving is estimated with; no estimate without them. */
    cost: z
      .object({
        cpuHour: z.number().min(0),
        gibHour: z.number().min(0),
        currency: z.string().min(1).default('USD'),
      })
      .optional(),
    expiry: z
      .object({ frequency: duration.default('1m') })
      .default({ frequency: '1m' }),
    /** How often the sleep schedules are applied. */
    sleep: z
      .object({ frequency: duration.default('1m') })
      .default({ frequency: '1m' }),
    installTimeout: duration.default('30m'),
  })
  .superRefine((value, ctx) => {
    for (const [key, list] of [
      ['hosts', value.hosts],
      ['profiles', value.profiles],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((item, index) => {
        if (seen.has(item.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, index, 'name'],
            message: `duplicate name "${item.name}"`,
          });
        }
        seen.add(item.name);
      });
    }
  });

export type HostAuthConfig = z.infer<typeof hostAuthSchema>;
export type HostConfig = z.infer<typeof hostSchema>;
export type ExposureConfig = z.infer<typeof exposureSchema>;
export type ProfileAccessConfig = z.infer<typeof accessSchema>;
/** A profile, its manifests add-ons loaded (files read, YAML checked). */
export type ProfileConfig = Omit<z.infer<typeof profileSchema>, 'addons'> & {
  addons: AddonConfig[];
};
export type NestedClustersConfig = Omit<
  z.infer<typeof nestedClustersSchema>,
  'profiles'
> & { profiles: ProfileConfig[] };

export interface ReadConfigOptions {
  /** Where add-on `file`s are resolved; default: the app config's directory. */
  configDir?: string;
}

/**
 * Reads and validates `nestedClusters`; throws with a message naming the
 * offending key so a bad config stops the backend at startup.
 */
export function readNestedClustersConfig(
  config: Config,
  options: ReadConfigOptions = {},
): NestedClustersConfig {
  const raw = config.getOptional('nestedClusters') ?? {};
  const result = nestedClustersSchema.safeParse(raw);
  const keyOf = (path: PropertyKey[]) =>
    path.reduce<string>(
      (acc, part) =>
        typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`,
      'nestedClusters',
    );
  if (!result.success) {
    const problems = result.error.issues.map(
      issue => `${keyOf(issue.path)}: ${issue.message}`,
    );
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const configDir = options.configDir ?? defaultConfigDir();
  const problems: string[] = [];
  const profiles = result.data.profiles.map((profile, p) => ({
    ...profile,
    addons: profile.addons.map((addon, a): AddonConfig => {
      if ('chart' in addon) {
        return addon;
      }
      const key = keyOf([
        'profiles',
        p,
        'addons',
        a,
        addon.file ? 'file' : 'manifests',
      ]);
      let manifests = addon.manifests ?? '';
      try {
        if (addon.file) {
          manifests = readManifestsFile(addon.file, configDir);
        }
        const problem = manifestsProblem(manifests);
        if (problem) {
          problems.push(`${key}: ${problem}`);
        }
      } catch (error) {
        problems.push(`${key}: ${(error as Error).message}`);
      }
      return { name: addon.name, manifests };
    }),
  }));
  if (problems.length) {
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return { ...result.data, profiles };
}
