import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIObject } from '@nestjs/swagger';
import Fastify from 'fastify';
import { serialiseAnswersByTheirSchema } from '../../common/openapi/response-serialisers';
import { LoadedToken, toCreatedTokenResponse, toTokenResponse } from './token.mapper';

const SECRET_HASH = 'a3f1c9e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8';
const SECRET = 'opat_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh';

const PROJECT = {
  id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  name: 'Website',
  organisationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  version: 'v2' as const,
  createdAt: new Date('2026-01-02T03:04:05.006Z'),
  updatedAt: new Date('2026-01-03T03:04:05.006Z'),
  key: 'WEB',
  protected: false,
};

const USER = {
  id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
  email: 'ci@example.com',
  type: 'member' as const,
  status: 'active' as const,
  firstName: 'Build',
  lastName: null,
  isService: true,
  createdAt: new Date('2025-12-01T00:00:00.000Z'),
  updatedAt: new Date('2025-12-02T00:00:00.000Z'),
};

/**
 * A token as the service really holds it: the entity spread with its owner, so that the secret's
 * hash and the owner's id are present at run time even though LoadedToken's type leaves them out.
 */
function loadedToken(overrides: Partial<LoadedToken> = {}): LoadedToken {
  const token = {
    id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    note: 'Deploy pipeline',
    permissions: ['releases:deploy', 'branches'],
    allProjects: false,
    projects: [PROJECT],
    user: { ...USER, organisationId: PROJECT.organisationId },
    userId: USER.id,
    secretHash: SECRET_HASH,
    secretHint: 'efgh',
    secret: SECRET,
    createdAt: new Date('2026-02-01T10:00:00.000Z'),
    updatedAt: new Date('2026-02-02T11:00:00.000Z'),
    expiresAt: new Date('2026-03-03T10:00:00.000Z'),
    lastUsedAt: new Date('2026-02-15T09:30:00.123Z'),
    lastUsedIp: '203.0.113.7',
    expiryPreset: 'month',
    allowedIps: ['203.0.113.0/24'],
    ...overrides,
  };
  return token as LoadedToken;
}

const RESPONSE_KEYS = [
  'allProjects',
  'allowedIps',
  'createdAt',
  'expiresAt',
  'id',
  'lastUsedAt',
  'lastUsedIp',
  'note',
  'permissions',
  'projects',
  'secretHint',
  'updatedAt',
  'user',
];

describe('token mapper', () => {
  describe('toTokenResponse', () => {
    it('should answer exactly the documented fields', () => {
      expect(Object.keys(toTokenResponse(loadedToken())).sort()).toEqual(RESPONSE_KEYS);
    });

    it('should never carry the secret’s hash, the secret, or the owner’s id', () => {
      const response = toTokenResponse(loadedToken());
      expect(response).not.toHaveProperty('secretHash');
      expect(response).not.toHaveProperty('secret');
      expect(response).not.toHaveProperty('token');
      expect(response).not.toHaveProperty('userId');
      const json = JSON.stringify(response);
      expect(json).not.toContain(SECRET_HASH);
      expect(json).not.toContain(SECRET);
    });

    it('should map every field, with dates as ISO strings', () => {
      expect(toTokenResponse(loadedToken())).toEqual({
        id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
        note: 'Deploy pipeline',
        permissions: ['releases:deploy', 'branches'],
        allProjects: false,
        projects: [
          {
            id: PROJECT.id,
            name: 'Website',
            organisationId: PROJECT.organisationId,
            version: 'v2',
            createdAt: '2026-01-02T03:04:05.006Z',
            updatedAt: '2026-01-03T03:04:05.006Z',
            key: 'WEB',
            protected: false,
          },
        ],
        user: {
          id: USER.id,
          email: 'ci@example.com',
          type: 'member',
          status: 'active',
          createdAt: '2025-12-01T00:00:00.000Z',
          updatedAt: '2025-12-02T00:00:00.000Z',
          firstName: 'Build',
          lastName: null,
          isService: true,
        },
        createdAt: '2026-02-01T10:00:00.000Z',
        updatedAt: '2026-02-02T11:00:00.000Z',
        expiresAt: '2026-03-03T10:00:00.000Z',
        lastUsedAt: '2026-02-15T09:30:00.123Z',
        lastUsedIp: '203.0.113.7',
        allowedIps: ['203.0.113.0/24'],
        secretHint: 'efgh',
      });
    });

    it('should answer no projects for a token on all projects, whatever is loaded', () => {
      const response = toTokenResponse(loadedToken({ allProjects: true, projects: [PROJECT] }));
      expect(response.allProjects).toBe(true);
      expect(response.projects).toEqual([]);
    });

    it('should answer an empty list for a scoped token without projects', () => {
      expect(toTokenResponse(loadedToken({ projects: [] })).projects).toEqual([]);
    });

    it('should answer null for a token that never expires and was never used', () => {
      const response = toTokenResponse(
        loadedToken({ expiresAt: null, lastUsedAt: null, lastUsedIp: null }),
      );
      expect(response.expiresAt).toBeNull();
      expect(response.lastUsedAt).toBeNull();
      expect(response.lastUsedIp).toBeNull();
    });

    it('should copy the permissions rather than share the token’s array', () => {
      const token = loadedToken();
      const response = toTokenResponse(token);
      response.permissions.push('owner');
      expect(token.permissions).toEqual(['releases:deploy', 'branches']);
    });
  });

  describe('toCreatedTokenResponse', () => {
    it('should add the secret as token to the same fields, still without the hash', () => {
      const token = loadedToken();
      const response = toCreatedTokenResponse(token, SECRET);
      expect(response).toEqual({ ...toTokenResponse(token), token: SECRET });
      expect(response).not.toHaveProperty('secretHash');
      expect(JSON.stringify(response)).not.toContain(SECRET_HASH);
    });
  });

  describe('through the documented GET', () => {
    /** The committed OpenAPI document, whose schemas serialise the answers. */
    const document = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8'),
    ) as OpenAPIObject;
    const route = '/api/users/service/:userId/personal-access-tokens/:patId';

    it('should answer every mapped field, and nothing the loaded token carries besides', async () => {
      const fastify = Fastify();
      serialiseAnswersByTheirSchema(fastify, document);
      const token = loadedToken();
      fastify.get(route, () =>
        Promise.resolve({ ...toTokenResponse(token), secretHash: SECRET_HASH }),
      );
      await fastify.ready();
      const response = await fastify.inject({
        method: 'GET',
        url: `/api/users/service/${USER.id}/personal-access-tokens/x`,
      });
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual(JSON.parse(JSON.stringify(toTokenResponse(token))));
      expect(response.body).not.toContain(SECRET_HASH);
      await fastify.close();
    });
  });
});
