/**
 * Cluster names become a namespace suffix, a StatefulSet, `<name>-kubeconfig`
 * and `data-<name>-0`, so they are DNS-1123 labels with room to spare.
 */
export const MAX_CLUSTER_NAME_LENGTH = 40;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Returns why a cluster name is invalid, or undefined when it is valid. */
export function validateClusterName(name: string): string | undefined {
  if (name.length === 0) {
    return 'name must not be empty';
  }
  if (name.length > MAX_CLUSTER_NAME_LENGTH) {
    return `name must be at most ${MAX_CLUSTER_NAME_LENGTH} characters, got ${name.length}`;
  }
  if (!DNS_1123_LABEL.test(name)) {
    return 'name must consist of lowercase letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/** Parses a duration such as `90m`, `72h`, `14d` or `2w` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})(m|h|d|w)$/.exec(text);
  if (!match) {
    return undefined;
  }
  const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const value = Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  return value > 0 ? value : undefined;
}
