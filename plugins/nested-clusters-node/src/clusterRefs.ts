import { parseEntityRef } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';

const MAX_NAME_LENGTH = 63;
/** Backstage's entity name rule: no leading, trailing or repeated separators. */
const ENTITY_NAME = /^[a-z0-9A-Z]+([-_.][a-z0-9A-Z]+)*$/;

/**
 * One name for a nested cluster across Backstage: the catalog Resource and
 * the Kubernetes plugin's cluster are both called `<host>.<name>`. Host and
 * cluster names are DNS labels, which never contain ".", so the first "."
 * tells them apart (`eu` + `west-x` and `eu-west` + `x` differ, which
 * `<host>-<name>` would not). Host and name may each be 40 characters, and DNS
 * labels may repeat "-", so a name that is too long or invalid as an entity
 * name is cleaned up, shortened and made unique again with a hash of the full
 * name. Everything that shows or links to these names uses this function.
 */
export function clusterEntityName(cluster: {
  host: string;
  name: string;
}): string {
  const full = `${cluster.host}.${cluster.name}`;
  if (full.length <= MAX_NAME_LENGTH && ENTITY_NAME.test(full)) {
    return full;
  }
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const cleaned = full
    .replace(/-+/g, '-')
    .slice(0, MAX_NAME_LENGTH - hash.length - 1)
    .replace(/[-.]+$/, '');
  return `${cleaned}-${hash}`;
}

/** "team-a" for "group:default/team-a": the words people search for. */
export function shortRef(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}
