import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { ProvisioningService } from '../src/modules/provisioning/provisioning.service';
import {
  CreatedTokenBody,
  databaseDump,
  DAY_MS,
  eventually,
  expectBadRequestNaming,
  ISO,
  Json,
  PROJECT_FIELDS,
  ProjectBody,
  query,
  SECRET,
  TokenBody,
  unique,
  uniqueEmail,
  USER_FIELDS,
  UUID,
} from './support/spec-helpers';
import { expectStatus } from './support/http';
import { IssuedToken, TestApp } from './support/test-app';

/** The two forms of the token routes: the caller's own tokens, and a service user's (admin). */
interface Form {
  /** The token collection: `/api/personal-access-tokens` or `/api/users/service/{id}/personal-access-tokens`. */
  base: string;
  /** The secret the calls are made with. */
  bearer: string;
  /** The user whose tokens `base` manages. */
  userId: string;
  /** A token of another user, which `base` must not reach. */
  foreign: IssuedToken;
}

const FORMS: [string, (t: TestApp) => Promise<Form>][] = [
  [
    'own tokens, /api/personal-access-tokens',
    async (t) => {
      // An indefinite owner token on all projects: it may mint any expiry.
      const person = await t.createPerson(uniqueEmail('own-tokens'), 'admin', {
        permissions: ['owner'],
        allProjects: true,
        expiry: 'indefinite',
      });
      const other = await t.createPerson(uniqueEmail('someone-else'), 'admin');
      return {
        base: '/api/personal-access-tokens',
        bearer: person.token,
        userId: person.userId,
        foreign: other,
      };
    },
  ],
  [
    "a service user's tokens, /api/users/service/{userId}/personal-access-tokens",
    async (t) => {
      const serviceUser = await t.createServiceUser(uniqueEmail('service-tokens'));
      const other = await t.createServiceUser(uniqueEmail('other-service'));
      return {
        base: `/api/users/service/${serviceUser.id}/personal-access-tokens`,
        bearer: t.owner.token,
        userId: serviceUser.id,
        foreign: await t.createServiceUserToken(other.id),
      };
    },
  ],
];

const validBody = (overrides: Json = {}): Json => ({
  note: 'e2e token',
  permissions: ['releases:deploy'],
  allProjects: true,
  projects: [],
  expiry: 'month',
  ...overrides,
});

/** A valid body for a POST on the token routes: regenerate takes only an expiry. */
const bodyFor = (path: string): Json =>
  path.endsWith('/regenerate') ? { expiry: 'week' } : validBody();

describe('Personal access tokens', () => {
  let t: TestApp;
  let projectA: ProjectBody;
  let projectB: ProjectBody;

  beforeAll(async () => {
    t = await TestApp.start();
    projectA = (await t.createProject('Alpha rules', unique('alpha'))) as ProjectBody;
    projectB = (await t.createProject('Beta rules', unique('beta'))) as ProjectBody;
  });

  afterAll(async () => {
    await t.close();
  });

  /** 200 from the profile route: the secret authenticates now. */
  const works = async (secret: string) => (await t.as(secret).get('/api/profile')).status;

  describe.each(FORMS)('%s', (_name, setUp) => {
    let form: Form;

    beforeAll(async () => {
      form = await setUp(t);
    });

    const create = async (overrides: Json = {}): Promise<CreatedTokenBody> => {
      const response = await t.as(form.bearer).post(form.base).send(validBody(overrides));
      expectStatus(response, 201);
      return response.body as CreatedTokenBody;
    };
    const list = async (): Promise<TokenBody[]> => {
      const response = await t.as(form.bearer).get(form.base);
      expectStatus(response, 200);
      return response.body as TokenBody[];
    };
    /** POST …/{id}/regenerate as the form's bearer. */
    const regenerate = (id: string, body: Json = { expiry: 'week' }) =>
      t.as(form.bearer).post(`${form.base}/${id}/regenerate`).send(body);

    describe('create', () => {
      it('should answer 201 with the token, its projects, its user and its secret', async () => {
        const response = await t
          .as(form.bearer)
          .post(form.base)
          .send({
            note: '  Deploy pipeline  ',
            permissions: ['documents', 'releases:deploy'],
            allProjects: false,
            projects: [projectB.id, projectA.id],
            expiry: 'month',
          });
        expectStatus(response, 201);
        const body = response.body as CreatedTokenBody;
        expect(body.id).toMatch(UUID);
        expect(body.note).toBe('Deploy pipeline');
        expect(body.permissions).toEqual(['documents', 'releases:deploy']);
        expect(body.allProjects).toBe(false);
        expect(body.projects.map((project) => project.id).sort()).toEqual(
          [projectA.id, projectB.id].sort(),
        );
        for (const project of body.projects) {
          expect(Object.keys(project).sort()).toEqual(PROJECT_FIELDS);
        }
        expect(body.user.id).toBe(form.userId);
        expect(Object.keys(body.user).sort()).toEqual(USER_FIELDS);
        expect(body.createdAt).toMatch(ISO);
        expect(body.updatedAt).toBe(body.createdAt);
        expect(Date.parse(body.expiresAt!) - Date.parse(body.createdAt)).toBe(30 * DAY_MS);
        expect(body.lastUsedAt).toBeNull();
        expect(body.lastUsedIp).toBeNull();
        expect(body.token).toMatch(SECRET);
      });

      it("should answer a secret that authenticates as the token's user at once", async () => {
        const created = await create();
        const response = await t.as(created.token).get('/api/profile');
        expectStatus(response, 200);
        expect(response.body.id).toBe(form.userId);
      });

      it.each([
        ['week', 7],
        ['month', 30],
        ['three_months', 90],
        ['year', 365],
      ])('should set expiresAt for %s to %i days after createdAt', async (expiry, days) => {
        const created = await create({ expiry });
        expect(Date.parse(created.expiresAt!) - Date.parse(created.createdAt)).toBe(days * DAY_MS);
      });

      it('should answer expiresAt null for indefinite', async () => {
        const created = await create({ expiry: 'indefinite' });
        expect(created.expiresAt).toBeNull();
        expect(await works(created.token)).toBe(200);
      });

      it('should answer no projects for an all-projects token even when projects are sent', async () => {
        const created = await create({ allProjects: true, projects: [projectA.id] });
        expect(created.projects).toEqual([]);
        const read = await t.as(form.bearer).get(`${form.base}/${created.id}`);
        expectStatus(read, 200);
        expect(read.body.projects).toEqual([]);
      });

      it('should answer a different secret for every token', async () => {
        const [first, second] = [await create(), await create()];
        expect(first.token).not.toBe(second.token);
        expect(first.id).not.toBe(second.id);
      });

      it('should store only a keyed hash of the secret, in no table in clear', async () => {
        const created = await create();
        const dump = await databaseDump(t);
        expect(dump).not.toContain(created.token);
        // The random part alone (without prefix and checksum) is not stored either.
        expect(dump).not.toContain(created.token.slice(5, 48));
        const [row] = await query<{ secret_hash: string }>(
          t,
          'SELECT secret_hash FROM personal_access_tokens WHERE id = ?',
          [created.id],
        );
        expect(row.secret_hash).toBeTruthy();
        const sha256 = createHash('sha256').update(created.token);
        expect(row.secret_hash).not.toBe(sha256.copy().digest('hex'));
        expect(row.secret_hash).not.toBe(sha256.digest('base64'));
      });

      it('should refuse unknown project ids with 400 naming projects, and create nothing', async () => {
        const before = (await list()).length;
        const unknown = randomUUID();
        const response = await t
          .as(form.bearer)
          .post(form.base)
          .send(validBody({ allProjects: false, projects: [projectA.id, unknown] }));
        expectBadRequestNaming(response, 'projects');
        expect(JSON.stringify(response.body)).toContain(unknown);
        expect((await list()).length).toBe(before);
      });

      it.each<[string, Json, string]>([
        ['no note', { note: undefined }, 'note'],
        ['an empty note', { note: '' }, 'note'],
        ['a note of spaces only', { note: '   ' }, 'note'],
        ['a note of 101 characters', { note: 'x'.repeat(101) }, 'note'],
        ['a note that is a number', { note: 42 }, 'note'],
        ['a note that is an object', { note: { text: 'x' } }, 'note'],
        ['no permissions', { permissions: undefined }, 'permissions'],
        ['empty permissions', { permissions: [] }, 'permissions'],
        ['an unknown permission', { permissions: ['documents', 'superuser'] }, 'permissions'],
        ['permissions as a string', { permissions: 'owner' }, 'permissions'],
        ['a repeated permission', { permissions: ['owner', 'owner'] }, 'permissions'],
        ['no allProjects', { allProjects: undefined }, 'allProjects'],
        ['allProjects as a string', { allProjects: 'true' }, 'allProjects'],
        ['allProjects null', { allProjects: null }, 'allProjects'],
        ['no expiry', { expiry: undefined }, 'expiry'],
        ['an unknown expiry', { expiry: 'forever' }, 'expiry'],
        ['an expiry in days', { expiry: 30 }, 'expiry'],
        ['projects that are not a list', { allProjects: false, projects: 'all' }, 'projects'],
        ['projects null', { allProjects: false, projects: null }, 'projects'],
        ['a project id that is not a UUID', { allProjects: false, projects: ['1'] }, 'projects'],
        ['an unknown field', { colour: 'blue' }, 'colour'],
        ['a userId of its own choosing', { userId: randomUUID() }, 'userId'],
        ['a secret of its own choosing', { token: 'opat_chosen' }, 'token'],
        ['an expiresAt of its own choosing', { expiresAt: null }, 'expiresAt'],
      ])(
        'should answer 400 naming the field for %s, and create nothing',
        async (_case, patch, field) => {
          const before = (await list()).length;
          const response = await t.as(form.bearer).post(form.base).send(validBody(patch));
          expectBadRequestNaming(response, field);
          expect((await list()).length).toBe(before);
        },
      );

      it.each<[string, string]>([
        ['a JSON array', '[]'],
        ['a JSON string', '"token"'],
        ['JSON null', 'null'],
        ['broken JSON', '{"note":'],
      ])('should answer 400, never 500, to a body that is %s', async (_case, text) => {
        const response = await t
          .as(form.bearer)
          .post(form.base)
          .set('Content-Type', 'application/json')
          .send(text);
        expectStatus(response, 400);
      });
    });

    describe('list', () => {
      it("should answer every token of the user, newest first, and nobody else's", async () => {
        const older = await create({ note: 'older' });
        await sleep(5);
        const newer = await create({ note: 'newer' });
        const tokens = await list();
        const ids = tokens.map((token) => token.id);
        expect(ids).toEqual(expect.arrayContaining([older.id, newer.id]));
        expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
        expect(new Set(ids).size).toBe(ids.length);
        expect(tokens.every((token) => token.user.id === form.userId)).toBe(true);
        expect(ids).not.toContain(form.foreign.tokenId);
        expect(ids).not.toContain(t.owner.tokenId);
        const dates = tokens.map((token) => Date.parse(token.createdAt));
        expect(dates).toEqual([...dates].sort((a, b) => b - a));
      });

      it('should never answer a secret', async () => {
        const created = await create();
        const response = await t.as(form.bearer).get(form.base);
        expectStatus(response, 200);
        expect(response.text).not.toContain(created.token);
        for (const token of response.body as Json[]) {
          expect(token).not.toHaveProperty('token');
          expect(token).not.toHaveProperty('secretHash');
        }
      });
    });

    describe('get', () => {
      it('should answer the token as created, without its secret', async () => {
        const { token: secret, ...created } = await create({
          allProjects: false,
          projects: [projectA.id],
        });
        const response = await t.as(form.bearer).get(`${form.base}/${created.id}`);
        expectStatus(response, 200);
        expect(response.body).toEqual(created);
        expect(response.text).not.toContain(secret);
      });

      it('should answer 404 for an unknown token id', async () => {
        expectStatus(await t.as(form.bearer).get(`${form.base}/${randomUUID()}`), 404);
      });

      it('should answer 400 naming patId for an id that is not a UUID', async () => {
        expectBadRequestNaming(await t.as(form.bearer).get(`${form.base}/42`), 'patId');
      });
    });

    describe('delete', () => {
      it('should answer 200 with the deleted token, whose secret answers 401 at once', async () => {
        const created = await create({ allProjects: false, projects: [projectB.id] });
        // Used once, so that the principal cache holds it: the delete must reach the cache too.
        expect(await works(created.token)).toBe(200);
        const response = await t.as(form.bearer).delete(`${form.base}/${created.id}`);
        expectStatus(response, 200);
        expect(response.body).toMatchObject({
          id: created.id,
          note: created.note,
          permissions: created.permissions,
          allProjects: false,
          projects: created.projects,
          user: created.user,
          createdAt: created.createdAt,
          expiresAt: created.expiresAt,
        });
        expect(response.body).not.toHaveProperty('token');
        expect(response.text).not.toContain(created.token);
        expect(await works(created.token)).toBe(401);
      });

      it('should forget the deleted token: 404 on get, delete and regenerate, absent from the list', async () => {
        const created = await create();
        expectStatus(await t.as(form.bearer).delete(`${form.base}/${created.id}`), 200);
        const path = `${form.base}/${created.id}`;
        expectStatus(await t.as(form.bearer).get(path), 404);
        expectStatus(await t.as(form.bearer).delete(path), 404);
        expectStatus(await regenerate(created.id), 404);
        expect((await list()).map((token) => token.id)).not.toContain(created.id);
      });
    });

    describe('regenerate', () => {
      it('should answer 200 with the same id, a new secret and a new expiry', async () => {
        const created = await create({
          allProjects: false,
          projects: [projectA.id],
          expiry: 'month',
        });
        await sleep(5);
        const response = await regenerate(created.id);
        expectStatus(response, 200);
        const body = response.body as CreatedTokenBody;
        expect(body.id).toBe(created.id);
        expect(body.token).toMatch(SECRET);
        expect(body.token).not.toBe(created.token);
        expect(body.expiresAt).not.toBe(created.expiresAt);
        expect(Date.parse(body.expiresAt!) - Date.parse(body.updatedAt)).toBe(7 * DAY_MS);
        expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
        expect(body).toMatchObject({
          note: created.note,
          permissions: created.permissions,
          allProjects: created.allProjects,
          projects: created.projects,
          user: created.user,
          createdAt: created.createdAt,
        });
        const read = await t.as(form.bearer).get(`${form.base}/${created.id}`);
        expect(read.body.expiresAt).toBe(body.expiresAt);
      });

      it('should stop the old secret at once and make the new one work', async () => {
        const created = await create();
        expect(await works(created.token)).toBe(200);
        const response = await regenerate(created.id);
        expectStatus(response, 200);
        expect(await works(created.token)).toBe(401);
        expect(await works(response.body.token as string)).toBe(200);
      });

      it('should store neither the new secret nor the old one in clear', async () => {
        const created = await create();
        const response = await regenerate(created.id);
        expectStatus(response, 200);
        const dump = await databaseDump(t);
        expect(dump).not.toContain(created.token);
        expect(dump).not.toContain(response.body.token);
      });

      it('should move the expiry forward when regenerated with the same one', async () => {
        const created = await create({ expiry: 'week' });
        await sleep(5);
        const response = await regenerate(created.id);
        expectStatus(response, 200);
        expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.parse(created.expiresAt!));
      });

      it('should answer expiresAt null when regenerated as indefinite', async () => {
        const created = await create({ expiry: 'week' });
        const response = await regenerate(created.id, { expiry: 'indefinite' });
        expectStatus(response, 200);
        expect(response.body.expiresAt).toBeNull();
      });

      it.each<[string, Json, string]>([
        ['no expiry', {}, 'expiry'],
        ['an unknown expiry', { expiry: 'forever' }, 'expiry'],
        ['a new note', { expiry: 'week', note: 'renamed' }, 'note'],
        ['new permissions', { expiry: 'week', permissions: ['owner'] }, 'permissions'],
        ['allProjects', { expiry: 'week', allProjects: true }, 'allProjects'],
      ])(
        'should answer 400 naming the field for %s, and keep the secret',
        async (_case, body, field) => {
          const created = await create();
          const response = await regenerate(created.id, body);
          expectBadRequestNaming(response, field);
          expect(await works(created.token)).toBe(200);
        },
      );

      it('should answer 404 for an unknown token id', async () => {
        const response = await regenerate(randomUUID());
        expectStatus(response, 404);
      });
    });

    describe('lastUsedAt and lastUsedIp', () => {
      it('should be null until the token is first used, then record when and from where', async () => {
        const created = await create();
        const read = () => t.as(form.bearer).get(`${form.base}/${created.id}`);
        await sleep(50);
        const unused = await read();
        expectStatus(unused, 200);
        expect(unused.body).toMatchObject({ lastUsedAt: null, lastUsedIp: null });

        const before = Date.now();
        expect(await works(created.token)).toBe(200);
        const after = Date.now();
        // The last use is written off the request's path: wait for it.
        const used = await eventually(read, (response) => response.body.lastUsedAt !== null);
        expect(used.body.lastUsedAt).toMatch(ISO);
        expect(Date.parse(used.body.lastUsedAt)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(used.body.lastUsedAt)).toBeLessThanOrEqual(after);
        expect(used.body.lastUsedIp).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
        // A bookkeeping write, not an edit of the token.
        expect(used.body.updatedAt).toBe(created.updatedAt);
      });
    });

    describe("another user's token", () => {
      it('should answer 404 to get, delete and regenerate, and leave it working', async () => {
        const path = `${form.base}/${form.foreign.tokenId}`;
        const read = await t.as(form.bearer).get(path);
        expectStatus(read, 404);
        expect(read.text).not.toContain(form.foreign.userId);
        expectStatus(await t.as(form.bearer).delete(path), 404);
        expectStatus(await regenerate(form.foreign.tokenId), 404);
        expect(await works(form.foreign.token)).toBe(200);
      });
    });
  });

  describe('no escalation through the own path', () => {
    const base = '/api/personal-access-tokens';
    /** releases (a family) and one documents permission, on project A, for a month. */
    let narrow: IssuedToken;
    /** A broader token of the same user: owner on all projects. */
    let broad: IssuedToken;

    beforeAll(async () => {
      const email = uniqueEmail('narrow');
      broad = await t.createPerson(email, 'admin', {
        permissions: ['owner'],
        allProjects: true,
        expiry: 'year',
      });
      const provisioning = t.app.get(ProvisioningService);
      narrow = await provisioning.createToken({
        email,
        note: 'narrow',
        permissions: ['releases', 'documents:view-content'],
        allProjects: false,
        projects: [projectA.id],
        expiry: 'month',
      });
    });

    const count = async () => {
      const response = await t.as(broad.token).get(base);
      expectStatus(response, 200);
      return (response.body as TokenBody[]).length;
    };
    const within = (overrides: Json = {}): Json => ({
      note: 'within',
      permissions: ['releases:deploy', 'documents:view-content'],
      allProjects: false,
      projects: [projectA.id],
      expiry: 'week',
      ...overrides,
    });

    it('should let a narrow token mint a token within itself', async () => {
      const response = await t.as(narrow.token).post(base).send(within());
      expectStatus(response, 201);
      const projects = (response.body as TokenBody).projects.map((project) => project.id);
      expect(projects).toEqual([projectA.id]);
    });

    it('should let a family permission mint the permissions of its family', async () => {
      const response = await t
        .as(narrow.token)
        .post(base)
        .send(within({ permissions: ['releases:deploy', 'releases:manage', 'releases:delete'] }));
      expectStatus(response, 201);
    });

    it.each<[string, () => Json]>([
      ['a permission it lacks', () => ({ permissions: ['releases', 'project:manage'] })],
      ['owner', () => ({ permissions: ['owner'] })],
      ['a whole family it holds one permission of', () => ({ permissions: ['documents'] })],
      ['allProjects', () => ({ allProjects: true, projects: [] })],
      ['another project', () => ({ projects: [projectB.id] })],
      ['its project and another', () => ({ projects: [projectA.id, projectB.id] })],
      ['a later expiry', () => ({ expiry: 'three_months' })],
      ['no expiry', () => ({ expiry: 'indefinite' })],
    ])(
      'should answer 403 to a narrow token minting %s, and create nothing',
      async (_case, patch) => {
        const before = await count();
        const response = await t.as(narrow.token).post(base).send(within(patch()));
        expectStatus(response, 403);
        expect(await count()).toBe(before);
      },
    );

    it('should answer 403 to a narrow token regenerating a broader token of its user', async () => {
      const response = await t
        .as(narrow.token)
        .post(`${base}/${broad.tokenId}/regenerate`)
        .send({ expiry: 'week' });
      expectStatus(response, 403);
      expect(response.body).not.toHaveProperty('token');
      expect(await works(broad.token)).toBe(200);
    });

    it('should answer 403 to a narrow token deleting a broader token of its user', async () => {
      expectStatus(await t.as(narrow.token).delete(`${base}/${broad.tokenId}`), 403);
      expect(await works(broad.token)).toBe(200);
    });

    it('should let a narrow token delete a token no broader than itself', async () => {
      const minted = await t.as(narrow.token).post(base).send(within());
      expectStatus(minted, 201);
      expectStatus(await t.as(narrow.token).delete(`${base}/${minted.body.id}`), 200);
      expect(await works(minted.body.token as string)).toBe(401);
    });

    it('should let a token regenerate itself with a longer preset: renewing itself is not escalation', async () => {
      const minted = await t
        .as(narrow.token)
        .post(base)
        .send(within({ expiry: 'week' }));
      expectStatus(minted, 201);
      const self = minted.body as CreatedTokenBody;
      const path = `${base}/${self.id}/regenerate`;

      const renewed = await t.as(self.token).post(path).send({ expiry: 'month' });

      expectStatus(renewed, 200);
      expect(Date.parse((renewed.body as CreatedTokenBody).expiresAt!)).toBeGreaterThan(
        Date.now() + 29 * DAY_MS,
      );
      expect(await works(self.token)).toBe(401);
      expect(await works((renewed.body as CreatedTokenBody).token)).toBe(200);
    });

    it('should let a narrow token read the broader tokens of its user, without secrets', async () => {
      const response = await t.as(narrow.token).get(`${base}/${broad.tokenId}`);
      expectStatus(response, 200);
      expect(response.text).not.toContain(broad.token);
    });
  });

  describe('the service-user path with anything but a service user', () => {
    let person: IssuedToken;

    beforeAll(async () => {
      person = await t.createPerson(uniqueEmail('person'), 'member');
    });

    const ownTokenCount = async () => {
      const response = await t.as(person.token).get('/api/personal-access-tokens');
      expectStatus(response, 200);
      return (response.body as TokenBody[]).length;
    };

    it.each([
      ['list', 'get', ''],
      ['create', 'post', ''],
      ['get', 'get', '/{patId}'],
      ['delete', 'delete', '/{patId}'],
      ['regenerate', 'post', '/{patId}/regenerate'],
    ] as const)(
      "should answer 404 to %s with a person's id, and leave the person's tokens alone",
      async (_name, method, suffix) => {
        const before = await ownTokenCount();
        const path = `/api/users/service/${person.userId}/personal-access-tokens${suffix.replace('{patId}', person.tokenId)}`;
        const call = t.as(t.owner.token)[method](path);
        const response = await (method === 'post' ? call.send(bodyFor(suffix)) : call);
        expectStatus(response, 404);
        expect(response.text).not.toContain(person.tokenId);
        expect(await works(person.token)).toBe(200);
        expect(await ownTokenCount()).toBe(before);
      },
    );

    it.each([
      ['list', 'get', ''],
      ['create', 'post', ''],
      ['get', 'get', `/${randomUUID()}`],
      ['delete', 'delete', `/${randomUUID()}`],
      ['regenerate', 'post', `/${randomUUID()}/regenerate`],
    ] as const)('should answer 404 to %s for an unknown user', async (_name, method, suffix) => {
      const path = `/api/users/service/${randomUUID()}/personal-access-tokens${suffix}`;
      const call = t.as(t.owner.token)[method](path);
      expectStatus(await (method === 'post' ? call.send(bodyFor(suffix)) : call), 404);
    });

    it('should answer 400 naming userId for a user id that is not a UUID', async () => {
      const response = await t
        .as(t.owner.token)
        .get('/api/users/service/me/personal-access-tokens');
      expectBadRequestNaming(response, 'userId');
    });
  });
});

/*
 * One application at a time: Passport keeps strategies in a process-wide registry, so the last
 * application created in a process authenticates the requests of every other one. Each describe
 * below starts its own, after the one above has closed.
 */
describe('Personal access tokens with TOKEN_MAX_LIFETIME_DAYS=30', () => {
  let app: NestFastifyApplication | undefined;
  let owner: IssuedToken;
  let serviceBase: string;

  const as = (secret: string) => ({
    get: (path: string) =>
      request(app!.getHttpServer()).get(path).set('Authorization', `Bearer ${secret}`),
    post: (path: string) =>
      request(app!.getHttpServer()).post(path).set('Authorization', `Bearer ${secret}`),
  });

  beforeAll(async () => {
    // Read once, when the application starts: this describe starts one of its own.
    process.env.TOKEN_MAX_LIFETIME_DAYS = '30';
    app = await createApp();
    owner = await app.get(ProvisioningService).createAdmin({
      email: uniqueEmail('max-lifetime-owner'),
      type: 'owner',
      expiry: 'month',
    });
    const serviceUser = await as(owner.token)
      .post('/api/users/service')
      .send({ email: uniqueEmail('max-lifetime-bot') });
    expectStatus(serviceUser, 201);
    serviceBase = `/api/users/service/${serviceUser.body.id}/personal-access-tokens`;
  });

  afterAll(async () => {
    delete process.env.TOKEN_MAX_LIFETIME_DAYS;
    await app?.close();
  });

  const bases = () => [
    ['own', '/api/personal-access-tokens'],
    ['service user', serviceBase],
  ];

  it.each(['three_months', 'year', 'indefinite'])(
    'should answer 400 naming expiry to a create with %s, on both paths',
    async (expiry) => {
      for (const [, base] of bases()) {
        const response = await as(owner.token).post(base).send(validBody({ expiry }));
        expectBadRequestNaming(response, 'expiry');
        expect(JSON.stringify(response.body)).toContain('30');
      }
    },
  );

  it('should accept expiries up to the maximum', async () => {
    expectStatus(
      await as(owner.token)
        .post(serviceBase)
        .send(validBody({ expiry: 'month' })),
      201,
    );
    // On the own path a month would also outlive the caller's own month token: a week.
    expectStatus(
      await as(owner.token)
        .post('/api/personal-access-tokens')
        .send(validBody({ expiry: 'week' })),
      201,
    );
  });

  it.each(['year', 'indefinite'])(
    'should answer 400 naming expiry to a regenerate with %s, and keep the secret',
    async (expiry) => {
      const created = await as(owner.token)
        .post(serviceBase)
        .send(validBody({ expiry: 'week' }));
      expectStatus(created, 201);
      const response = await as(owner.token)
        .post(`${serviceBase}/${created.body.id}/regenerate`)
        .send({ expiry });
      expectBadRequestNaming(response, 'expiry');
      expectStatus(await as(created.body.token as string).get('/api/profile'), 200);
    },
  );
});

describe('Personal access tokens across a graceful shutdown', () => {
  it('should finish a last-use write still in flight before the application closes', async () => {
    const first = await TestApp.start();
    // On PostgreSQL another connection holds the token's row, so that the last-use write (made off
    // the request's path) is still waiting when the application closes. SQLite writes
    // synchronously: there no write can be in flight.
    let blocker: Client | undefined;
    if (first.kind === 'postgres') {
      blocker = new Client({ connectionString: process.env.DATABASE_URL });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM personal_access_tokens WHERE id = $1 FOR UPDATE', [
        first.owner.tokenId,
      ]);
    }
    let used: request.Response;
    let released = 0;
    let closed = 0;
    try {
      used = await first.as(first.owner.token).get('/api/profile');
    } finally {
      const closing = first.close().then(() => {
        closed = Date.now();
      });
      if (blocker) {
        await sleep(200);
        released = Date.now();
        await blocker.query('COMMIT');
        await blocker.end();
      }
      await closing;
    }
    expectStatus(used, 200);
    // Closed only once the write could finish, not by cutting its connection.
    expect(closed).toBeGreaterThanOrEqual(released);
    const second = await TestApp.start();
    try {
      const [row] = await query<{ last_used_at: unknown }>(
        second,
        'SELECT last_used_at FROM personal_access_tokens WHERE id = ?',
        [first.owner.tokenId],
      );
      expect(row.last_used_at).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});
