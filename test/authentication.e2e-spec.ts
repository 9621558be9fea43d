import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { generateTokenSecret } from '../src/common/tokens/token-secret';
import {
  createAdminWithCli,
  IsolatedDatabase,
  processEnv,
  ServerProcess,
  stopAllServers,
} from './support/child-process';
import { expectStatus } from './support/http';
import { UUID } from './support/spec-helpers';
import { IssuedToken, TestApp } from './support/test-app';
const STACK_TRACE = /\n\s+at |node_modules|\/work\/|\.[jt]s:\d+|Error:/;

/** Starts a TestApp with some settings changed, and puts the environment back once it is built. */
async function startWith(settings: Record<string, string>): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  Object.assign(process.env, settings);
  try {
    return await TestApp.start();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  }
}

/** A secret with its last (checksum) character changed. */
function brokenChecksum(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
}

/** The one answer shared by every refused token but an expired one: it reveals nothing. */
function expectBearerChallenge(response: request.Response): void {
  expectStatus(response, 401);
  expect(response.headers['www-authenticate']).toBe(
    'Bearer realm="api", error="invalid_token", error_description="The token is not valid"',
  );
  expect(response.body).toEqual({
    statusCode: 401,
    message: 'A valid bearer token is required',
    error: 'Unauthorized',
  });
}

describe('authentication', () => {
  let t: TestApp;
  let bot: { id: string; email: string };
  const tokensOf = (userId: string) => `/api/users/service/${userId}/personal-access-tokens`;

  beforeAll(async () => {
    t = await TestApp.start();
    bot = await t.createServiceUser('auth-bot@example.com');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('401 with WWW-Authenticate: Bearer', () => {
    it('should refuse a secret whose checksum is broken', async () => {
      const issued = await t.createServiceUserToken(bot.id);
      expectStatus(await t.as(issued.token).get('/api/profile'), 200);
      expectBearerChallenge(await t.as(brokenChecksum(issued.token)).get('/api/profile'));
    });

    it('should refuse an expired secret', async () => {
      const issued = await t.createServiceUserToken(bot.id, { expiry: 'week' });
      const lookup = () =>
        t
          .as(t.owner.token)
          .post('/api/personal-access-tokens/lookup')
          .send({ token: issued.token });
      expect((await lookup()).body.status).toBe('active');
      await t.database.query(
        t.kind === 'postgres'
          ? "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1"
          : "UPDATE personal_access_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 second') WHERE id = ?",
        [issued.tokenId],
      );
      const looked = await lookup();
      expect(looked.body.status).toBe('expired');
      const expiredAt = looked.body.token.expiresAt as string;
      expect(new Date(expiredAt).getTime()).toBeLessThan(Date.now());
      // Said in the challenge and the body, so that a pipeline's log tells its owner what to do.
      for (const response of [
        await t.as(issued.token).get('/api/profile'),
        await t.as(issued.token).get('/api/auth/verify'),
      ]) {
        expectStatus(response, 401);
        expect(response.headers['www-authenticate']).toBe(
          `Bearer realm="api", error="invalid_token", error_description="The token expired at ${expiredAt}"`,
        );
        expect(response.body).toEqual({
          statusCode: 401,
          message: `The token expired at ${expiredAt}: regenerate it, or ask an admin for a new one (an expired token cannot renew itself)`,
          error: 'Unauthorized',
        });
      }
    });

    it('should answer an expired token of a disabled user like any other refused token', async () => {
      const user = await t.createServiceUser('expired-disabled-bot@example.com');
      const issued = await t.createServiceUserToken(user.id, { expiry: 'week' });
      await t.database.query(
        t.kind === 'postgres'
          ? "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1"
          : "UPDATE personal_access_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 second') WHERE id = ?",
        [issued.tokenId],
      );
      expectStatus(
        await t.as(t.owner.token).put(`/api/users/${user.id}`).send({ status: 'disabled' }),
        200,
      );
      expectBearerChallenge(await t.as(issued.token).get('/api/profile'));
    });

    it('should refuse a deleted secret at once', async () => {
      const issued = await t.createServiceUserToken(bot.id);
      expectStatus(await t.as(issued.token).get('/api/profile'), 200);
      expectStatus(await t.as(t.owner.token).delete(`${tokensOf(bot.id)}/${issued.tokenId}`), 200);
      expectBearerChallenge(await t.as(issued.token).get('/api/profile'));
    });

    it('should refuse a secret that a regenerate replaced, at once, and accept the new one', async () => {
      const issued = await t.createServiceUserToken(bot.id);
      expectStatus(await t.as(issued.token).get('/api/profile'), 200);
      const regenerated = await t
        .as(t.owner.token)
        .post(`${tokensOf(bot.id)}/${issued.tokenId}/regenerate`)
        .send({ expiry: 'week' });
      expectStatus(regenerated, 200);
      expectBearerChallenge(await t.as(issued.token).get('/api/profile'));
      expectStatus(await t.as(regenerated.body.token as string).get('/api/profile'), 200);
    });

    it.each(['disabled', 'locked'])(
      'should refuse the secret of a %s user at once, and accept it again once re-enabled',
      async (status) => {
        const user = await t.createServiceUser(`${status}-bot@example.com`);
        const issued = await t.createServiceUserToken(user.id);
        expectStatus(await t.as(issued.token).get('/api/profile'), 200);
        const setStatus = (value: string) =>
          t.as(t.owner.token).put(`/api/users/${user.id}`).send({ status: value });
        expectStatus(await setStatus(status), 200);
        expectBearerChallenge(await t.as(issued.token).get('/api/profile'));
        expectStatus(await setStatus('active'), 200);
        expectStatus(await t.as(issued.token).get('/api/profile'), 200);
      },
    );

    it('should refuse a well-formed secret of nobody and a malformed one', async () => {
      expectBearerChallenge(await t.as(generateTokenSecret()).get('/api/profile'));
      expectBearerChallenge(await t.as('opat_short').get('/api/profile'));
    });

    it('should challenge a request without a token, without error="invalid_token"', async () => {
      const response = await t.http().get('/api/profile');
      expectStatus(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });

  describe('tokens anywhere but the Authorization header', () => {
    let issued: IssuedToken;

    beforeAll(async () => {
      issued = await t.createServiceUserToken(bot.id, { note: 'header only' });
    });

    it('should accept the token in the Authorization header (the control)', async () => {
      expectStatus(await t.as(issued.token).get('/api/profile'), 200);
    });

    it('should never accept ?access_token=', async () => {
      const response = await t.http().get(`/api/profile?access_token=${issued.token}`);
      expectStatus(response, 401);
      expect(response.text).not.toContain(issued.token);
    });

    it('should never accept access_token in a JSON body', async () => {
      const response = await t
        .http()
        .put('/api/profile')
        .send({ access_token: issued.token, firstName: 'Eve' });
      expectStatus(response, 401);
      expect(response.text).not.toContain(issued.token);
    });

    it('should never accept the token in a cookie or another header', async () => {
      const response = await t
        .http()
        .get('/api/profile')
        .set('Cookie', `access_token=${issued.token}`)
        .set('Private-Token', issued.token)
        .set('X-Api-Key', issued.token);
      expectStatus(response, 401);
    });

    it('should not echo a token put in the query string of an unknown route', async () => {
      const response = await t.http().get(`/api/nowhere?access_token=${issued.token}`);
      expectStatus(response, 404);
      expect(response.body.message).toBe('Cannot GET /api/nowhere');
    });

    it('should not echo a token put in the query string of a malformed URL', async () => {
      const response = await t.http().get(`/api/projects/%E0%A4%A?access_token=${issued.token}`);
      expectStatus(response, 400);
      expect(response.text).not.toContain(issued.token);
      expect(response.body).toEqual({
        statusCode: 400,
        message: 'The URL has a malformed percent-encoding',
        error: 'Bad Request',
      });
    });
  });

  describe('POST /api/personal-access-tokens/lookup', () => {
    const lookup = (caller: string, body: unknown) =>
      t
        .as(caller)
        .post('/api/personal-access-tokens/lookup')
        .send(body as object);
    let issued: IssuedToken & { body: Record<string, unknown> };

    beforeAll(async () => {
      issued = await t.createServiceUserToken(bot.id, { note: 'looked up' });
    });

    it('should answer 200 with the token and its user for an active secret, never the secret', async () => {
      const response = await lookup(t.owner.token, { token: issued.token });
      expectStatus(response, 200);
      expect(response.body.status).toBe('active');
      expect(response.body.token).toMatchObject({
        id: issued.tokenId,
        note: 'looked up',
        user: { id: bot.id, email: bot.email, isService: true },
      });
      expect(response.body.token).not.toHaveProperty('token');
      expect(response.body.token).not.toHaveProperty('secretHash');
      expect(response.text).not.toContain(issued.token);
    });

    it('should answer status replaced for a secret that a regenerate replaced', async () => {
      const replaced = await t.createServiceUserToken(bot.id);
      expectStatus(
        await t
          .as(t.owner.token)
          .post(`${tokensOf(bot.id)}/${replaced.tokenId}/regenerate`)
          .send({ expiry: 'week' }),
        200,
      );
      const response = await lookup(t.owner.token, { token: replaced.token });
      expectStatus(response, 200);
      expect(response.body.status).toBe('replaced');
      expect(response.body.token.id).toBe(replaced.tokenId);
      expect(response.body.token.user.id).toBe(bot.id);
    });

    it('should answer 404 for a well-formed secret of nobody, and for a deleted token', async () => {
      expectStatus(await lookup(t.owner.token, { token: generateTokenSecret() }), 404);
      const deleted = await t.createServiceUserToken(bot.id);
      expectStatus(await t.as(t.owner.token).delete(`${tokensOf(bot.id)}/${deleted.tokenId}`), 200);
      expectStatus(await lookup(t.owner.token, { token: deleted.token }), 404);
    });

    it.each([
      ['a broken checksum', () => brokenChecksum(issued.token)],
      ['a secret cut short', () => issued.token.slice(0, -3)],
      ['a wrong prefix', () => `ghp_${issued.token.slice(5)}`],
      ['free text', () => 'my-leaked-password-1234'],
    ])('should answer 400 for %s without echoing it', async (_name, secret) => {
      const value = secret();
      const response = await lookup(t.owner.token, { token: value });
      expectStatus(response, 400);
      expect(response.text).not.toContain(value);
      expect(response.text).not.toContain(issued.token.slice(5, 40));
    });

    it('should answer 400 for a token that is not a string', async () => {
      expectStatus(await lookup(t.owner.token, { token: 12345 }), 400);
      expectStatus(await lookup(t.owner.token, {}), 400);
    });

    it('should answer 403 to a member, to an admin with a narrow token and to a member service user', async () => {
      const member = await t.createPerson('lookup-member@example.com', 'member');
      const narrowAdmin = await t.createPerson('lookup-admin@example.com', 'admin', {
        permissions: ['releases:deploy'],
        allProjects: true,
      });
      const memberBot = await t.createServiceUserToken(bot.id, { permissions: ['owner'] });
      for (const caller of [member.token, narrowAdmin.token, memberBot.token]) {
        const response = await lookup(caller, { token: issued.token });
        expectStatus(response, 403);
        expect(response.text).not.toContain(issued.token);
      }
    });

    it('should answer 401 without a token', async () => {
      const response = await t
        .http()
        .post('/api/personal-access-tokens/lookup')
        .send({ token: issued.token });
      expectStatus(response, 401);
    });
  });

  describe('error bodies', () => {
    it.each([
      ['a validation error', () => t.as(t.owner.token).post('/api/projects').send({ key: 1 }), 400],
      [
        'broken JSON',
        () =>
          t
            .as(t.owner.token)
            .post('/api/projects')
            .set('Content-Type', 'application/json')
            .send('{"name": '),
        400,
      ],
      ['no token', () => t.http().get('/api/projects'), 401],
      ['a refused token', () => t.as(generateTokenSecret()).get('/api/projects'), 401],
      [
        'a caller without the right',
        async () =>
          t.as((await t.createPerson('no-right@example.com', 'member')).token).get('/api/users'),
        403,
      ],
      ['an unknown route', () => t.as(t.owner.token).get('/api/nowhere'), 404],
      [
        'an unknown project',
        () => t.as(t.owner.token).get('/api/projects/3c90c3cc-0d44-4b50-8888-8dd25736052a'),
        404,
      ],
      [
        'an unsupported media type',
        () =>
          t
            .as(t.owner.token)
            .post('/api/projects')
            .set('Content-Type', 'application/xml')
            .send('<a/>'),
        415,
      ],
    ])('should carry no stack trace for %s', async (_name, send, status) => {
      const response = await send();
      expectStatus(response, status);
      expect(Object.keys(response.body as object).sort()).toEqual([
        'error',
        'message',
        'statusCode',
      ]);
      expect(response.text).not.toMatch(STACK_TRACE);
    });

    it('should answer 409 without internals', async () => {
      await t.createProject('Twice', 'twice');
      const response = await t
        .as(t.owner.token)
        .post('/api/projects')
        .send({ name: 'Twice', key: 'twice' });
      expectStatus(response, 409);
      expect(response.text).not.toMatch(STACK_TRACE);
      expect(response.text).not.toMatch(/UNIQUE|constraint|duplicate key|SQL/i);
    });
  });

  describe('HTTP hygiene', () => {
    it.each([
      ['a 200', () => t.as(t.owner.token).get('/api/profile'), 200],
      ['a 401', () => t.http().get('/api/profile'), 401],
      ['a 404', () => t.http().get('/api/nowhere'), 404],
      ['a public route', () => t.http().get('/health'), 200],
    ])('should send the secure headers and no X-Powered-By on %s', async (_name, send, status) => {
      const response = await send();
      expectStatus(response, status);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringMatching(/max-age=\d+/),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(response.headers).not.toHaveProperty('x-powered-by');
    });

    it('should answer 413 to a body over 1 MiB, and not to one just under it', async () => {
      const body = (size: number) => {
        const frame = '{"name":"","key":"big"}';
        return `{"name":"${'x'.repeat(size - frame.length)}","key":"big"}`;
      };
      const send = (text: string) =>
        t
          .as(t.owner.token)
          .post('/api/projects')
          .set('Content-Type', 'application/json')
          .send(text);
      const over = await send(body(1024 * 1024 + 1));
      expectStatus(over, 413);
      expect(over.body).toEqual({
        statusCode: 413,
        message: 'Request body is too large',
        error: 'Payload Too Large',
      });
      // Just under: parsed, and refused by validation (name is 1 to 100 characters) instead.
      expectStatus(await send(body(1024 * 1024 - 16)), 400);
    });

    it('should answer a new request id in X-Request-Id, a different one each time', async () => {
      const first = await t.as(t.owner.token).get('/api/profile');
      const second = await t.http().get('/api/profile');
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it('should keep a valid incoming X-Request-Id, on success and on refusal', async () => {
      const ok = await t
        .as(t.owner.token)
        .get('/api/profile')
        .set('X-Request-Id', 'trace-42.ab:c_D');
      expect(ok.headers['x-request-id']).toBe('trace-42.ab:c_D');
      const refused = await t.http().get('/api/profile').set('X-Request-Id', 'trace-43');
      expectStatus(refused, 401);
      expect(refused.headers['x-request-id']).toBe('trace-43');
    });

    it.each([
      ['spaces', 'a b'],
      ['a slash', 'a/b'],
      ['101 characters', 'a'.repeat(101)],
      ['a quote', 'a"b'],
    ])('should replace an incoming X-Request-Id with %s by a new one', async (_name, id) => {
      const response = await t.http().get('/api/profile').set('X-Request-Id', id);
      expect(response.headers['x-request-id']).toMatch(UUID);
    });
  });

  describe('a replaced secret presented to the built server', () => {
    let database: IsolatedDatabase;

    beforeAll(async () => {
      database = await IsolatedDatabase.create();
    });

    afterAll(async () => {
      await stopAllServers();
      await database.dispose();
    });

    it('should log a warning naming the token id, never the secret, and look the secret up as replaced', async () => {
      const admin = await createAdminWithCli(database, 'warn-admin@example.com');
      const server = await ServerProcess.start(
        processEnv({ ...database.env, LOG_LEVEL: 'debug' }),
        database.dataDir,
      );
      const as = (token: string) => ({
        get: (path: string) =>
          request(server.url).get(path).set('Authorization', `Bearer ${token}`),
        post: (path: string) =>
          request(server.url).post(path).set('Authorization', `Bearer ${token}`),
      });
      const user = await as(admin.token)
        .post('/api/users/service')
        .send({ email: 'ci@example.com' });
      expectStatus(user, 201);
      const created = await as(admin.token)
        .post(tokensOf(user.body.id))
        .send({
          note: 'CI',
          permissions: ['owner'],
          allProjects: true,
          expiry: 'week',
        });
      expectStatus(created, 201);
      const old = created.body.token as string;
      const tokenId = created.body.id as string;
      expectStatus(await as(old).get('/api/profile'), 200);
      const regenerated = await as(admin.token)
        .post(`${tokensOf(user.body.id)}/${tokenId}/regenerate`)
        .send({ expiry: 'week' });
      expectStatus(regenerated, 200);
      /** Warnings other than request log lines (a refused request's own line is a warning too). */
      const warningLines = () =>
        server.logLines.filter((line) => line.level === 40 && !('method' in line));
      const warningsBefore = warningLines().length;

      expectBearerChallenge(await as(old).get('/api/profile'));
      // Logged before the answer was sent, but it comes through another pipe: waits for it.
      await server.waitForLogLines(
        (line) => line.level === 40 && String(line.msg).includes(tokenId),
      );

      const warnings = warningLines().slice(warningsBefore);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        context: 'PrincipalResolver',
        msg: expect.stringContaining(`replaced secret of token ${tokenId}`),
      });
      for (const secret of [old, regenerated.body.token as string, admin.token]) {
        expect(server.log).not.toContain(secret);
      }

      const lookup = await as(admin.token)
        .post('/api/personal-access-tokens/lookup')
        .send({ token: old });
      expectStatus(lookup, 200);
      expect(lookup.body).toMatchObject({ status: 'replaced', token: { id: tokenId } });
      expect(server.log).not.toContain(old);
    });
  });

  // Every TestApp registers its bearer strategy in passport's process-wide registry, so the app
  // created last resolves the tokens of every app in this file: the apps with settings of their
  // own come last, each after the one before it is done with.
  describe('brute force: failed authentications per address', () => {
    const LIMIT = 5;
    const BLOCK_SECONDS = 2;
    let b: TestApp;
    let valid: string;
    let address = 0;
    /** A client address of its own for each test (the app trusts X-Forwarded-For). */
    const nextAddress = () => `203.0.113.${++address}`;
    const from = (ip: string, token?: string) => {
      const test = b.http().get('/api/profile').set('X-Forwarded-For', ip);
      return token === undefined ? test : test.set('Authorization', `Bearer ${token}`);
    };

    beforeAll(async () => {
      b = await startWith({
        AUTH_FAILURE_LIMIT: String(LIMIT),
        AUTH_FAILURE_BLOCK_SECONDS: String(BLOCK_SECONDS),
        TRUST_PROXY: '1',
      });
      valid = b.owner.token;
    });

    afterAll(async () => {
      await b.close();
    });

    it('should answer 429 with Retry-After to refused tokens past the limit, and serve a valid token from that address', async () => {
      const ip = nextAddress();
      for (let i = 0; i < LIMIT; i++) {
        expectStatus(await from(ip, generateTokenSecret()), 401);
      }
      const blocked = await from(ip, generateTokenSecret());
      expectStatus(blocked, 429);
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(BLOCK_SECONDS);
      expect(blocked.text).not.toMatch(STACK_TRACE);

      // Behind one NAT or balancer, the other clients with valid tokens are still served...
      expectStatus(await from(ip, valid), 200);
      // ...while every further wrong token from the address is answered 429.
      const stillBlocked = await from(ip, generateTokenSecret());
      expectStatus(stillBlocked, 429);
      expect(stillBlocked.headers['retry-after']).toMatch(/^\d+$/);
      // The block is the address's alone.
      expectStatus(await from(nextAddress(), generateTokenSecret()), 401);
      // Once it is over, a wrong token is a plain 401 again.
      await sleep(BLOCK_SECONDS * 1000 + 200);
      expectStatus(await from(ip, generateTokenSecret()), 401);
    });

    it('should not count requests without an Authorization header', async () => {
      const ip = nextAddress();
      for (let i = 0; i < LIMIT * 3; i++) {
        const response = await from(ip);
        expectStatus(response, 401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      }
      // All of the limit is still there for presented tokens; past it, the address is blocked.
      for (let i = 0; i < LIMIT; i++) {
        expectStatus(await from(ip, generateTokenSecret()), 401);
      }
      expectStatus(await from(ip, generateTokenSecret()), 429);
    });

    it('should never throttle or count valid tokens', async () => {
      const ip = nextAddress();
      for (let i = 0; i < LIMIT * 4; i++) {
        expectStatus(await from(ip, valid), 200);
      }
      for (let i = 0; i < LIMIT; i++) {
        expectStatus(await from(ip, generateTokenSecret()), 401);
        expectStatus(await from(ip, valid), 200);
      }
      expectStatus(await from(ip, generateTokenSecret()), 429);
    });

    it('should count a refused token of every kind: broken checksum, malformed, wrong scheme', async () => {
      const ip = nextAddress();
      const refused = [
        `Bearer ${brokenChecksum(valid)}`,
        'Bearer opat_short',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        `Bearer ${generateTokenSecret()}`,
        'Bearer',
      ];
      expect(refused).toHaveLength(LIMIT);
      for (const header of refused) {
        expectStatus(
          await b
            .http()
            .get('/api/profile')
            .set('X-Forwarded-For', ip)
            .set('Authorization', header),
          401,
        );
      }
      expectStatus(await from(ip, generateTokenSecret()), 429);
    });
  });

  describe('brute force without a trusted proxy', () => {
    let c: TestApp;

    beforeAll(async () => {
      c = await startWith({ AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_BLOCK_SECONDS: '60' });
    });

    afterAll(async () => {
      await c.close();
    });

    it('should not let a spoofed X-Forwarded-For dodge the block', async () => {
      const spoofed = (i: number) => `198.51.100.${i}`;
      for (let i = 0; i < 3; i++) {
        const response = await c
          .as(generateTokenSecret())
          .get('/api/profile')
          .set('X-Forwarded-For', spoofed(i));
        expectStatus(response, 401);
      }
      const blocked = await c
        .as(generateTokenSecret())
        .get('/api/profile')
        .set('X-Forwarded-For', spoofed(10));
      expectStatus(blocked, 429);
      const again = await c
        .as(generateTokenSecret())
        .get('/api/profile')
        .set('X-Forwarded-For', spoofed(11));
      expectStatus(again, 429);
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(50);
    });
  });

  describe('an unexpected failure', () => {
    let d: TestApp;

    beforeAll(async () => {
      d = await TestApp.start();
    });

    afterAll(async () => {
      await d.close();
    });

    it('should answer a plain 500 without a stack trace when the database connection is gone', async () => {
      const profile = await d.as(d.owner.token).get('/api/projects');
      expectStatus(profile, 200);
      await d.database.destroy();
      // A token never seen before: its lookup has to reach the (closed) database.
      const response = await d.as(generateTokenSecret()).get('/api/projects');
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.body).toEqual({
        statusCode: response.status,
        message: expect.any(String),
        error: expect.any(String),
      });
      expect(response.text).not.toMatch(STACK_TRACE);
      expect(response.text).not.toMatch(/sqlite|postgres|typeorm|driver|connect/i);
    });
  });
});
