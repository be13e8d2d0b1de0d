#!/usr/bin/env node
/*
 * Generates the REST API's TypeScript from its one source, the backend's
 * src/schema/openapi.yaml:
 *   - src/generated/openapi.ts in this package: the types (openapi-typescript)
 *     that the client, the frontend, the scaffolder actions and the backend use;
 *   - the backend's src/schema/generated/spec.ts: the spec as a typed const for
 *     createValidatedOpenApiRouter.
 * `node scripts/generate.js --check` writes nothing and fails when a generated
 * file is stale (the package's tests run it).
 */
/* eslint-disable no-console */
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { dirname, relative, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const { default: openapiTS, astToString } = require('openapi-typescript');
const prettier = require('prettier');
const { parse } = require('yaml');

const packageDir = resolve(__dirname, '..');
const specFile = resolve(
  packageDir,
  '../nested-clusters-backend/src/schema/openapi.yaml',
);
const typesFile = resolve(packageDir, 'src/generated/openapi.ts');
const specConstFile = resolve(
  packageDir,
  '../nested-clusters-backend/src/schema/generated/spec.ts',
);

const HEADER = `// Generated from plugins/nested-clusters-backend/src/schema/openapi.yaml by
// \`yarn generate\` in plugins/nested-clusters-common. Do not edit.
/* eslint-disable */
`;

async function format(file, source) {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(source, { ...options, filepath: file });
}

async function generated() {
  const types = astToString(
    await openapiTS(pathToFileURL(specFile), { silent: true }),
  );
  const spec = parse(readFileSync(specFile, 'utf8'));
  const specConst = `export const spec = ${JSON.stringify(spec)} as const;\n`;
  return [
    [typesFile, await format(typesFile, HEADER + types)],
    [specConstFile, await format(specConstFile, HEADER + specConst)],
  ];
}

async function main() {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [file, content] of await generated()) {
    let current;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) {
      continue;
    }
    stale.push(relative(process.cwd(), file));
    if (!check) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  if (check && stale.length) {
    console.error(
      `Stale generated files (run \`yarn generate\` in plugins/nested-clusters-common): ${stale.join(
        ', ',
      )}`,
    );
    process.exitCode = 1;
  } else if (!check) {
    console.log(stale.length ? `Wrote ${stale.join(', ')}` : 'Up to date');
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
