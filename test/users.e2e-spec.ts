import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Organisation } from '../src/modules/organisations/entities/organisation.entity';
import { ProvisioningService } from '../src/modules/provisioning/provisioning.service';
import {
  expectBadRequestNaming,
  ISO,
  Json,
  PageBody,
  query,
  unique,
  uniqueEmail,
  USER_FIELDS,
  UserBody,
  UUID,
} from './support/spec-helpers';
import { expectStatus } from './support/http';
import { IssuedToken, TestApp } from './support/test-app';

describe('Users and profile', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  const asOwner = () => t.as(t.owner.token);
  /** 200 from the profile route: the secret authenticates now. */
  const works = async (secret: string) => (await t.as(secret).get('/api/profile')).status;
  const getUser = async (id: string): Promise<UserBody> => {
    const response = await asOwner().get(`/api/users/${id}`);
    expectStatus(response, 200);
    return response.body as UserBody;
  };
  const listUsers = async (search: string): Promise<PageBody<UserBody>> => {
    const response = await asOwner().get(`/api/users?${search}`);
    expectStatus(response, 200);
    return response.body as PageBody<UserBody>;
  };
  const idsOf = (page: PageBody<UserBody>) => page.results.map((user) => user.id);

  describe('GET /api/users', () => {
    // Three people then two service users, all with the marker in their email, oldest first.
    const marker = unique('pager');
    let ordered: string[];
    let people: string[];
    let bots: string[];

    beforeAll(async () => {
      people = [];
      bots = [];
      for (let i = 0; i < 3; i++) {
        people.push((await t.createPerson(`${marker}-person-${i}@example.com`, 'member')).userId);
        await sleep(3);
      }
      for (let i = 0; i < 2; i++) {
        bots.push((await t.createServiceUser(`${marker}-bot-${i}@example.com`)).id);
        await sleep(3);
      }
      ordered = [...people, ...bots];
    });

    it('should answer {results, paginate} with the documented fields, oldest first', async () => {
      const page = await listUsers(`search=${marker}`);
      expect(Object.keys(page).sort()).toEqual(['paginate', 'results']);
      expect(page.paginate).toEqual({ current: 1, from: 1, to: 5, total: 5, pageSize: 20 });
      expect(idsOf(page)).toEqual(ordered);
      for (const user of page.results) {
        expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
        expect(user.createdAt).toMatch(ISO);
      }
    });

    it('should page through the users with page and perPage', async () => {
      const pages = [];
      for (const page of [1, 2, 3, 4]) {
        pages.push(await listUsers(`search=${marker}&perPage=2&page=${page}`));
      }
      expect(pages.map((page) => page.paginate)).toEqual([
        { current: 1, from: 1, to: 2, total: 5, pageSize: 2 },
        { current: 2, from: 3, to: 4, total: 5, pageSize: 2 },
        { current: 3, from: 5, to: 5, total: 5, pageSize: 2 },
        { current: 4, from: 0, to: 0, total: 5, pageSize: 2 },
      ]);
      expect(pages.flatMap(idsOf)).toEqual(ordered);
    });

    it('should accept perPage 100', async () => {
      const page = await listUsers('perPage=100');
      expect(page.paginate.pageSize).toBe(100);
      expect(page.results.length).toBe(Math.min(100, page.paginate.total));
    });

    it.each([
      ['perPage', 'perPage=101'],
      ['perPage', 'perPage=0'],
      ['perPage', 'perPage=ten'],
      ['perPage', 'perPage=2.5'],
      ['page', 'page=0'],
      ['page', 'page=-1'],
      ['page', 'page=first'],
      ['isService', 'isService=yes'],
      ['search', `search=${'x'.repeat(101)}`],
      ['sort', 'sort=email'],
    ])('should answer 400 naming %s for %s', async (field, search) => {
      expectBadRequestNaming(await asOwner().get(`/api/users?${search}`), field);
    });

    it('should search first and last names, case-insensitively', async () => {
      const tag = unique('n').replace(/-/g, '');
      expectStatus(
        await asOwner()
          .put(`/api/users/${people[1]}`)
          .send({ firstName: `Grace${tag}`, lastName: `Hopper${tag}` }),
        200,
      );
      expect(idsOf(await listUsers(`search=GRACE${tag}`))).toEqual([people[1]]);
      expect(idsOf(await listUsers(`search=hopper${tag.toUpperCase()}`))).toEqual([people[1]]);
    });

    it('should search emails by any part of them', async () => {
      expect(idsOf(await listUsers(`search=${marker}-BOT-1@EXAMPLE`))).toEqual([bots[1]]);
      const none = await listUsers(`search=${marker}-nobody`);
      expect(none).toEqual({
        results: [],
        paginate: { current: 1, from: 0, to: 0, total: 0, pageSize: 20 },
      });
    });

    it('should take % and _ in a search literally', async () => {
      expect((await listUsers(`search=${marker}%25`)).paginate.total).toBe(0);
      expect((await listUsers(`search=${marker.replace('-', '_')}`)).paginate.total).toBe(0);
    });

    it('should filter on service users with isService', async () => {
      expect(idsOf(await listUsers(`search=${marker}&isService=true`))).toEqual(bots);
      expect(idsOf(await listUsers(`search=${marker}&isService=false`))).toEqual(people);
      const everyService = await listUsers('isService=true&perPage=100');
      expect(everyService.results.every((user) => user.isService)).toBe(true);
      expect(idsOf(everyService)).toEqual(expect.arrayContaining(bots));
      const everyPerson = await listUsers('isService=false&perPage=100');
      expect(everyPerson.results.every((user) => !user.isService)).toBe(true);
      expect(idsOf(everyPerson)).toContain(t.owner.userId);
    });
  });

  describe('POST /api/users/service', () => {
    const createService = (body: Json) => asOwner().post('/api/users/service').send(body);

    it('should create an active member service user by default', async () => {
      const email = uniqueEmail('bot');
      const response = await createService({ email });
      expectStatus(response, 201);
      const body = response.body as UserBody;
      expect(Object.keys(body).sort()).toEqual(USER_FIELDS);
      expect(body).toMatchObject({
        email,
        type: 'member',
        status: 'active',
        isService: true,
        firstName: null,
        lastName: null,
      });
      expect(body.id).toMatch(UUID);
      expect(body.createdAt).toMatch(ISO);
      expect(body.updatedAt).toBe(body.createdAt);
      expect(await getUser(body.id)).toEqual(body);
    });

    it('should create an admin service user', async () => {
      const response = await createService({ email: uniqueEmail('admin-bot'), type: 'admin' });
      expectStatus(response, 201);
      expect(response.body).toMatchObject({ type: 'admin', isService: true });
    });

    it('should keep the email trimmed and lower-cased', async () => {
      const email = uniqueEmail('Mixed.Case');
      const response = await createService({ email: `  ${email.toUpperCase()} ` });
      expectStatus(response, 201);
      expect(response.body.email).toBe(email.toLowerCase());
    });

    it('should answer 409 to a duplicate email, whatever its case, and create nothing', async () => {
      const email = uniqueEmail('twice');
      expectStatus(await createService({ email }), 201);
      expectStatus(await createService({ email: email.toUpperCase() }), 409);
      expectStatus(await createService({ email, type: 'admin' }), 409);
      expect((await listUsers(`search=${email}`)).paginate.total).toBe(1);
    });

    it("should answer 409 to a person's email", async () => {
      const owner = await t.as(t.owner.token).get('/api/profile');
      expectStatus(await createService({ email: owner.body.email }), 409);
      expect(await getUser(t.owner.userId)).toMatchObject({ isService: false, type: 'owner' });
    });

    it('should answer exactly one 201 and one 409 to two racing creates of one email', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all([
        createService({ email }),
        createService({ email: email.toUpperCase() }),
      ]);
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      expect((await listUsers(`search=${email}`)).paginate.total).toBe(1);
    });

    it.each<[string, Json, string]>([
      ['no email', { email: undefined }, 'email'],
      ['an empty email', { email: '' }, 'email'],
      ['an email without @', { email: 'bot.example.com' }, 'email'],
      ['an email that is a number', { email: 42 }, 'email'],
      ['an email of 255 characters', { email: `${'a'.repeat(243)}@example.com` }, 'email'],
      ['type owner', { type: 'owner' }, 'type'],
      ['type author', { type: 'author' }, 'type'],
      ['type invited', { type: 'invited' }, 'type'],
      ['type null', { type: null }, 'type'],
      ['an upper-case type', { type: 'ADMIN' }, 'type'],
      ['isService', { isService: false }, 'isService'],
      ['a status', { status: 'active' }, 'status'],
      ['a first name', { firstName: 'Robo' }, 'firstName'],
    ])(
      'should answer 400 naming the field for %s, and create nothing',
      async (_case, patch, field) => {
        const email = uniqueEmail('refused');
        const response = await createService({ email, ...patch });
        expectBadRequestNaming(response, field);
        expect((await listUsers(`search=${email}`)).paginate.total).toBe(0);
      },
    );
  });

  describe('GET /api/users/{userId}', () => {
    it('should answer a person and a service user', async () => {
      const person = await t.createPerson(uniqueEmail('read-person'), 'author');
      const bot = await t.createServiceUser(uniqueEmail('read-bot'));
      expect(await getUser(person.userId)).toMatchObject({
        id: person.userId,
        type: 'author',
        isService: false,
      });
      expect(await getUser(bot.id)).toMatchObject({ id: bot.id, type: 'member', isService: true });
    });

    it('should accept an upper-case id as the same user', async () => {
      const response = await asOwner().get(`/api/users/${t.owner.userId.toUpperCase()}`);
      expectStatus(response, 200);
      expect(response.body.id).toBe(t.owner.userId);
    });

    it('should answer 404 for an unknown user', async () => {
      expectStatus(await asOwner().get(`/api/users/${randomUUID()}`), 404);
    });

    it('should answer 400 naming userId for an id that is not a UUID', async () => {
      expectBadRequestNaming(await asOwner().get('/api/users/12345'), 'userId');
    });
  });

  describe('PUT /api/users/{userId}', () => {
    const update = (id: string, body: Json, as = t.owner.token) =>
      t.as(as).put(`/api/users/${id}`).send(body);

    describe('names', () => {
      it('should set, trim and clear first and last names', async () => {
        const person = await t.createPerson(uniqueEmail('names'), 'member');
        const before = await getUser(person.userId);
        await sleep(5);
        const set = await update(person.userId, { firstName: '  Ada ', lastName: 'Lovelace' });
        expectStatus(set, 200);
        expect(set.body).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
        expect(Date.parse(set.body.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
        expect(set.body.createdAt).toBe(before.createdAt);
        const cleared = await update(person.userId, { firstName: null });
        expectStatus(cleared, 200);
        expect(cleared.body).toMatchObject({ firstName: null, lastName: 'Lovelace' });
        expect(await getUser(person.userId)).toEqual(cleared.body);
      });

      it('should answer the user unchanged to an empty body', async () => {
        const person = await t.createPerson(uniqueEmail('unchanged'), 'member');
        const before = await getUser(person.userId);
        const response = await update(person.userId, {});
        expectStatus(response, 200);
        expect(response.body).toEqual(before);
      });
    });

    it.each<[string, Json, string]>([
      ['an empty first name', { firstName: '' }, 'firstName'],
      ['a first name of spaces', { firstName: '   ' }, 'firstName'],
      ['a first name of 101 characters', { firstName: 'x'.repeat(101) }, 'firstName'],
      ['a first name that is a number', { firstName: 42 }, 'firstName'],
      ['a last name of 101 characters', { lastName: 'x'.repeat(101) }, 'lastName'],
      ['an unknown status', { status: 'deleted' }, 'status'],
      ['status null', { status: null }, 'status'],
      ['an unknown type', { type: 'superuser' }, 'type'],
      ['type null', { type: null }, 'type'],
      ['type invited', { type: 'invited' }, 'type'],
      ['an email', { email: 'new@example.com' }, 'email'],
      ['isService', { isService: true }, 'isService'],
      ['an id', { id: randomUUID() }, 'id'],
    ])(
      'should answer 400 naming the field for %s, and change nothing',
      async (_case, body, field) => {
        const person = await t.createPerson(uniqueEmail('bad-update'), 'member');
        const before = await getUser(person.userId);
        expectBadRequestNaming(await update(person.userId, body), field);
        expect(await getUser(person.userId)).toEqual(before);
      },
    );

    it('should list the types an admin may give, not invited, when the type is unknown', async () => {
      const person = await t.createPerson(uniqueEmail('type-choice'), 'member');
      const response = await update(person.userId, { type: 'superuser' });
      expectStatus(response, 400);
      expect(response.body.message).toEqual([
        'type must be one of the following values: owner, admin, author, member',
      ]);
    });

    it('should answer 404 for an unknown user', async () => {
      expectStatus(await update(randomUUID(), { firstName: 'Nobody' }), 404);
    });

    it('should answer 400 naming userId for an id that is not a UUID', async () => {
      expectBadRequestNaming(await update('me', { firstName: 'Me' }), 'userId');
    });

    describe('status', () => {
      it.each(['disabled', 'locked'])(
        "should make a %s user's tokens answer 401 at once, and work again at once when re-enabled",
        async (status) => {
          const email = uniqueEmail(status);
          const person = await t.createPerson(email, 'admin');
          const second = await t.app.get(ProvisioningService).createToken({
            email,
            note: 'second',
            permissions: ['releases:deploy'],
            allProjects: true,
            projects: [],
            expiry: 'week',
          });
          // Both used first, so that the principal cache holds them.
          expect(await works(person.token)).toBe(200);
          expect(await works(second.token)).toBe(200);

          const disabled = await update(person.userId, { status });
          expectStatus(disabled, 200);
          expect(disabled.body.status).toBe(status);
          for (const secret of [person.token, second.token]) {
            expect(await works(secret)).toBe(401);
            expectStatus(await t.as(secret).get('/api/personal-access-tokens'), 401);
          }
          expectStatus(await t.as(person.token).get('/api/users'), 401);

          expectStatus(await update(person.userId, { status: 'active' }), 200);
          expect(await works(person.token)).toBe(200);
          expect(await works(second.token)).toBe(200);
          expectStatus(await t.as(person.token).get('/api/users'), 200);
        },
      );

      it("should make a disabled service user's tokens answer 401 at once", async () => {
        const bot = await t.createServiceUser(uniqueEmail('disabled-bot'), 'admin');
        const issued = await t.createServiceUserToken(bot.id);
        expect(await works(issued.token)).toBe(200);
        expectStatus(await update(bot.id, { status: 'disabled' }), 200);
        expect(await works(issued.token)).toBe(401);
        expectStatus(await update(bot.id, { status: 'active' }), 200);
        expect(await works(issued.token)).toBe(200);
      });
    });

    describe('type', () => {
      it("should change a person's type", async () => {
        const person = await t.createPerson(uniqueEmail('climber'), 'member');
        for (const type of ['author', 'admin', 'member']) {
          const response = await update(person.userId, { type });
          expectStatus(response, 200);
          expect(response.body.type).toBe(type);
          expect((await getUser(person.userId)).type).toBe(type);
        }
      });

      it('should give admin rights at once on promotion, and take them away at once on demotion', async () => {
        const person = await t.createPerson(uniqueEmail('promoted'), 'member', {
          permissions: ['owner'],
          allProjects: true,
        });
        expectStatus(await t.as(person.token).get('/api/users'), 403);
        expectStatus(await update(person.userId, { type: 'admin' }), 200);
        expectStatus(await t.as(person.token).get('/api/users'), 200);
        expect((await t.as(person.token).get('/api/profile')).body.type).toBe('admin');
        expectStatus(await update(person.userId, { type: 'member' }), 200);
        expectStatus(await t.as(person.token).get('/api/users'), 403);
      });

      it.each(['owner', 'author', 'invited'])(
        'should answer 400 naming type when a service user would become %s',
        async (type) => {
          const bot = await t.createServiceUser(uniqueEmail('typed-bot'));
          expectBadRequestNaming(await update(bot.id, { type }), 'type');
          expect((await getUser(bot.id)).type).toBe('member');
        },
      );

      it('should let an admin make a service user an admin', async () => {
        const admin = await t.createPerson(uniqueEmail('admin'), 'admin');
        const bot = await t.createServiceUser(uniqueEmail('to-admin-bot'));
        const response = await update(bot.id, { type: 'admin' }, admin.token);
        expectStatus(response, 200);
        expect(response.body.type).toBe('admin');
      });
    });

    describe('owners', () => {
      let admin: IssuedToken;
      let otherOwner: IssuedToken;

      beforeAll(async () => {
        admin = await t.createPerson(uniqueEmail('plain-admin'), 'admin');
        otherOwner = await t.createPerson(uniqueEmail('second-owner'), 'owner');
      });

      it('should answer 403 to an admin making someone an owner', async () => {
        const member = await t.createPerson(uniqueEmail('would-be-owner'), 'member');
        expectStatus(await update(member.userId, { type: 'owner' }, admin.token), 403);
        expect((await getUser(member.userId)).type).toBe('member');
      });

      it.each<[string, Json]>([
        ['type', { type: 'admin' }],
        ['status to disabled', { status: 'disabled' }],
        ['status to locked', { status: 'locked' }],
      ])("should answer 403 to an admin changing an owner's %s", async (_case, body) => {
        expectStatus(await update(otherOwner.userId, body, admin.token), 403);
        expect(await getUser(otherOwner.userId)).toMatchObject({ type: 'owner', status: 'active' });
        expect(await works(otherOwner.token)).toBe(200);
      });

      it("should let an admin change an owner's names, which are no privilege", async () => {
        const response = await update(otherOwner.userId, { lastName: 'Renamed' }, admin.token);
        expectStatus(response, 200);
        expect(response.body).toMatchObject({ lastName: 'Renamed', type: 'owner' });
      });

      it('should let an owner make an admin an owner, and make them an admin again', async () => {
        const promoted = await t.createPerson(uniqueEmail('new-owner'), 'admin');
        expectStatus(await update(promoted.userId, { type: 'owner' }, otherOwner.token), 200);
        expect((await getUser(promoted.userId)).type).toBe('owner');
        expectStatus(await update(promoted.userId, { type: 'admin' }, otherOwner.token), 200);
        expect((await getUser(promoted.userId)).type).toBe('admin');
      });

      it.each<[string, 'owner' | 'admin', Json]>([
        ['an owner', 'owner', { type: 'admin' }],
        ['an owner', 'owner', { status: 'disabled' }],
        ['an admin', 'admin', { type: 'member' }],
        ['an admin', 'admin', { status: 'locked' }],
      ])('should answer 403 to %s changing their own %j', async (_who, type, body) => {
        const self = await t.createPerson(uniqueEmail(`self-${type}`), type);
        expectStatus(await update(self.userId, body, self.token), 403);
        expect(await getUser(self.userId)).toMatchObject({ type, status: 'active' });
        expect(await works(self.token)).toBe(200);
      });
    });

    describe('the last active owner', () => {
      /** A new organisation whose only users are two active owners, a and b. */
      const twoOwners = async () => {
        const organisations = t.database.getRepository(Organisation);
        const organisation = await organisations.save(
          organisations.create({ name: unique('organisation') }),
        );
        const provisioning = t.app.get(ProvisioningService);
        const a = await provisioning.createAdmin(
          { email: uniqueEmail('owner-a'), type: 'owner', expiry: 'week' },
          organisation,
        );
        const b = await provisioning.createAdmin(
          { email: uniqueEmail('owner-b'), type: 'owner', expiry: 'week' },
          organisation,
        );
        return { organisationId: organisation.id, a, b };
      };
      const activeOwners = async (organisationId: string) => {
        const [row] = await query<{ count: number | string }>(
          t,
          "SELECT COUNT(*) AS count FROM users WHERE organisation_id = ? AND type = 'owner' AND status = 'active'",
          [organisationId],
        );
        return Number(row.count);
      };

      it('should let an owner demote the other owner, who then cannot demote them back', async () => {
        const { organisationId, a, b } = await twoOwners();
        expectStatus(await update(b.userId, { type: 'admin' }, a.token), 200);
        expectStatus(await update(a.userId, { type: 'admin' }, b.token), 403);
        expect(await activeOwners(organisationId)).toBe(1);
      });

      it.each<[string, Json, Json]>([
        ['demote each other', { type: 'admin' }, { type: 'member' }],
        ['disable each other', { status: 'disabled' }, { status: 'disabled' }],
        ['lock and demote each other', { status: 'locked' }, { type: 'admin' }],
      ])(
        'should keep one active owner when the only two owners %s at the same time',
        async (_case, first, second) => {
          for (let round = 0; round < 3; round++) {
            const { organisationId, a, b } = await twoOwners();
            const responses = await Promise.all([
              update(b.userId, first, a.token),
              update(a.userId, second, b.token),
            ]);
            const statuses = responses.map((response) => response.status).sort();
            expect(statuses[0]).toBe(200);
            // The loser is refused: no longer active (401), no longer an owner (403), or the
            // change would leave no active owner (409).
            expect([401, 403, 409]).toContain(statuses[1]);
            expect(await activeOwners(organisationId)).toBe(1);
          }
        },
      );
    });
  });

  describe('GET /api/profile', () => {
    it.each<[string, (app: TestApp) => Promise<{ token: string; userId: string }>, boolean]>([
      ['an owner', (app) => Promise.resolve(app.owner), false],
      ['a member', (app) => app.createPerson(uniqueEmail('profile-member'), 'member'), false],
      [
        'a narrow project-scoped token',
        async (app) => {
          const project = await app.createProject('Profile project', unique('profile'));
          return app.createPerson(uniqueEmail('profile-narrow'), 'author', {
            permissions: ['releases:deploy'],
            allProjects: false,
            projects: [project.id],
          });
        },
        false,
      ],
      [
        'a service user',
        async (app) => {
          const bot = await app.createServiceUser(uniqueEmail('profile-bot'));
          return app.createServiceUserToken(bot.id, { permissions: ['documents:view-content'] });
        },
        true,
      ],
    ])("should answer %s the caller's own user", async (_who, caller, isService) => {
      const { token, userId } = await caller(t);
      const response = await t.as(token).get('/api/profile');
      expectStatus(response, 200);
      expect(Object.keys(response.body as Json).sort()).toEqual(USER_FIELDS);
      expect(response.body).toMatchObject({ id: userId, isService, status: 'active' });
      expect(response.body).toEqual(await getUser(userId));
    });

    it('should show a change made by an admin at once', async () => {
      const person = await t.createPerson(uniqueEmail('profile-watch'), 'member');
      expect(await works(person.token)).toBe(200);
      expectStatus(
        await asOwner()
          .put(`/api/users/${person.userId}`)
          .send({ firstName: 'Changed', type: 'author' }),
        200,
      );
      const response = await t.as(person.token).get('/api/profile');
      expect(response.body).toMatchObject({ firstName: 'Changed', type: 'author' });
    });
  });

  describe('PUT /api/profile', () => {
    it('should update, trim and clear own names, and answer them at once everywhere', async () => {
      const person = await t.createPerson(uniqueEmail('own-names'), 'member');
      expect(await works(person.token)).toBe(200);
      const response = await t
        .as(person.token)
        .put('/api/profile')
        .send({ firstName: ' Grace ', lastName: 'Hopper' });
      expectStatus(response, 200);
      expect(response.body).toMatchObject({
        id: person.userId,
        firstName: 'Grace',
        lastName: 'Hopper',
        type: 'member',
      });
      expect((await t.as(person.token).get('/api/profile')).body).toEqual(response.body);
      expect(await getUser(person.userId)).toEqual(response.body);

      const cleared = await t.as(person.token).put('/api/profile').send({ lastName: null });
      expectStatus(cleared, 200);
      expect(cleared.body).toMatchObject({ firstName: 'Grace', lastName: null });
    });

    it("should let a narrow token update its user's names", async () => {
      const project = await t.createProject('Names project', unique('names'));
      const narrow = await t.createPerson(uniqueEmail('narrow-names'), 'member', {
        permissions: ['documents:view-content'],
        allProjects: false,
        projects: [project.id],
      });
      const response = await t.as(narrow.token).put('/api/profile').send({ firstName: 'Narrow' });
      expectStatus(response, 200);
      expect(response.body.firstName).toBe('Narrow');
    });

    it.each<[string, Json, string]>([
      ['a type', { type: 'owner' }, 'type'],
      ['a status', { status: 'active' }, 'status'],
      ['an email', { email: 'me@example.com' }, 'email'],
      ['isService', { isService: true }, 'isService'],
      ['an id', { id: randomUUID() }, 'id'],
      ['an empty first name', { firstName: '' }, 'firstName'],
      ['a last name of 101 characters', { lastName: 'x'.repeat(101) }, 'lastName'],
      ['a first name that is a list', { firstName: ['Ada'] }, 'firstName'],
    ])(
      'should answer 400 naming the field for %s, and change nothing',
      async (_case, body, field) => {
        const person = await t.createPerson(uniqueEmail('own-refused'), 'member');
        const before = await getUser(person.userId);
        const response = await t
          .as(person.token)
          .put('/api/profile')
          .send({ firstName: 'Sneaky', ...body });
        expectBadRequestNaming(response, field);
        expect(await getUser(person.userId)).toEqual(before);
      },
    );
  });
});
