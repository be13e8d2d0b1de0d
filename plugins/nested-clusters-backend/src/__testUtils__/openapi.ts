import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

interface Operation {
  responses: Record<
    string,
    {
      $ref?: string;
      content?: Record<string, { schema?: object }>;
    }
  >;
}

type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

/** The package's OpenAPI description, src/schema/openapi.yaml. */
export const openApiDocument = parse(
  readFileSync(resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
) as OpenApiDocument;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...openApiDocument, $id: 'openapi' });

/**
 * Checks that a response's status is documented for the operation and that
 * its JSON body matches the documented schema.
 */
export function expectMatchesSpec(
  method: string,
  path: string,
  res: { status: number; body: unknown; headers: Record<string, string> },
): void {
  const operation = openApiDocument.paths[path]?.[method];
  if (!operation) {
    throw new Error(`${method.toUpperCase()} ${path} is not in openapi.yaml`);
  }
  const response = operation.responses[String(res.status)];
  if (!response) {
    throw new Error(
      `${method.toUpperCase()} ${path} answered ${
        res.status
      }, which openapi.yaml does not document`,
    );
  }
  if (!String(res.headers['content-type']).startsWith('application/json')) {
    return;
  }
  const ref = response.$ref
    ? `openapi#/components/responses/${response.$ref
        .split('/')
        .pop()}/content/application~1json/schema`
    : `openapi#/paths/${path
        .replaceAll('~', '~0')
        .replaceAll('/', '~1')}/${method}/responses/${
        res.status
      }/content/application~1json/schema`;
  const validate = ajv.getSchema(ref);
  if (!validate) {
    throw new Error(`No schema at ${ref}`);
  }
  if (!validate(res.body)) {
    throw new Error(
      `${method.toUpperCase()} ${path} ${
        res.status
      } does not match openapi.yaml: ${ajv.errorsText(validate.errors)}`,
    );
  }
}
