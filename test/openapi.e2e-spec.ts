import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DOCS_PATHS } from '../src/app.factory';
import { buildOpenApiDocument } from '../src/common/openapi/openapi';
import { collectAccessMatrix, CORE_MODULES } from './support/access-matrix';
import { DocumentedField, readDocumentedEndpoint } from './support/documented-endpoint-page';
import { expectStatus } from './support/http';
import { describeOpenApiRules, resolveIn } from './support/openapi-rules';
import { UUID } from './support/spec-helpers';
import { TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const COMMITTED = join(ROOT, 'openapi.json');
const FIXTURE = join(__dirname, 'fixtures', 'documented-get-token.txt');

/** What `npm run openapi` writes (src/cli.ts): the document, 2-space JSON, a final newline. */
const serialise = (document: OpenAPIObject) => `${JSON.stringify(document, null, 2)}\n`;

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  const resolve = (schema: SchemaObject | ReferenceObject | undefined) =>
    resolveIn(document, schema);

  beforeAll(async () => {
    t = await TestApp.start();
    document = buildOpenApiDocument(t.app);
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

  describeOpenApiRules(() => ({ t, document }), collectAccessMatrix(CORE_MODULES));

  describe("the core's own schemas", () => {
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

    it('should say that a field left out keeps its value where the server keeps it, not a creation default', () => {
      const property = (schema: string, name: string) =>
        resolve(resolve({ $ref: `#/components/schemas/${schema}` }).properties![name]).description;
      // A regenerate without allowedIps keeps the list; a project update without protected keeps it.
      expect(property('RegenerateTokenDto', 'allowedIps')).toMatch(
        /left out, the token keeps its list/,
      );
      expect(property('RegenerateTokenDto', 'allowedIps')).not.toMatch(/absent: anywhere/);
      expect(property('UpdateProjectDto', 'protected')).toMatch(/left out, unchanged/);
      expect(property('UpdateProjectDto', 'protected')).not.toMatch(/created without/);
    });

    it('should type expiringWithinDays as an integer', () => {
      for (const path of [
        '/api/personal-access-tokens',
        '/api/users/service/{userId}/personal-access-tokens',
      ]) {
        const parameter = (document.paths[path].get!.parameters as ParameterObject[]).find(
          ({ name }) => name === 'expiringWithinDays',
        )!;
        expect({ path, type: resolve(parameter.schema).type }).toEqual({ path, type: 'integer' });
      }
    });

    it('should declare Idempotent-Replayed on rotate and both regenerates, and the X-Auth-* headers on the gateway check', () => {
      for (const path of [
        '/api/personal-access-tokens/self/rotate',
        '/api/personal-access-tokens/{patId}/regenerate',
        '/api/users/service/{userId}/personal-access-tokens/{patId}/regenerate',
      ]) {
        const ok = document.paths[path].post!.responses['200'] as ResponseObject;
        expect({ path, headers: Object.keys(ok.headers ?? {}) }).toEqual({
          path,
          headers: expect.arrayContaining(['Idempotent-Replayed']),
        });
      }
      const verify = document.paths['/api/auth/verify'].get!;
      expect(verify.responses['429']).toBeUndefined();
      expect(Object.keys((verify.responses['200'] as ResponseObject).headers ?? {})).toEqual(
        expect.arrayContaining(['X-Auth-User-Id', 'X-Auth-Permissions', 'X-Auth-Expires-At']),
      );
    });

    it('should not offer `invited` as a type an admin can give', () => {
      const type = resolve(
        resolve({ $ref: '#/components/schemas/UpdateUserDto' }).properties!.type,
      );
      const values = (type.enum ?? resolve(type.allOf![0]).enum) as string[];
      expect(values).toEqual(expect.arrayContaining(['owner', 'admin', 'author', 'member']));
      expect(values).not.toContain('invited');
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
