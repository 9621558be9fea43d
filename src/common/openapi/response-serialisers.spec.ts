import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import {
  answerSchemasOf,
  responseSchemas,
  serialiseAnswersByTheirSchema,
  toSerialisationSchema,
} from './response-serialisers';

/** The committed document: generated from the DTOs, and checked against them by a drift test. */
const committed = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8'),
) as OpenAPIObject;

/** A small document of its own: an item with a nested owner, a list, a nullable and a free-form field. */
const document = {
  openapi: '3.0.0',
  info: { title: 'serialisers', version: '1' },
  paths: {
    '/api/items/{itemId}': {
      get: { responses: { '200': answer('#/components/schemas/Item') } },
    },
    '/api/owner': { get: { responses: { '200': answer('#/components/schemas/Owner') } } },
  },
  components: {
    schemas: {
      Owner: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string', nullable: true } },
        required: ['id', 'name'],
      },
      Part: {
        type: 'object',
        properties: { key: { type: 'string' }, size: { type: 'integer' } },
        required: ['key', 'size'],
      },
      Item: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          note: { type: 'string' },
          kind: { enum: ['a', 'b'], type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          owner: { allOf: [{ $ref: '#/components/schemas/Owner' }] },
          parts: { type: 'array', items: { $ref: '#/components/schemas/Part' } },
          expiresAt: { type: 'string', nullable: true },
          details: { type: 'object', additionalProperties: true },
        },
        required: ['id', 'note', 'kind', 'tags', 'owner', 'parts', 'expiresAt', 'details'],
      },
    },
  },
} as unknown as OpenAPIObject;

function answer(ref: string) {
  return { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } };
}

const ITEM = {
  id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  note: 'Deploy "pipeline" \u2028 ✓',
  kind: 'b',
  tags: ['x', 'y'],
  owner: { id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', name: null },
  parts: [{ key: 'web', size: 3 }],
  expiresAt: null,
  details: { note: 'Deploy', nested: { projects: 2 } },
};

/** A bare Fastify serving `answer` at each route, with the documented schemas hooked in. */
async function serve(routes: Record<string, unknown>): Promise<FastifyInstance> {
  const fastify = Fastify();
  serialiseAnswersByTheirSchema(fastify, document);
  for (const [route, answer] of Object.entries(routes)) {
    const [method, url] = route.split(' ');
    fastify.route({ method, url, handler: () => Promise.resolve(answer) });
  }
  await fastify.ready();
  return fastify;
}

async function get(fastify: FastifyInstance, url: string): Promise<string> {
  const response = await fastify.inject({ method: 'GET', url });
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('answers serialised by their documented schema', () => {
  it('should compile every successful answer the committed document declares', async () => {
    const schemas = responseSchemas(committed);
    expect(
      schemas.get('GET /api/users/service/:userId/personal-access-tokens/:patId')?.[200],
    ).toBeDefined();
    expect(schemas.get('POST /api/projects')?.[201]).toBeDefined();
    const fastify = Fastify();
    for (const [route, response] of schemas) {
      const [method, url] = route.split(' ');
      fastify.route({ method, url, schema: { response }, handler: () => Promise.resolve({}) });
    }
    // Fastify compiles every serialiser when it starts: a schema it cannot compile throws here.
    await expect(fastify.ready()).resolves.toBeDefined();
    await fastify.close();
  });

  it('should answer a documented route exactly as JSON.stringify would', async () => {
    const fastify = await serve({ 'GET /api/items/:itemId': ITEM });
    const body = await get(fastify, '/api/items/x');
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(ITEM)));
    expect(answerSchemasOf(fastify, 'GET /api/items/:itemId')).toBeDefined();
    await fastify.close();
  });

  it('should never answer a property the schema does not declare, at any depth', async () => {
    const leaky = {
      ...ITEM,
      secretHash: 'a3f1c9e2b4d6',
      owner: { ...ITEM.owner, organisationId: 'hidden', passwordHash: 'x' },
      parts: ITEM.parts.map((part) => ({ ...part, secret: 'hidden' })),
    };
    const fastify = await serve({ 'GET /api/items/:itemId': leaky, 'GET /api/owner': leaky.owner });
    const item = await get(fastify, '/api/items/x');
    expect(item).not.toMatch(/secretHash|passwordHash|hidden/);
    expect(JSON.parse(item)).toEqual(JSON.parse(JSON.stringify(ITEM)));
    expect(JSON.parse(await get(fastify, '/api/owner'))).toEqual(ITEM.owner);
    await fastify.close();
  });

  it('should answer null for a nullable field and keep a free-form object whole', async () => {
    const fastify = await serve({ 'GET /api/items/:itemId': ITEM });
    const body = JSON.parse(await get(fastify, '/api/items/x')) as typeof ITEM;
    expect(body.details).toEqual(ITEM.details);
    expect(body.expiresAt).toBeNull();
    expect(body.owner.name).toBeNull();
    await fastify.close();
  });

  it('should leave a route that documents no answer to JSON.stringify', async () => {
    const fastify = await serve({ 'GET /api/undocumented': { anything: 1 } });
    expect(JSON.parse(await get(fastify, '/api/undocumented'))).toEqual({ anything: 1 });
    expect(answerSchemasOf(fastify, 'GET /api/undocumented')).toBeUndefined();
    await fastify.close();
  });

  it('should refuse a schema that refers to itself', () => {
    const looping = {
      ...document,
      components: {
        schemas: {
          Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } },
        },
      },
    } as OpenAPIObject;
    expect(() => toSerialisationSchema({ $ref: '#/components/schemas/Node' }, looping, [])).toThrow(
      /refers to itself/,
    );
  });
});
