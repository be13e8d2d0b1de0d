import { InputError } from '@backstage/errors';
import { NestedCluster } from '@nested-clusters/plugin-nested-clusters-common';
import { compareClusters } from '@nested-clusters/plugin-nested-clusters-node';
import { z } from 'zod';

/** The largest page a list returns; larger limits are refused, not capped. */
export const MAX_PAGE_SIZE = 500;

/**
 * Where the previous page ended. Keyed on the list's order (host, name)
 * rather than an offset, so clusters created or deleted between two
 * requests neither repeat nor skip a cluster.
 */
const positionSchema = z.strictObject({
  host: z.string().min(1),
  name: z.string().min(1),
});

/**
 * Validated here and not only by the OpenAPI validator: the MCP list action
 * reaches the service without it.
 */
const pageSchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .optional(),
  cursor: z.string().optional(),
});

export interface PageRequest {
  limit?: number;
  after?: z.infer<typeof positionSchema>;
}

function encodeCursor(cluster: NestedCluster): string {
  const position = { host: cluster.host, name: cluster.name };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): PageRequest['after'] {
  try {
    return positionSchema.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
  } catch {
    throw new InputError(
      'cursor: not a cursor this API returned; pass a previous nextCursor unchanged',
    );
  }
}

/** The page a list query asks for, or an InputError naming the parameter. */
export function pageRequest(query: {
  limit?: unknown;
  cursor?: unknown;
}): PageRequest {
  const parsed = pageSchema.safeParse(query);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new InputError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const { limit, cursor } = parsed.data;
  if (cursor !== undefined && limit === undefined) {
    throw new InputError('cursor: needs a limit');
  }
  return {
    limit,
    after: cursor === undefined ? undefined : decodeCursor(cursor),
  };
}

/**
 * One page of clusters already in list order and already authorized, so a
 * page never holds a cluster the caller may not read, and never comes short
 * because of one: totalItems counts what the caller may read.
 */
export function pageOf(
  clusters: NestedCluster[],
  request: PageRequest,
): { items: NestedCluster[]; totalItems?: number; nextCursor?: string } {
  const { limit, after } = request;
  if (limit === undefined) {
    // Without a limit the list is what it was before pages: everything.
    return { items: clusters };
  }
  const start = after
    ? clusters.findIndex(c => compareClusters(c, after) > 0)
    : 0;
  const from = start === -1 ? clusters.length : start;
  const items = clusters.slice(from, from + limit);
  const last = items[items.length - 1];
  const more = last !== undefined && from + items.length < clusters.length;
  return {
    items,
    totalItems: clusters.length,
    ...(more ? { nextCursor: encodeCursor(last) } : {}),
  };
}
