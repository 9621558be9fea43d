import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DOCS_PATHS } from '../src/app.factory';
import { buildOpenApiDocument } from '../src/common/openapi/openapi';
import { forEachSchema } from '../src/common/openapi/openapi-conventions';
import { DocumentedField, readDocumentedEndpoint } from './support/documented-endpoint-page';
import { expectStatus } from './support/http';
import { UUID } from './support/spec-helpers';
import { TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const COMMITTED = join(ROOT, 'openapi.json');
const FIXTURE = join(__dirname, 'fixtures', 'documented-get-token.txt');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const UUID_EXAMPLE = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  operation: OperationObject;
}

/** What `npm run openapi` writes (src/cli.ts): the document, 2-space JSON, a final newline. */
const serialise = (document: OpenAPIObject) => `${JSON.stringify(document, null, 2)}\n`;

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  let operations: Operation[];

  /** A schema with its $ref (and a single-entry allOf, how the plugin wraps a described $ref) followed. */
  const resolve = (schema: SchemaObject | ReferenceObject | undefined): SchemaObject => {
    if (schema === undefined) {
      throw new Error('no schema');
    }
    if ('$ref' in schema) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = document.components?.schemas?.[name];
      if (!target) {
        throw new Error(`unresolved ${schema.$ref}`);
      }
      return resolve(target);
    }
    if (schema.allOf?.length === 1) {
      const { allOf, ...rest } = schema;
      return { ...resolve(allOf[0]), ...rest };
    }
    return schema;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    document = buildOpenApiDocument(t.app);
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method,
        path,
        operation: item[method]!,
      })),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  describe('the committed openapi.json', () => {
    it('should be exactly what `npm run openapi` generates from the current code', () => {
      if (!existsSync(COMMITTED)) {
        throw new Error('openapi.json is missing: run `npm run openapi` and commit it');
      }
      const committed = readFileSync(COMMITTED, 'utf8');
      // A structural comparison first, for a readable diff; then byte for byte (key order too).
      expect(JSON.parse(committed)).toEqual(JSON.parse(serialise(document)));
      if (committed !== serialise(document)) {
        throw new Error(
          'openapi.json has the right content but not as `npm run openapi` writes it: run it again',
        );
      }
    });

    it('should be what /docs-json serves to Swagger UI', async () => {
      const response = await t.http().get(DOCS_PATHS.json);
      expectStatus(response, 200);
      expect(response.body).toEqual(JSON.parse(serialise(document)));
    });
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

    it('should answer expiresAt always (required) and null for a token that never expires', () => {
      for (const name of ['TokenResponseDto', 'CreatedTokenResponseDto']) {
        const token = resolve({ $ref: `#/components/schemas/${name}` });
        expect({ name, required: token.required?.includes('expiresAt') }).toEqual({
          name,
          required: true,
        });
        expect(resolve(token.properties!.expiresAt).nullable).toBe(true);
      }
    });

    it('should not offer `invited` as a type an admin can give', () => {
      const type = resolve(
        resolve({ $ref: '#/components/schemas/UpdateUserDto' }).properties!.type,
      );
      const values = (type.enum ?? resolve(type.allOf![0]).enum) as string[];
      expect(values).toEqual(expect.arrayContaining(['owner', 'admin', 'author', 'member']));
      expect(values).not.toContain('invited');
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
      // `security: []` is true: those operations answer without a token.
      const open = operations.filter(({ operation }) => operation.security?.length === 0);
      expect(open.map(where).sort()).toEqual([
        'GET /health',
        'GET /health/ready',
        'POST /api/credentials/revoke',
        'POST /api/invitations/accept',
      ]);
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
        ['Retry-After', 'WWW-Authenticate', 'X-Request-Id', 'X-Token-Expires-At'].sort(),
      );
    });

    it('should document 500 and 503 on every /api operation, and 413 and 415 where a body is taken', () => {
      for (const located of operations.filter(({ path }) => path.startsWith('/api/'))) {
        const expected = ['500', '503', ...(located.operation.requestBody ? ['413', '415'] : [])];
        const missing = expected.filter((status) => !located.operation.responses[status]);
        expect({ where: where(located), missing }).toEqual({ where: where(located), missing: [] });
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

    it("should document readiness's 503 with terminus' body, and liveness with 200 only", () => {
      const liveness = document.paths['/health'].get!;
      expect(Object.keys(liveness.responses)).toEqual(['200']);
      const readiness = document.paths['/health/ready'].get!;
      const unavailable = readiness.responses['503'] as ResponseObject;
      expect(resolve(unavailable.content!['application/json'].schema).required).toEqual(
        expect.arrayContaining(['status', 'details']),
      );
    });
  });

  describe('GET /api/users/service/{userId}/personal-access-tokens/{patId} against its documentation page', () => {
    const page = readDocumentedEndpoint(FIXTURE);
    /*
     * The page shows the nested user collapsed, so it does not say which of its fields may be null;
     * the product's user object documents firstName and lastName as string | null.
     */
    const NULLABLE_NESTED: Record<string, string[]> = { user: ['firstName', 'lastName'] };
    let operation: OperationObject;
    let answer: SchemaObject;

    beforeAll(() => {
      operation = document.paths[page.path]?.[
        page.method.toLowerCase() as 'get'
      ] as OperationObject;
      const ok = (operation?.responses ?? {})[String(page.response.status)] as ResponseObject;
      answer = resolve(ok?.content?.[page.response.contentType]?.schema);
    });

    /** The documented type held against a property's schema. */
    const expectTyped = (field: DocumentedField, property: SchemaObject, where: string) => {
      const item = field.isArray ? resolve(property.items) : property;
      if (field.isArray) {
        expect({ where, type: property.type }).toEqual({ where, type: 'array' });
      }
      if (field.type === 'enum') {
        expect({ where, type: item.type, enum: item.enum }).toEqual({
          where,
          type: field.format,
          enum: expect.any(Array),
        });
      } else {
        expect({ where, type: item.type }).toEqual({ where, type: field.type });
      }
      if (field.type === 'string' && field.format !== undefined) {
        expect({ where, format: item.format }).toEqual({ where, format: field.format });
      }
    };

    it('should read the documentation page', () => {
      // Guards the parser: a page it misread would make the checks below vacuous.
      expect(page.method).toBe('GET');
      expect(page.summary).toBe('Get token');
      expect(page.response.fields.map((field) => field.name)).toEqual(Object.keys(page.example));
      expect(page.response.fields.filter((field) => field.required).length).toBeGreaterThan(5);
      expect(page.pathParameters.map((parameter) => parameter.name)).toEqual(['userId', 'patId']);
      expect(
        page.response.fields.find((field) => field.name === 'permissions')?.options,
      ).toHaveLength(19);
    });

    it('should be the documented operation, with its summary and 200 description', () => {
      expect(operation).toBeDefined();
      expect(operation.operationId).toBe('getServiceUserToken');
      expect(operation.tags).toEqual(['Service user tokens']);
      expect(operation.summary).toBe(page.summary);
      expect((operation.responses['200'] as ResponseObject).description).toBe(
        page.response.description,
      );
    });

    it('should answer every documented field, always (required), typed and described as documented', () => {
      expect(answer.type).toBe('object');
      for (const field of page.response.fields) {
        const where = `200 ${field.name}`;
        const raw = answer.properties?.[field.name];
        expect({ where, present: raw !== undefined }).toEqual({ where, present: true });
        const property = resolve(raw);
        // Every field is always answered: one the page leaves optional (expiresAt, which may be
        // null) is required here too, so that a generated client need not test for its absence.
        expect({ where, required: (answer.required ?? []).includes(field.name) }).toEqual({
          where,
          required: true,
        });
        expectTyped(field, property, where);
        expect({ where, description: property.description }).toEqual({
          where,
          description: field.description,
        });
      }
    });

    it('should make nullable exactly the fields documented as nullable', () => {
      for (const field of page.response.fields) {
        const property = resolve(answer.properties?.[field.name]);
        expect({ field: field.name, nullable: property.nullable === true }).toEqual({
          field: field.name,
          nullable: field.nullable,
        });
      }
      expect(
        page.response.fields.filter((field) => field.nullable).map((field) => field.name),
      ).toEqual(['expiresAt']);
      for (const [object, names] of Object.entries(NULLABLE_NESTED)) {
        const nested = resolve(answer.properties?.[object]);
        for (const name of names) {
          expect({
            field: `${object}.${name}`,
            nullable: resolve(nested.properties?.[name]).nullable,
          }).toEqual({
            field: `${object}.${name}`,
            nullable: true,
          });
        }
      }
    });

    it('should offer exactly the documented permission values as the enum', () => {
      const documented = page.response.fields.find((field) => field.name === 'permissions')!;
      const permissions = resolve(answer.properties?.permissions);
      const values = resolve(permissions.items).enum as string[];
      expect([...values].sort()).toEqual([...documented.options!].sort());
      expect(values).toHaveLength(documented.options!.length);
    });

    it('should document the nested projects and user with the fields of the documented example', () => {
      for (const field of page.response.fields.filter(
        (documented) => documented.type === 'object',
      )) {
        const value = page.example[field.name];
        const sample = (field.isArray ? (value as unknown[])[0] : value) as Record<string, unknown>;
        const property = resolve(answer.properties?.[field.name]);
        const nested = field.isArray ? resolve(property.items) : property;
        expect({ field: field.name, type: nested.type }).toEqual({
          field: field.name,
          type: 'object',
        });
        for (const [name, example] of Object.entries(sample)) {
          const where = `200 ${field.name}.${name}`;
          const raw = nested.properties?.[name];
          expect({ where, present: raw !== undefined }).toEqual({ where, present: true });
          const schema = resolve(raw);
          const type = Array.isArray(example) ? 'array' : typeof example;
          expect({ where, type: schema.type }).toEqual({ where, type });
          if (typeof example === 'string' && UUID.test(example)) {
            expect({ where, format: schema.format }).toEqual({ where, format: 'uuid' });
          }
        }
      }
    });

    it('should document the path parameters as required uuids, described as documented', () => {
      const parameters = (operation.parameters ?? []) as ParameterObject[];
      for (const documented of page.pathParameters) {
        const parameter = parameters.find(
          (candidate) => candidate.in === 'path' && candidate.name === documented.name,
        );
        const where = `path ${documented.name}`;
        expect({ where, found: parameter !== undefined }).toEqual({ where, found: true });
        // The page says `string<uuid> | null` for userId: a path segment cannot be null, so only
        // the type, the format and required-ness are held against it.
        expect({ where, required: parameter!.required === true }).toEqual({
          where,
          required: documented.required,
        });
        expectTyped({ ...documented, nullable: false }, resolve(parameter!.schema), where);
        expect({ where, description: parameter!.description }).toEqual({
          where,
          description: documented.description,
        });
      }
      expect(parameters.filter((parameter) => parameter.in === 'path')).toHaveLength(
        page.pathParameters.length,
      );
    });

    it('should require the documented Authorization header as a bearer token', () => {
      const [authorization] = page.authorizations;
      expect(authorization).toMatchObject({
        name: 'Authorization',
        location: 'header',
        required: true,
      });
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect(schemes).toHaveLength(1);
      expect(document.components?.securitySchemes?.[schemes[0]]).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
    });

    it('should document the 400, 401, 403 and 404 answers with the error body', () => {
      // The page's copy stops at the 200 answer; the product documents these four errors too.
      for (const status of ['400', '401', '403', '404']) {
        const response = operation.responses[status] as ResponseObject | undefined;
        expect({ status, description: response?.description }).toEqual({
          status,
          description: expect.stringMatching(/\S/),
        });
        expect(resolve(response!.content?.['application/json']?.schema)).toEqual(
          resolve({ $ref: '#/components/schemas/ErrorResponseDto' }),
        );
      }
    });
  });
});
