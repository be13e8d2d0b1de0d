import { JsonObject } from '../json';
import { ResourceType } from '../registry';
import { closure, schemaOf, toV3 } from './schemas';

const QUERY = (name: string) => ({
  name,
  in: 'query',
  schema: { type: 'string' },
  uniqueItems: true,
});
const WRITE_PARAMS = [
  QUERY('dryRun'),
  QUERY('fieldManager'),
  QUERY('fieldValidation'),
];

function schemaName(t: ResourceType, version: string) {
  return schemaOf(t, version) ?? `${t.group || 'core'}.${version}.${t.kind}`;
}

/**
 * The OpenAPI v3 document of one group/version: every resource's paths and verbs
 * with the GVK extension and the `fieldValidation` parameter (so kubectl uses
 * server-side field validation), and the published Kubernetes schemas of the
 * built-in kinds with everything they reference (`kubectl explain`). Custom
 * resources get an open schema.
 */
export function openApiV3(
  types: ResourceType[],
  group: string,
  version: string,
  gitVersion: string,
) {
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version, kind: t.kind };
    const name = schemaName(t, version);
    const ref = { $ref: `#/components/schemas/${name}` };
    const body = { content: { 'application/json': { schema: ref } } };
    const ok = {
      responses: {
        '200': { content: { 'application/json': { schema: ref } } },
      },
    };
    const op = (
      action: string,
      params: unknown[] = [],
      extra: Record<string, unknown> = {},
    ) => ({
      'x-kubernetes-group-version-kind': gvk,
      'x-kubernetes-action': action,
      parameters: params,
      ...ok,
      ...extra,
    });
    const collection = t.namespaced
      ? `${prefix}/namespaces/{namespace}/${t.resource}`
      : `${prefix}/${t.resource}`;
    paths[collection] = {
      get: op('list', [
        QUERY('labelSelector'),
        QUERY('fieldSelector'),
        QUERY('limit'),
        QUERY('continue'),
        QUERY('watch'),
      ]),
      post: op('post', WRITE_PARAMS, { requestBody: body }),
      delete: op('deletecollection'),
    };
    paths[`${collection}/{name}`] = {
      get: op('get'),
      put: op('put', WRITE_PARAMS, { requestBody: body }),
      patch: op('patch', [...WRITE_PARAMS, QUERY('force')], {
        requestBody: {
          content: {
            'application/merge-patch+json': { schema: { type: 'object' } },
          },
        },
      }),
      delete: op('delete', [
        QUERY('dryRun'),
        QUERY('propagationPolicy'),
        QUERY('gracePeriodSeconds'),
      ]),
    };
    if (schemaOf(t, version) === name) {
      for (const [defName, schema] of closure([name])) {
        schemas[defName] = toV3(schema) as JsonObject;
      }
      continue;
    }
    schemas[name] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: gitVersion },
    paths,
    components: { schemas },
  };
}
