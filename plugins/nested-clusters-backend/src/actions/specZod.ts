import type { components } from '@nested-clusters/plugin-nested-clusters-common';
import { z } from 'zod/v3';
import { spec } from '../schema/generated/spec';

/** The subset of OpenAPI 3.0 schema objects that src/schema/openapi.yaml uses. */
interface SchemaObject {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  enum?: readonly string[];
  properties?: Readonly<Record<string, SchemaObject>>;
  required?: readonly string[];
  additionalProperties?: boolean;
  items?: SchemaObject;
  allOf?: readonly SchemaObject[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export type SpecSchemaName = keyof typeof spec.components.schemas;

interface ParameterObject {
  $ref?: string;
  name?: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}

/**
 * A zod schema (v3, as the actions registry takes) for a schema of the
 * OpenAPI spec, so the MCP actions describe the same shapes as the REST API
 * and nothing restates them.
 */
export function zodFromSpec(name: SpecSchemaName): z.ZodTypeAny {
  return toZod(spec.components.schemas[name] as SchemaObject);
}

/**
 * A zod object whose values have the generated type T. The schemas are built
 * from the spec at runtime, so the generated types name what they parse.
 */
export type TypedZodObject<T> = z.ZodObject<
  z.ZodRawShape,
  z.UnknownKeysParam,
  z.ZodTypeAny,
  T,
  T
>;

/** An object schema of the spec, e.g. a request body. */
export function zodObjectFromSpec<N extends SpecSchemaName>(
  name: N,
): TypedZodObject<components['schemas'][N]> {
  return zodFromSpec(name) as TypedZodObject<components['schemas'][N]>;
}

/** An object of an operation's parameters, each with its schema and description. */
export function zodFromParameters<T>(
  parameters: readonly ParameterObject[],
): TypedZodObject<T> {
  const shape: z.ZodRawShape = {};
  for (const reference of parameters) {
    const parameter: ParameterObject = reference.$ref
      ? (spec.components.parameters as Record<string, ParameterObject>)[
          reference.$ref.split('/').pop()!
        ]
      : reference;
    let type = toZod(parameter.schema ?? {});
    if (parameter.description) {
      type = type.describe(parameter.description);
    }
    shape[parameter.name!] = parameter.required ? type : type.optional();
  }
  return z.object(shape) as TypedZodObject<T>;
}

function toZod(schema: SchemaObject): z.ZodTypeAny {
  if (schema.$ref) {
    return zodFromSpec(schema.$ref.split('/').pop() as SpecSchemaName);
  }
  const described = (type: z.ZodTypeAny) =>
    schema.description ? type.describe(schema.description) : type;
  if (schema.allOf) {
    const [first, ...rest] = schema.allOf.map(toZod) as z.AnyZodObject[];
    return described(rest.reduce((all, part) => all.merge(part), first));
  }
  switch (schema.type) {
    case 'object': {
      const shape: z.ZodRawShape = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const type = toZod(property);
        shape[key] = schema.required?.includes(key) ? type : type.optional();
      }
      const object = z.object(shape);
      return described(
        schema.additionalProperties === false ? object.strict() : object,
      );
    }
    case 'array':
      return described(z.array(toZod(schema.items ?? {})));
    case 'integer':
      return described(z.number().int());
    case 'number':
      return described(z.number());
    case 'boolean':
      return described(z.boolean());
    case 'string': {
      if (schema.enum) {
        return described(z.enum(schema.enum as [string, ...string[]]));
      }
      let text = z.string();
      if (schema.minLength !== undefined) {
        text = text.min(schema.minLength);
      }
      if (schema.maxLength !== undefined) {
        text = text.max(schema.maxLength);
      }
      if (schema.pattern !== undefined) {
        text = text.regex(new RegExp(schema.pattern));
      }
      return described(text);
    }
    default:
      return described(z.unknown());
  }
}
