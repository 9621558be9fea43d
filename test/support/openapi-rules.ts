import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { forEachSchema } from '../../src/common/openapi/openapi-conventions';
import { AccessMatrix } from './access-matrix';
import { TestApp } from './test-app';

/*
 * The rules every operation of the OpenAPI document follows, whichever module declares it: held
 * over the core's document by test/openapi.e2e-spec.ts, and over the app with the example module
 * by test/extending-guide.e2e-spec.ts. docs/EXTENDING.md ("OpenAPI rules") lists each one.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const UUID_EXAMPLE = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

export interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  operation: OperationObject;
}

/** Every operation of the document, with its method and path. */
export function operationsIn(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method,
      path,
      operation: item[method]!,
    })),
  );
}

/** A schema with its $ref (and a single-entry allOf, how the plugin wraps a described $ref) followed. */
export function resolveIn(
  document: OpenAPIObject,
  schema: SchemaObject | ReferenceObject | undefined,
): SchemaObject {
  if (schema === undefined) {
    throw new Error('no schema');
  }
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) {
      throw new Error(`unresolved ${schema.$ref}`);
    }
    return resolveIn(document, target);
  }
  if (schema.allOf?.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...resolveIn(document, allOf[0]), ...rest };
  }
  return schema;
}

export interface DocumentUnderTest {
  t: TestApp;
  document: OpenAPIObject;
}

/**
 * The rules as tests, over the document `subject` answers once the caller's own beforeAll has
 * started the app. `matrix` is the app's authorization matrix: the operations open without a token
 * must be exactly the routes it lets an anonymous caller through.
 */
export function describeOpenApiRules(subject: () => DocumentUnderTest, matrix: AccessMatrix): void {
  let t: TestApp;
  let document: OpenAPIObject;
  let operations: Operation[];
  const resolve = (schema: SchemaObject | ReferenceObject | undefined) =>
    resolveIn(document, schema);

  beforeAll(() => {
    ({ t, document } = subject());
    operations = operationsIn(document);
  });

  describe('for developers browsing /docs', () => {
    it('should give every operation a summary, a description and a unique operationId named after its method', () => {
      const ids = operations.map(({ operation }) => operation.operationId);
      for (const { method, path, operation } of operations) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, summary: operation.summary?.trim() }).toEqual({
          where,
          summary: expect.stringMatching(/\S/),
        });
        expect({ where, description: operation.description?.trim() }).toEqual({
          where,
          description: expect.stringMatching(/\S/),
        });
        expect({ where, operationId: operation.operationId }).toEqual({
          where,
          operationId: expect.stringMatching(/^[a-z][A-Za-z]+$/),
        });
      }
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('should put every operation under exactly one tag that the document declares and describes', () => {
      const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
      for (const { method, path, operation } of operations) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, tags: operation.tags }).toEqual({ where, tags: [expect.any(String)] });
        expect({ where, described: declared.get(operation.tags![0]) }).toEqual({
          where,
          described: expect.stringMatching(/\S/),
        });
      }
      const used = new Set(operations.flatMap(({ operation }) => operation.tags ?? []));
      expect([...declared.keys()].filter((tag) => !used.has(tag))).toEqual([]);
    });

    it('should show an example for every field of every request body', () => {
      const bodies = operations.filter(({ operation }) => operation.requestBody);
      expect(bodies.length).toBeGreaterThan(0);
      for (const { method, path, operation } of bodies) {
        const content = (operation.requestBody as RequestBodyObject).content['application/json'];
        const schema = resolve(content?.schema);
        if (content?.example !== undefined || schema.example !== undefined) {
          continue;
        }
        const withoutExample = Object.entries(schema.properties ?? {})
          .filter(([, property]) => resolve(property).example === undefined)
          .map(([name]) => name);
        expect({ where: `${method.toUpperCase()} ${path}`, withoutExample }).toEqual({
          where: `${method.toUpperCase()} ${path}`,
          withoutExample: [],
        });
      }
    });

    it('should document the error answers: 401 and 429 with a token, 400 with input, 404 with a path id', () => {
      for (const { method, path, operation } of operations) {
        const where = `${method.toUpperCase()} ${path}`;
        const parameters = (operation.parameters ?? []) as ParameterObject[];
        // The gateway check answers 200, 401 or 403 and nothing else, by contract (API.md).
        const expected =
          where === 'GET /api/auth/verify'
            ? ['401', '403']
            : [
                ...(parameters.length > 0 || operation.requestBody ? ['400'] : []),
                ...(operation.security?.length ? ['401', '429'] : []),
                ...(parameters.some((parameter) => parameter.in === 'path') ? ['404'] : []),
              ];
        const responses = operation.responses as Record<string, ResponseObject>;
        const missing = expected.filter((status) => !responses[status]?.description);
        expect({ where, missing }).toEqual({ where, missing: [] });
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) >= 400 && Number(status) < 500) {
            expect({
              where,
              status,
              schema: response.content?.['application/json']?.schema,
            }).toEqual({
              where,
              status,
              schema: { $ref: '#/components/schemas/ErrorResponseDto' },
            });
          }
        }
      }
    });

    it('should describe the success answer of every operation', () => {
      const undescribed = operations
        .filter(({ operation }) =>
          Object.entries(operation.responses).some(
            ([status, response]) =>
              Number(status) < 300 && !(response as ResponseObject).description?.trim(),
          ),
        )
        .map(({ operation }) => operation.operationId);
      expect(undescribed).toEqual([]);
    });

    it('should document every path id as a required uuid with a description', () => {
      for (const { method, path, operation } of operations) {
        for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
          if (parameter.in === 'path') {
            const where = `${method.toUpperCase()} ${path} ${parameter.name}`;
            expect({ where, ...parameter, schema: resolve(parameter.schema) }).toMatchObject({
              where,
              required: true,
              description: expect.stringMatching(/\S/),
              schema: { type: 'string', format: 'uuid' },
            });
          }
        }
      }
    });
  });

  /*
   * The rules that keep the document true for generated clients. Each is applied centrally by
   * src/common/openapi/openapi-conventions.ts and listed in docs/EXTENDING.md ("OpenAPI rules").
   */
  describe('rules for generated clients', () => {
    const where = ({ method, path }: Operation) => `${method.toUpperCase()} ${path}`;
    const schemas = () => {
      const found: { name?: string; schema: SchemaObject }[] = [];
      forEachSchema(document, (schema, name) => found.push({ name, schema }));
      return found;
    };

    it('should say no `default` anywhere (generators would make the field required)', () => {
      const withDefault = schemas()
        .filter(({ schema }) => 'default' in schema)
        .map(({ name }) => name);
      expect(withDefault).toEqual([]);
    });

    it('should close every request body schema with additionalProperties: false, nested ones too', () => {
      const open: string[] = [];
      const visit = (schema: SchemaObject | ReferenceObject | undefined, at: string) => {
        if (!schema) {
          return;
        }
        const target = resolve(schema);
        if (target.properties) {
          if (target.additionalProperties !== false) {
            open.push(at);
          }
          for (const [name, property] of Object.entries(target.properties)) {
            visit(property, `${at}.${name}`);
          }
        }
        visit(target.items, `${at}[]`);
      };
      const bodies = operations.filter(({ operation }) => operation.requestBody);
      for (const located of bodies) {
        const content = (located.operation.requestBody as RequestBodyObject).content;
        visit(content['application/json']?.schema, where(located));
      }
      expect(bodies.length).toBeGreaterThan(5);
      expect(open).toEqual([]);
    });

    it('should type page, perPage and every pagination field as integers', () => {
      const pagination = operations.flatMap(({ operation }) =>
        ((operation.parameters ?? []) as ParameterObject[]).filter((parameter) =>
          ['page', 'perPage'].includes(parameter.name),
        ),
      );
      expect(pagination.length).toBeGreaterThanOrEqual(6);
      for (const parameter of pagination) {
        expect({ name: parameter.name, type: resolve(parameter.schema).type }).toEqual({
          name: parameter.name,
          type: 'integer',
        });
      }
      const paginate = resolve({ $ref: '#/components/schemas/PaginateDto' });
      for (const [name, property] of Object.entries(paginate.properties ?? {})) {
        expect({ name, type: resolve(property).type }).toEqual({ name, type: 'integer' });
      }
    });

    it('should give every timestamp (a field named …At) format: date-time', () => {
      const timestamps = schemas().filter(({ name }) => name?.endsWith('At'));
      expect(timestamps.length).toBeGreaterThan(5);
      for (const { name, schema } of timestamps) {
        expect({ name, type: schema.type, format: schema.format }).toEqual({
          name,
          type: 'string',
          format: 'date-time',
        });
      }
    });

    it('should require a bearer token at the root, one requirement per operation, and `security: []` where none is needed', async () => {
      expect(document.security).toEqual([{ bearer: [] }]);
      for (const located of operations) {
        const security = located.operation.security;
        expect({ where: where(located), security }).toEqual({
          where: where(located),
          security: expect.any(Array),
        });
        expect({ where: where(located), atMostOne: security!.length <= 1 }).toEqual({
          where: where(located),
          atMostOne: true,
        });
      }
      // `security: []` is true: those operations answer without a token, and they are exactly
      // the routes the authorization matrix lets an anonymous caller through.
      const open = operations.filter(({ operation }) => operation.security?.length === 0);
      const documented = operations.map(where);
      const anonymous = Object.entries(matrix)
        .filter(([route, { answers }]) => documented.includes(route) && answers[0] !== 401)
        .map(([route]) => route);
      expect(anonymous).toEqual(expect.arrayContaining(['GET /health']));
      expect(open.map(where).sort()).toEqual(anonymous.sort());
      for (const located of open) {
        expect(
          (await t.http()[located.method](located.path.replace(/\{[^}]+\}/g, UUID_EXAMPLE))).status,
        ).not.toBe(401);
      }
    });

    it('should declare X-Request-Id on every answer, WWW-Authenticate on 401, Retry-After on 429 and X-Token-Expires-At on accepted tokens', () => {
      for (const located of operations) {
        const authenticated = (located.operation.security ?? []).length > 0;
        for (const [status, response] of Object.entries(located.operation.responses)) {
          const expected = [
            'X-Request-Id',
            ...(status === '401' ? ['WWW-Authenticate'] : []),
            ...(status === '429' ? ['Retry-After'] : []),
            ...(authenticated && !['401', '429'].includes(status) ? ['X-Token-Expires-At'] : []),
          ];
          const declared = Object.keys((response as ResponseObject).headers ?? {});
          expect({ where: `${where(located)} ${status}`, declared }).toEqual({
            where: `${where(located)} ${status}`,
            declared: expect.arrayContaining(expected),
          });
        }
      }
      const headers = document.components?.headers ?? {};
      expect(Object.keys(headers).sort()).toEqual(
        [
          'Idempotent-Replayed',
          'Retry-After',
          'WWW-Authenticate',
          'X-Request-Id',
          'X-Token-Expires-At',
        ].sort(),
      );
    });

    it('should declare Idempotent-Replayed on the success of every operation that takes an Idempotency-Key', () => {
      const idempotent = operations.filter((located) =>
        ((located.operation.parameters ?? []) as ParameterObject[]).some(
          (parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key',
        ),
      );
      // The rule is checked on something: the renewals take an Idempotency-Key.
      expect(idempotent.length).toBeGreaterThan(0);
      for (const located of idempotent) {
        for (const [status, response] of Object.entries(located.operation.responses)) {
          if (/^2\d\d$/.test(status)) {
            expect({
              where: `${where(located)} ${status}`,
              headers: Object.keys((response as ResponseObject).headers ?? {}),
            }).toEqual({
              where: `${where(located)} ${status}`,
              headers: expect.arrayContaining(['Idempotent-Replayed']),
            });
          }
        }
      }
    });

    it('should declare Retry-After on the 401 of an authenticated operation that answers a blocked address 401, not 429', () => {
      const without429 = operations.filter(
        ({ operation }) => operation.security?.length && !operation.responses['429'],
      );
      // The rule is checked on something: the gateway check answers a blocked address 401.
      expect(without429.length).toBeGreaterThan(0);
      for (const located of without429) {
        const unauthorized = located.operation.responses['401'] as ResponseObject;
        expect({
          where: where(located),
          headers: Object.keys(unauthorized.headers ?? {}),
        }).toEqual({
          where: where(located),
          headers: expect.arrayContaining(['WWW-Authenticate', 'Retry-After']),
        });
      }
    });

    it('should document 500 and 503 on every /api operation; 400, 413 and 415 wherever a body can be sent; 414 with a path parameter; 403 with a token', () => {
      for (const located of operations.filter(({ path }) => path.startsWith('/api/'))) {
        const parameters = (located.operation.parameters ?? []) as ParameterObject[];
        const expected = [
          '500',
          '503',
          // Fastify parses the body of any POST, PUT, PATCH or DELETE, read or not.
          ...(['post', 'put', 'patch', 'delete'].includes(located.method)
            ? ['400', '413', '415']
            : []),
          ...(parameters.some((parameter) => parameter.in === 'path') ? ['414'] : []),
          // Any token may be refused by its own allowedIps.
          ...(located.operation.security?.length ? ['403'] : []),
        ];
        const missing = expected.filter((status) => !located.operation.responses[status]);
        expect({ where: where(located), missing }).toEqual({ where: where(located), missing: [] });
      }
    });

    it("should name allowedIps among the reasons of every authenticated operation's 403", () => {
      for (const located of operations.filter(({ operation }) => operation.security?.length)) {
        const forbidden = located.operation.responses['403'] as ResponseObject;
        expect({ where: where(located), description: forbidden.description }).toEqual({
          where: where(located),
          description: expect.stringMatching(/allowedIps/),
        });
      }
    });

    it('should type every numeric query parameter as an integer (none takes a fraction)', () => {
      for (const located of operations) {
        for (const parameter of (located.operation.parameters ?? []) as ParameterObject[]) {
          const type = resolve(parameter.schema).type;
          if (type === 'number' || type === 'integer') {
            expect({ where: `${where(located)} ${parameter.name}`, type }).toEqual({
              where: `${where(located)} ${parameter.name}`,
              type: 'integer',
            });
          }
        }
      }
    });

    it('should give each 400 an example about a field of its own operation', () => {
      for (const located of operations) {
        const invalid = located.operation.responses['400'] as ResponseObject | undefined;
        if (!invalid) {
          continue;
        }
        const body = (located.operation.requestBody as RequestBodyObject | undefined)?.content[
          'application/json'
        ]?.schema;
        const fields = [
          ...((located.operation.parameters ?? []) as ParameterObject[]).map(({ name }) => name),
          ...Object.keys((body && resolve(body).properties) ?? {}),
        ];
        const example = invalid.content?.['application/json']?.example as { message: string[] };
        if (fields.length === 0) {
          // Nothing to name: only a body the operation does not read can be bad.
          expect({ where: where(located), example: example.message }).toEqual({
            where: where(located),
            example: ['The request body is not valid JSON'],
          });
          continue;
        }
        const named = fields.filter((field) =>
          example.message.some((message) => message.startsWith(`${field} `)),
        );
        expect({ where: where(located), example: example.message, named }).toEqual({
          where: where(located),
          example: example.message,
          named: [expect.any(String)],
        });
      }
    });

    it('should describe a parameter with the action of its own operation, if it names one', () => {
      const actions = ['get', 'list', 'create', 'update', 'delete', 'regenerate', 'rotate'];
      for (const located of operations) {
        const own = actions.find((action) => located.operation.operationId!.startsWith(action));
        for (const parameter of (located.operation.parameters ?? []) as ParameterObject[]) {
          const named = actions.filter((action) =>
            new RegExp(`\\b${action}\\b`, 'i').test(parameter.description ?? ''),
          );
          expect({ where: `${where(located)} ${parameter.name}`, named }).toEqual({
            where: `${where(located)} ${parameter.name}`,
            named: named.length === 0 ? [] : [own],
          });
        }
      }
    });

    it('should name the servers, a contact and a license', () => {
      expect(document.servers).toEqual([expect.objectContaining({ url: expect.any(String) })]);
      expect(document.info.contact?.name).toMatch(/\S/);
      expect(document.info.license?.name).toMatch(/\S/);
    });
  });
}
