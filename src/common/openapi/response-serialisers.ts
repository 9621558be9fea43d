import { FastifyInstance } from 'fastify';
import { OpenAPIObject } from '@nestjs/swagger';

/** A JSON schema as fast-json-stringify reads it. */
export interface SerialisationSchema {
  type?: string | string[];
  properties?: Record<string, SerialisationSchema>;
  required?: string[];
  items?: SerialisationSchema;
  additionalProperties?: boolean | SerialisationSchema;
  enum?: unknown[];
  nullable?: boolean;
  allOf?: SerialisationSchema[];
  anyOf?: SerialisationSchema[];
  oneOf?: SerialisationSchema[];
}

type OpenApiSchema = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** What the serialiser reads: the rest (description, example, format, enumName) is documentation. */
const KEPT = ['type', 'required', 'enum', 'nullable'] as const;

/**
 * Every successful JSON answer the OpenAPI document declares, by route as Fastify names it
 * ("GET /api/profile") and status: the schema the answers are serialised by.
 */
export function responseSchemas(
  document: OpenAPIObject,
): Map<string, Record<number, SerialisationSchema>> {
  const routes = new Map<string, Record<number, SerialisationSchema>>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const byStatus: Record<number, SerialisationSchema> = {};
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const schema = (response as { content?: Record<string, { schema?: OpenApiSchema }> })
          .content?.['application/json']?.schema;
        if (/^2\d\d$/.test(status) && schema) {
          byStatus[Number(status)] = toSerialisationSchema(schema, document, []);
        }
      }
      if (Object.keys(byStatus).length > 0) {
        routes.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, byStatus);
      }
    }
  }
  return routes;
}

/**
 * The document's schema as a self-contained one for fast-json-stringify: references inlined, a
 * lone `allOf` (how an enum or nested DTO is referenced) merged in. An object's undeclared
 * properties are left out of the answer unless the schema allows them.
 */
export function toSerialisationSchema(
  schema: OpenApiSchema,
  document: OpenAPIObject,
  seen: string[],
): SerialisationSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    if (seen.includes(name)) {
      throw new Error(`The schema ${name} refers to itself: answers cannot be compiled`);
    }
    const target = document.components?.schemas?.[name] as OpenApiSchema | undefined;
    if (!target) {
      throw new Error(`The OpenAPI document has no schema ${name}`);
    }
    return toSerialisationSchema(target, document, [...seen, name]);
  }
  const allOf = schema.allOf as OpenApiSchema[] | undefined;
  if (allOf?.length === 1 && schema.type === undefined && schema.properties === undefined) {
    const merged = toSerialisationSchema(allOf[0], document, seen);
    return schema.nullable === true ? { ...merged, nullable: true } : merged;
  }
  const out: SerialisationSchema = {};
  for (const key of KEPT) {
    if (schema[key] !== undefined) {
      (out as Record<string, unknown>)[key] = schema[key];
    }
  }
  const convert = (child: unknown) => toSerialisationSchema(child as OpenApiSchema, document, seen);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, unknown>).map(([key, child]) => [
        key,
        convert(child),
      ]),
    );
  }
  if (schema.items) {
    out.items = convert(schema.items);
  }
  if (typeof schema.additionalProperties === 'object') {
    out.additionalProperties = convert(schema.additionalProperties);
  } else if (schema.additionalProperties === true) {
    out.additionalProperties = true;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key] as unknown[] | undefined;
    if (list) {
      out[key] = list.map(convert);
    }
  }
  return out;
}

/** The schemas each Fastify instance's routes were given, for the tests to check the wiring. */
const given = new WeakMap<FastifyInstance, Map<string, Record<number, SerialisationSchema>>>();

/**
 * Answers are serialised by fast-json-stringify, compiled once per route from the response the
 * route documents (the DTO behind @ApiOkResponse and the like), instead of JSON.stringify per
 * answer: faster, and a property the DTO does not declare never leaves the service. A new route
 * gets it by documenting its answer; a route that sets its own schema keeps it. Call before the
 * routes are registered (before `app.init()`).
 */
export function serialiseAnswersByTheirSchema(
  fastify: FastifyInstance,
  document: OpenAPIObject,
): void {
  const schemas = responseSchemas(document);
  const applied = new Map<string, Record<number, SerialisationSchema>>();
  given.set(fastify, applied);
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const key = `${method} ${route.url}`;
      const response = schemas.get(key);
      if (response && route.schema?.response === undefined) {
        route.schema = { ...route.schema, response };
        applied.set(key, response);
      }
    }
  });
}

/** The response schemas a route was given ("GET /api/profile"), or undefined. */
export function answerSchemasOf(
  fastify: FastifyInstance,
  route: string,
): Record<number, SerialisationSchema> | undefined {
  return given.get(fastify)?.get(route);
}
