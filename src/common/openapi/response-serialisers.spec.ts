import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import { toTokenResponse } from '../../modules/personal-access-tokens/token.mapper';
import { toUserResponse } from '../../modules/users/user.mapper';
import {
  answerSchemasOf,
  responseSchemas,
  serialiseAnswersByTheirSchema,
  toSerialisationSchema,
} from './response-serialisers';

/** The committed document: generated from the DTOs, and checked against them by a drift test. */
const document = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8'),
) as OpenAPIObject;

const TOKEN_ROUTE = '/api/users/service/:userId/personal-access-tokens/:patId';
const USER = {
  id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
  email: 'ci@example.com',
  type: 'member' as const,
  status: 'active' as const,
  firstName: null,
  lastName: 'Bot',
  isService: true,
  createdAt: new Date('2025-12-01T00:00:00.000Z'),
  updatedAt: new Date('2025-12-02T00:00:00.000Z'),
};
const PROJECT = {
  id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  name: 'Website',
  organisationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  version: 'v2' as const,
  key: 'web',
  protected: true,
  createdAt: new Date('2026-01-02T03:04:05.006Z'),
  updatedAt: new Date('2026-01-03T03:04:05.006Z'),
};
const TOKEN = {
  id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  note: 'Deploy "pipeline" \u2028 ✓',
  permissions: ['releases:deploy' as const, 'documents' as const],
  allProjects: false,
  secretHint: 'x9Qa',
  expiryPreset: 'month' as const,
  allowedIps: [],
  expiresAt: new Date('2026-12-27T20:00:00.000Z'),
  lastUsedAt: null,
  lastUsedIp: '127.0.0.1',
  createdAt: new Date('2026-11-27T20:00:00.000Z'),
  updatedAt: new Date('2026-11-27T20:00:00.000Z'),
  user: USER,
  projects: [PROJECT],
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
  it('should compile every successful answer the document declares', async () => {
    const schemas = responseSchemas(document);
    expect(schemas.get(`GET ${TOKEN_ROUTE}`)?.[200]).toBeDefined();
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

  it('should answer the documented GET exactly as JSON.stringify would', async () => {
    const answer = toTokenResponse(TOKEN);
    const fastify = await serve({ [`GET ${TOKEN_ROUTE}`]: answer });
    const body = await get(fastify, `/api/users/service/${USER.id}/personal-access-tokens/x`);
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(answer)));
    expect(answerSchemasOf(fastify, `GET ${TOKEN_ROUTE}`)).toBeDefined();
    await fastify.close();
  });

  it('should never answer a property the DTO does not declare, at any depth', async () => {
    const answer = toTokenResponse(TOKEN);
    const leaky = {
      ...answer,
      secretHash: 'a3f1c9e2b4d6',
      user: { ...answer.user, organisationId: 'hidden', passwordHash: 'x' },
      projects: answer.projects.map((project) => ({ ...project, secret: 'hidden' })),
    };
    const fastify = await serve({ [`GET ${TOKEN_ROUTE}`]: leaky, 'GET /api/profile': leaky.user });
    const token = await get(fastify, `/api/users/service/${USER.id}/personal-access-tokens/x`);
    expect(token).not.toMatch(/secretHash|organisationId":"hidden|passwordHash|hidden/);
    expect(JSON.parse(token)).toEqual(JSON.parse(JSON.stringify(answer)));
    const profile = await get(fastify, '/api/profile');
    expect(JSON.parse(profile)).toEqual(JSON.parse(JSON.stringify(toUserResponse(USER))));
    await fastify.close();
  });

  it('should answer null for a nullable field and keep a free-form object whole', async () => {
    const entry = {
      id: '5d2e1f0a-9b8c-4d7e-8f6a-5b4c3d2e1f0a',
      action: 'token.created',
      targetType: 'token',
      targetId: TOKEN.id,
      actorId: null,
      tokenId: null,
      ip: null,
      details: { note: 'Deploy', nested: { projects: 2 } },
      createdAt: '2026-11-27T20:00:00.000Z',
    };
    const page = {
      results: [entry],
      paginate: { current: 1, from: 1, to: 1, total: 1, pageSize: 20 },
    };
    const fastify = await serve({ 'GET /api/audit-log': page });
    const body = JSON.parse(await get(fastify, '/api/audit-log')) as typeof page;
    expect(body.results[0].details).toEqual(entry.details);
    expect(body.results[0].actorId).toBeNull();
    expect(body.results[0].ip).toBeNull();
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
