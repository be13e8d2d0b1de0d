import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { AddonSummary } from '@nested-clusters/plugin-nested-clusters-common';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Largest manifests file read from disk; a profile is not a place for bulk data. */
const MAX_MANIFESTS_FILE_BYTES = 1024 * 1024;

const addonName = z
  .string()
  .max(53)
  .regex(DNS_LABEL, 'expected a lowercase DNS label (a-z, 0-9, "-")');

/**
 * A Helm chart installed inside the nested cluster: the fields of vcluster's
 * `experimental.deploy.vcluster.helm[]` (config/config.go ExperimentalDeployHelm).
 */
const chartAddonSchema = z.object({
  name: addonName,
  chart: z.object({
    name: z.string().min(1),
    repo: z.url({ protocol: /^(https?|oci)$/ }),
    version: z.string().min(1),
  }),
  release: z
    .object({
      name: addonName.optional(),
      namespace: addonName.optional(),
    })
    .default({}),
  values: z.record(z.string(), z.unknown()).default({}),
  // Go's time.ParseDuration format, which vcluster uses for the helm timeout.
  timeout: z
    .string()
    .regex(
      /^(\d+(\.\d+)?(h|m|s|ms))+$/,
      'expected a duration such as 180s or 5m',
    )
    .optional(),
});

/** Raw manifests applied inside the nested cluster (`experimental.deploy.vcluster.manifests`). */
const manifestsAddonSchema = z
  .object({
    name: addonName,
    /** Inline YAML of one or more Kubernetes objects. */
    manifests: z.string().min(1).optional(),
    /** A YAML file, relative to the directory of the app config. */
    file: z.string().min(1).optional(),
  })
  .refine(a => (a.manifests === undefined) !== (a.file === undefined), {
    message: 'expected exactly one of manifests or file',
  });

export const addonSchema = z.union([chartAddonSchema, manifestsAddonSchema], {
  error:
    'expected a manifests add-on ({name, manifests|file}) or a chart add-on ({name, chart: {name, repo, version}, release, values, timeout})',
});

export type ChartAddonConfig = z.infer<typeof chartAddonSchema>;
/** A manifests add-on after loading: its YAML, whether inline or from a file. */
export interface ManifestsAddonConfig {
  name: string;
  manifests: string;
}
export type AddonConfig = ChartAddonConfig | ManifestsAddonConfig;

export function isChartAddon(addon: AddonConfig): addon is ChartAddonConfig {
  return 'chart' in addon;
}

/** Where the add-on's chart is released: vcluster defaults to the chart's name in `default` (pkg/controllers/deploy getTargetRelease). */
export function chartRelease(addon: ChartAddonConfig) {
  return {
    name: addon.release.name ?? addon.chart.name,
    namespace: addon.release.namespace ?? 'default',
  };
}

/**
 * The directory that relative add-on files are resolved against: that of the
 * first `--config` file, else the nearest directory up from the working
 * directory holding an `app-config.yaml` (where Backstage looks by default).
 */
export function defaultConfigDir(
  argv: string[] = process.argv,
  cwd: string = process.cwd(),
): string {
  const index = argv.findIndex(
    a => a === '--config' || a.startsWith('--config='),
  );
  if (index >= 0) {
    const value = argv[index].includes('=')
      ? argv[index].slice('--config='.length)
      : argv[index + 1];
    if (value && !/^[a-z]+:\/\//i.test(value)) {
      return dirname(resolve(cwd, value));
    }
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'app-config.yaml'))) {
      return dir;
    }
    if (dirname(dir) === dir) {
      return cwd;
    }
  }
}

/**
 * Reads a manifests file safely: relative paths only, which must stay inside
 * `baseDir`, a regular file of at most 1 MiB. Throws a message without the
 * machine's absolute paths.
 */
export function readManifestsFile(file: string, baseDir: string): string {
  if (isAbsolute(file)) {
    throw new Error(`"${file}" must be relative to the app config's directory`);
  }
  const path = resolve(baseDir, file);
  const inside = relative(baseDir, path);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`"${file}" is outside the app config's directory`);
  }
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      throw new Error('not a file');
    }
    size = stat.size;
  } catch {
    throw new Error(`"${file}" is not a readable file`);
  }
  if (size > MAX_MANIFESTS_FILE_BYTES) {
    throw new Error(`"${file}" is larger than 1 MiB`);
  }
  return readFileSync(path, 'utf8');
}

/**
 * Checks that `text` is YAML of Kubernetes objects (apiVersion, kind,
 * metadata.name each), as vcluster's applier needs; returns a problem or
 * undefined.
 */
export function manifestsProblem(text: string): string | undefined {
  const docs = parseAllDocuments(text);
  let objects = 0;
  for (const [index, doc] of docs.entries()) {
    if (doc.errors.length) {
      return `document ${index + 1}: ${doc.errors[0].message}`;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) {
      continue;
    }
    const obj = value as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown };
    };
    if (
      typeof obj !== 'object' ||
      typeof obj.apiVersion !== 'string' ||
      typeof obj.kind !== 'string' ||
      typeof obj.metadata?.name !== 'string'
    ) {
      return `document ${
        index + 1
      } is not a Kubernetes object with apiVersion, kind and metadata.name`;
    }
    objects++;
  }
  return objects === 0 ? 'no Kubernetes objects' : undefined;
}

/** What the API shows of an add-on: its kind, and a chart's coordinates (never its values). */
export function addonSummary(addon: AddonConfig): AddonSummary {
  return isChartAddon(addon)
    ? {
        name: addon.name,
        type: 'chart',
        chart: { name: addon.chart.name, version: addon.chart.version },
        release: chartRelease(addon),
      }
    : { name: addon.name, type: 'manifests' };
}

const summariesSchema = z.array(
  z.object({
    name: z.string(),
    type: z.enum(['manifests', 'chart']),
    chart: z.object({ name: z.string(), version: z.string() }).optional(),
    release: z.object({ name: z.string(), namespace: z.string() }).optional(),
  }),
);

/** The namespace annotation that records a new cluster's add-ons. */
export function addonsAnnotation(addons: AddonConfig[]): string | undefined {
  return addons.length ? JSON.stringify(addons.map(addonSummary)) : undefined;
}

/** The add-ons recorded on a namespace; nothing for a missing or unreadable annotation. */
export function parseAddonsAnnotation(
  value: string | undefined,
): AddonSummary[] {
  if (!value) {
    return [];
  }
  try {
    const parsed = summariesSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
