import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Permission } from '../src/modules/auth';
import { ProvisioningService } from '../src/modules/provisioning/provisioning.service';
import { query, unique, uniqueEmail, UNKNOWN_SECRET } from './support/spec-helpers';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

/**
 * Every route of the running app against every kind of caller, as one table. A route that the app
 * serves without a row here, or a row for a route it does not serve, fails the first test.
 *
 * The callers (columns), each made afresh for every cell:
 *   anonymous     no Authorization header
 *   unknown       a well-formed token that belongs to nobody
 *   member        a member user holding `owner` on all projects
 *   narrowAdmin   an admin user holding `project:manage` on all projects (no `owner`)
 *   scopedAdmin   an admin user holding `owner` on the cell's project only (not all projects)
 *   ownerAdmin    an admin user holding `owner` on all projects
 *   disabled      ownerAdmin, whose user an owner has disabled
 *   otherProject  an admin user holding `owner` on another project than the cell's
 */
const CALLERS = [
  'anonymous',
  'unknown',
  'member',
  'narrowAdmin',
  'scopedAdmin',
  'ownerAdmin',
  'disabled',
  'otherProject',
] as const;
type CallerName = (typeof CALLERS)[number];
type Row = readonly [number, number, number, number, number, number, number, number];

// prettier-ignore
const MATRIX: Record<string, Row> = {
  //                                                                    anon unkn mbr  nrwA scpA ownA dis  othP
  'GET /health':                                                       [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /health/ready':                                                 [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/personal-access-tokens':                                   [401, 401, 200, 200, 200, 200, 401, 200],
  'POST /api/personal-access-tokens':                                  [401, 401, 201, 201, 201, 201, 401, 201],
  'POST /api/personal-access-tokens/lookup':                           [401, 401, 403, 403, 403, 200, 401, 403],
  'POST /api/personal-access-tokens/introspect':                       [401, 401, 403, 403, 403, 200, 401, 403],
  'GET /api/personal-access-tokens/self':                              [401, 401, 200, 200, 200, 200, 401, 200],
  'DELETE /api/personal-access-tokens/self':                           [401, 401, 200, 200, 200, 200, 401, 200],
  'POST /api/personal-access-tokens/self/rotate':                      [401, 401, 200, 200, 200, 200, 401, 200],
  // The gateway check: any valid token; 401 or 403 only, never 429.
  'GET /api/auth/verify':                                              [401, 401, 200, 200, 200, 200, 401, 200],
  'GET /api/personal-access-tokens/{patId}':                           [401, 401, 200, 200, 200, 200, 401, 200],
  'DELETE /api/personal-access-tokens/{patId}':                        [401, 401, 200, 200, 200, 200, 401, 200],
  'POST /api/personal-access-tokens/{patId}/regenerate':               [401, 401, 200, 200, 200, 200, 401, 200],
  'GET /api/users/service/{userId}/personal-access-tokens':            [401, 401, 403, 403, 403, 200, 401, 403],
  'POST /api/users/service/{userId}/personal-access-tokens':           [401, 401, 403, 403, 403, 201, 401, 403],
  'GET /api/users/service/{userId}/personal-access-tokens/{patId}':    [401, 401, 403, 403, 403, 200, 401, 403],
  'DELETE /api/users/service/{userId}/personal-access-tokens/{patId}': [401, 401, 403, 403, 403, 200, 401, 403],
  'POST /api/users/service/{userId}/personal-access-tokens/{patId}/regenerate':
                                                                       [401, 401, 403, 403, 403, 200, 401, 403],
  'GET /api/users':                                                    [401, 401, 403, 403, 403, 200, 401, 403],
  'POST /api/users':                                                   [401, 401, 403, 403, 403, 201, 401, 403],
  'POST /api/users/service':                                           [401, 401, 403, 403, 403, 201, 401, 403],
  'GET /api/users/{userId}':                                           [401, 401, 403, 403, 403, 200, 401, 403],
  'PUT /api/users/{userId}':                                           [401, 401, 403, 403, 403, 200, 401, 403],
  'DELETE /api/users/{userId}':                                        [401, 401, 403, 403, 403, 200, 401, 403],
  // No token needed: the invitation code is the credential; a token sent along changes nothing.
  'POST /api/invitations/accept':                                      [201, 201, 201, 201, 201, 201, 201, 201],
  'GET /api/profile':                                                  [401, 401, 200, 200, 200, 200, 401, 200],
  'PUT /api/profile':                                                  [401, 401, 200, 200, 200, 200, 401, 200],
  'GET /api/projects':                                                 [401, 401, 200, 200, 200, 200, 401, 200],
  // Creating needs an owner, admin or author user and an all-projects token.
  'POST /api/projects':                                                [401, 401, 403, 201, 403, 201, 401, 403],
  'GET /api/projects/{projectId}':                                     [401, 401, 200, 200, 200, 200, 401, 403],
  // Updating and deleting ask only the token: a member holding `owner` may (see the report).
  'PUT /api/projects/{projectId}':                                     [401, 401, 200, 200, 200, 200, 401, 403],
  'DELETE /api/projects/{projectId}':                                  [401, 401, 200, 403, 200, 200, 401, 403],
  'GET /api/audit-log':                                                [401, 401, 403, 403, 403, 200, 401, 403],
  'GET /api/webhooks':                                                 [401, 401, 403, 403, 403, 200, 401, 403],
  'POST /api/webhooks':                                                [401, 401, 403, 403, 403, 201, 401, 403],
  'GET /api/webhooks/{webhookId}':                                     [401, 401, 403, 403, 403, 200, 401, 403],
  'PUT /api/webhooks/{webhookId}':                                     [401, 401, 403, 403, 403, 200, 401, 403],
  'DELETE /api/webhooks/{webhookId}':                                  [401, 401, 403, 403, 403, 200, 401, 403],
  'GET /api/webhooks/{webhookId}/deliveries':                          [401, 401, 403, 403, 403, 200, 401, 403],
  'POST /api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver':  [401, 401, 403, 403, 403, 202, 401, 403],
  // Public for secret scanners: the same answer for everyone.
  'POST /api/credentials/revoke':                                      [202, 202, 202, 202, 202, 202, 202, 202],
};

interface Caller {
  /** The secret to send, or null for no Authorization header. */
  token: string | null;
  /** Another token of the caller's own user, no broader than `token`. */
  siblingId: string;
}

interface Cell {
  t: TestApp;
  /** A fresh, unprotected project: the one scopedAdmin holds and otherProject does not. */
  project: string;
  caller: Caller;
}

/** How to call each route: the path parameters and body of one cell's request. */
type Recipe = (cell: Cell) => Promise<Call> | Call;
interface Call {
  params?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** A service user with a token, made by the owner: the target of the service-user token routes. */
async function serviceUserToken(t: TestApp): Promise<Record<string, string>> {
  const bot = await t.createServiceUser(uniqueEmail('matrix-bot'));
  const issued = await t.createServiceUserToken(bot.id, { expiry: 'week' });
  return { userId: bot.id, patId: issued.tokenId };
}

/**
 * A fresh webhook with one failed delivery (of its own `webhook.created`), the organisation's
 * other webhooks removed first so that the cells stay under the limit of 20.
 */
async function webhookWithDelivery(t: TestApp): Promise<Record<string, string>> {
  await query(t, 'DELETE FROM webhook_endpoints');
  const created = await t
    .as(t.owner.token)
    .post('/api/webhooks')
    .send({ url: 'https://hooks.example.invalid/', events: ['webhook.created'] });
  expectStatus(created, 201);
  const webhookId = created.body.id as string;
  const [delivery] = await query<{ id: string }>(
    t,
    'SELECT id FROM webhook_deliveries WHERE endpoint_id = ?',
    [webhookId],
  );
  await query(t, "UPDATE webhook_deliveries SET state = 'failed' WHERE id = ?", [delivery.id]);
  return { webhookId, deliveryId: delivery.id };
}

const NEW_TOKEN = {
  note: 'matrix',
  permissions: ['project:manage'],
  allProjects: false,
  projects: [],
  expiry: 'week',
};

const RECIPES: Record<string, Recipe> = {
  'GET /health': () => ({}),
  'GET /health/ready': () => ({}),
  'GET /api/personal-access-tokens': () => ({}),
  'POST /api/personal-access-tokens': () => ({ body: NEW_TOKEN }),
  'POST /api/personal-access-tokens/lookup': ({ t }) => ({ body: { token: t.owner.token } }),
  'POST /api/personal-access-tokens/introspect': ({ t }) => ({ body: { token: t.owner.token } }),
  'GET /api/personal-access-tokens/self': () => ({}),
  'DELETE /api/personal-access-tokens/self': () => ({}),
  'POST /api/personal-access-tokens/self/rotate': () => ({ body: {} }),
  'GET /api/auth/verify': () => ({}),
  'GET /api/personal-access-tokens/{patId}': ({ caller }) => ({
    params: { patId: caller.siblingId },
  }),
  'DELETE /api/personal-access-tokens/{patId}': ({ caller }) => ({
    params: { patId: caller.siblingId },
  }),
  'POST /api/personal-access-tokens/{patId}/regenerate': ({ caller }) => ({
    params: { patId: caller.siblingId },
    body: { expiry: 'week' },
  }),
  'GET /api/users/service/{userId}/personal-access-tokens': async ({ t }) => ({
    params: await serviceUserToken(t),
  }),
  'POST /api/users/service/{userId}/personal-access-tokens': async ({ t }) => ({
    params: await serviceUserToken(t),
    body: { ...NEW_TOKEN, permissions: ['owner'], allProjects: true },
  }),
  'GET /api/users/service/{userId}/personal-access-tokens/{patId}': async ({ t }) => ({
    params: await serviceUserToken(t),
  }),
  'DELETE /api/users/service/{userId}/personal-access-tokens/{patId}': async ({ t }) => ({
    params: await serviceUserToken(t),
  }),
  'POST /api/users/service/{userId}/personal-access-tokens/{patId}/regenerate': async ({ t }) => ({
    params: await serviceUserToken(t),
    body: { expiry: 'week' },
  }),
  'GET /api/users': () => ({}),
  'POST /api/users': () => ({ body: { email: uniqueEmail('matrix-invited'), type: 'member' } }),
  'POST /api/users/service': () => ({ body: { email: uniqueEmail('matrix-new-bot') } }),
  'GET /api/users/{userId}': ({ t }) => ({ params: { userId: t.owner.userId } }),
  'PUT /api/users/{userId}': async ({ t }) => ({
    params: { userId: (await t.createPerson(uniqueEmail('matrix-target'), 'member')).userId },
    body: { firstName: 'Renamed' },
  }),
  'DELETE /api/users/{userId}': async ({ t }) => ({
    params: { userId: (await t.createPerson(uniqueEmail('matrix-leaver'), 'member')).userId },
  }),
  'POST /api/invitations/accept': async ({ t }) => {
    const invited = await t
      .as(t.owner.token)
      .post('/api/users')
      .send({ email: uniqueEmail('matrix-joiner'), type: 'member' });
    expectStatus(invited, 201);
    return {
      body: {
        code: (invited.body as { invitation: { code: string } }).invitation.code,
        token: { ...NEW_TOKEN, permissions: ['documents'], allProjects: true },
      },
    };
  },
  'GET /api/profile': () => ({}),
  'PUT /api/profile': () => ({ body: { firstName: 'Matrix' } }),
  'GET /api/projects': () => ({}),
  'POST /api/projects': () => ({ body: { name: 'Matrix', key: unique('matrix') } }),
  'GET /api/projects/{projectId}': ({ project }) => ({ params: { projectId: project } }),
  'PUT /api/projects/{projectId}': ({ project }) => ({
    params: { projectId: project },
    body: { name: 'Renamed' },
  }),
  'DELETE /api/projects/{projectId}': ({ project }) => ({ params: { projectId: project } }),
  'GET /api/audit-log': () => ({}),
  'GET /api/webhooks': () => ({}),
  'POST /api/credentials/revoke': () => ({ body: { credentials: [UNKNOWN_SECRET] } }),
  'POST /api/webhooks': async ({ t }) => {
    await query(t, 'DELETE FROM webhook_endpoints');
    return { body: { url: 'https://hooks.example.invalid/', events: ['*'] } };
  },
  'GET /api/webhooks/{webhookId}': async ({ t }) => ({ params: await webhookWithDelivery(t) }),
  'PUT /api/webhooks/{webhookId}': async ({ t }) => ({
    params: await webhookWithDelivery(t),
    body: { description: 'renamed' },
  }),
  'DELETE /api/webhooks/{webhookId}': async ({ t }) => ({ params: await webhookWithDelivery(t) }),
  'GET /api/webhooks/{webhookId}/deliveries': async ({ t }) => ({
    params: await webhookWithDelivery(t),
  }),
  'POST /api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver': async ({ t }) => ({
    params: await webhookWithDelivery(t),
  }),
};

/**
 * The routes the running app serves, as `METHOD /path/{param}`: read from every controller's
 * route metadata, each checked against Fastify's own router (which also tells whether the global
 * `/api` prefix applies). Routes hidden from the OpenAPI document are found too.
 */
function servedRoutes(app: NestFastifyApplication): string[] {
  const fastify = app.getHttpAdapter().getInstance();
  const scanner = new MetadataScanner();
  const trim = (part: string) => part.replace(/^\/+|\/+$/g, '');
  const routes = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as { prototype: Record<string, object> };
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) {
          continue;
        }
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
        for (const base of bases) {
          for (const path of paths) {
            const local = `/${[base, path].map(trim).filter(Boolean).join('/')}`;
            const verb = RequestMethod[method];
            const url = [`/api${local}`, local].find((candidate) =>
              fastify.hasRoute({ method: verb, url: candidate }),
            );
            if (!url) {
              throw new Error(`${verb} ${local} is declared by a controller but not served`);
            }
            routes.add(`${verb} ${url.replace(/:(\w+)/g, '{$1}')}`);
          }
        }
      }
    }
  }
  return [...routes].sort();
}

async function makeCaller(
  t: TestApp,
  name: CallerName,
  project: string,
  elsewhere: string,
): Promise<Caller> {
  const person = async (
    type: 'admin' | 'member',
    permissions: Permission[],
    projects?: string[],
  ): Promise<Caller & { userId: string }> => {
    const email = uniqueEmail(`matrix-${name}`);
    const grant = { permissions, allProjects: !projects, projects: projects ?? [] };
    const issued = await t.createPerson(email, type, grant);
    const sibling = await t.app
      .get(ProvisioningService)
      .createToken({ email, note: 'sibling', expiry: 'month', ...grant });
    return { token: issued.token, siblingId: sibling.tokenId, userId: issued.userId };
  };
  switch (name) {
    case 'anonymous':
      return { token: null, siblingId: t.owner.tokenId };
    case 'unknown':
      return { token: UNKNOWN_SECRET, siblingId: t.owner.tokenId };
    case 'member':
      return person('member', ['owner']);
    case 'narrowAdmin':
      return person('admin', ['project:manage']);
    case 'scopedAdmin':
      return person('admin', ['owner'], [project]);
    case 'ownerAdmin':
      return person('admin', ['owner']);
    case 'disabled': {
      const caller = await person('admin', ['owner']);
      const disable = t.as(t.owner.token).put(`/api/users/${caller.userId}`);
      expectStatus(await disable.send({ status: 'disabled' }), 200);
      return caller;
    }
    case 'otherProject':
      return person('admin', ['owner'], [elsewhere]);
  }
}

describe('Authorization matrix', () => {
  let t: TestApp;
  /** The project otherProject callers hold. */
  let elsewhere: string;

  beforeAll(async () => {
    t = await TestApp.start();
    elsewhere = (await t.createProject('Elsewhere', unique('elsewhere'))).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('should have exactly one row per route the running app serves', async () => {
    const served = servedRoutes(t.app);
    expect(served).toContain('GET /api/users/{userId}');
    expect(served).toContain('GET /health');
    const docs = await t.http().get('/docs-json');
    expectStatus(docs, 200);
    const documented = Object.entries(docs.body.paths as Record<string, object>).flatMap(
      ([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // The enumeration misses nothing the OpenAPI document knows of.
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
    expect(Object.keys(MATRIX).sort()).toEqual(served);
    expect(Object.keys(RECIPES).sort()).toEqual(served);
  });

  describe.each(Object.entries(MATRIX))('%s', (route, row) => {
    const [verb, template] = route.split(' ');
    const method = verb.toLowerCase() as 'get' | 'post' | 'put' | 'delete';

    it.each(CALLERS.map((caller, index) => [caller, row[index]] as const))(
      'should answer %s with %i',
      async (name, status) => {
        const project = (await t.createProject('Matrix target', unique('target'))).id;
        const caller = await makeCaller(t, name, project, elsewhere);
        const recipe = RECIPES[route];
        if (!recipe) {
          throw new Error(`No recipe for ${route}`);
        }
        const { params = {}, body } = await recipe({ t, project, caller });
        const path = template.replace(/\{(\w+)\}/g, (_match, param: string) => {
          if (!(param in params)) {
            throw new Error(`The recipe for ${route} gives no ${param}`);
          }
          return params[param];
        });
        let request = t.http()[method](path);
        if (caller.token !== null) {
          request = request.set('Authorization', `Bearer ${caller.token}`);
        }
        const response = await (body === undefined ? request : request.send(body));
        expectStatus(response, status);
        if (status === 401) {
          expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        }
      },
    );
  });
});
