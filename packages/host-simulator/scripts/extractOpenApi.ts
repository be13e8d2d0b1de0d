/* eslint-disable no-console */
/**
 * Regenerates `openapi/definitions.json.gz`: the Kubernetes OpenAPI (v2) schema
 * definitions of the built-in types the simulator serves, and everything they
 * reference, from a published Kubernetes `swagger.json` (e.g. the
 * `api/openapi-spec/swagger.json` of kubernetes/kubernetes, or the copy the
 * official Python client is generated from). Descriptions and the
 * `x-kubernetes-*` extensions are kept: `kubectl explain`, field validation,
 * strategic merge patch and server-side apply read them.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs scripts/extractOpenApi.ts <swagger.json> <source description>
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ResourceRegistry } from '../src/registry';

type Schema = Record<string, unknown>;

function refsOf(value: unknown, out: Set<string>) {
  if (Array.isArray(value)) {
    value.forEach(v => refsOf(v, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        out.add(v.replace('#/definitions/', ''));
      } else {
        refsOf(v, out);
      }
    }
  }
}

function main() {
  const [input, source] = process.argv.slice(2);
  if (!input || !source) {
    console.error('usage: extractOpenApi <swagger.json> <source description>');
    process.exit(2);
  }
  const swagger = JSON.parse(readFileSync(resolve(input), 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  const served = new ResourceRegistry().all().flatMap(t =>
    t.versions.flatMap(version => [
      { group: t.group, version, kind: t.kind },
      { group: t.group, version, kind: t.listKind },
    ]),
  );
  const extra = [
    'io.k8s.api.autoscaling.v1.Scale',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
    'io.k8s.api.authentication.v1.TokenRequest',
  ];
  const roots = Object.entries(swagger.definitions)
    .filter(([name, schema]) => {
      const gvks = (schema['x-kubernetes-group-version-kind'] ?? []) as {
        group: string;
        version: string;
        kind: string;
      }[];
      return (
        extra.includes(name) ||
        gvks.some(g =>
          served.some(
            s =>
              s.group === g.group &&
              s.version === g.version &&
              s.kind === g.kind,
          ),
        )
      );
    })
    .map(([name]) => name);
  const needed = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (needed.has(name) || !swagger.definitions[name]) continue;
    needed.add(name);
    const refs = new Set<string>();
    refsOf(swagger.definitions[name], refs);
    queue.push(...refs);
  }
  const definitions = Object.fromEntries(
    [...needed].sort().map(name => [name, swagger.definitions[name]]),
  );
  const out = resolve(__dirname, '../openapi/definitions.json.gz');
  mkdirSync(resolve(__dirname, '../openapi'), { recursive: true });
  writeFileSync(out, gzipSync(JSON.stringify({ source, definitions })));
  console.log(`${out}: ${needed.size} definitions`);
}

main();
