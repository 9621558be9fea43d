import { buildOpenApiDocument } from '../src/common/openapi/openapi';
import {
  answerSchemasOf,
  responseSchemas,
  SerialisationSchema,
} from '../src/common/openapi/response-serialisers';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

/**
 * Answers are serialised by fast-json-stringify from the schema each route documents: the same
 * fields as the OpenAPI document shows, no more.
 */
describe('Answers serialised by their documented schema', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  /** The property names of `value` at every level, against those the schema declares. */
  function expectDocumentedFields(value: unknown, schema: SerialisationSchema, at = 'answer') {
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        expectDocumentedFields(item, schema.items!, `${at}[${index}]`),
      );
      return;
    }
    if (value === null || typeof value !== 'object' || !schema.properties) {
      return;
    }
    expect({ at, fields: Object.keys(value).sort() }).toEqual({
      at,
      fields: Object.keys(schema.properties)
        .filter((field) => field in value || schema.required?.includes(field))
        .sort(),
    });
    for (const [field, child] of Object.entries(value as Record<string, unknown>)) {
      expectDocumentedFields(child, schema.properties[field], `${at}.${field}`);
    }
  }

  it('should give every route that documents its answer a serialiser compiled from that schema', () => {
    const documented = responseSchemas(buildOpenApiDocument(t.app));
    const fastify = t.app.getHttpAdapter().getInstance();
    expect(documented.size).toBeGreaterThan(20);
    for (const [route, schemas] of documented) {
      expect({ route, schemas: answerSchemasOf(fastify, route) }).toEqual({ route, schemas });
    }
  });

  it('should answer the documented GET with exactly the documented fields, at every level', async () => {
    const project = await t.createProject('Serialised', 'serialised');
    const bot = await t.createServiceUser('serialised-bot@example.com');
    const token = await t.createServiceUserToken(bot.id, {
      allProjects: false,
      projects: [project.id],
      permissions: ['releases:deploy'],
    });
    const route = '/api/users/service/:userId/personal-access-tokens/:patId';
    const schema = answerSchemasOf(t.app.getHttpAdapter().getInstance(), `GET ${route}`)![200];

    const response = await t
      .as(t.owner.token)
      .get(`/api/users/service/${bot.id}/personal-access-tokens/${token.tokenId}`);
    expectStatus(response, 200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = response.body as { projects: { id: string }[]; user: { id: string } };
    expect(body.projects.map((p) => p.id)).toEqual([project.id]);
    expect(body.user.id).toBe(bot.id);
    expectDocumentedFields(body, schema);
    expect(response.text).not.toMatch(/secret_?hash/i);
  });

  it('should answer GET /api/profile with exactly the documented fields', async () => {
    const schema = answerSchemasOf(t.app.getHttpAdapter().getInstance(), 'GET /api/profile')![200];
    const response = await t.as(t.owner.token).get('/api/profile');
    expectStatus(response, 200);
    expectDocumentedFields(response.body, schema);
    expect(Object.keys(response.body as object)).toHaveLength(
      Object.keys(schema.properties!).length,
    );
  });
});
