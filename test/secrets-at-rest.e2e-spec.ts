import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { generateTokenSecret, TOKEN_PREFIX } from '../src/common/tokens/token-secret';
import {
  createAdminWithCli,
  IsolatedDatabase,
  processEnv,
  ServerProcess,
  stopAllServers,
} from './support/child-process';

/*
 * The built server (dist/main.js) as a child process, logging everything it can (LOG_LEVEL=debug,
 * LOG_FORMAT=json, and DATABASE_LOGGING=true for every SQL statement with its parameters), taken
 * through a token lifecycle. Then neither the database's bytes nor the whole log may hold any
 * secret that was issued or presented.
 */

const TOKEN_SHAPE = /opat_[0-9A-Za-z]{49}/g;
const BODY_START = TOKEN_PREFIX.length + 1;

/** Where a secret shows in `bytes`: whole, without its prefix, or its random part; UTF-8 or UTF-16. */
function secretsIn(bytes: Buffer, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [label, secret] of Object.entries(secrets)) {
    const forms = [secret, secret.slice(BODY_START), secret.slice(BODY_START, BODY_START + 43)];
    for (const form of forms) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (bytes.includes(Buffer.from(form, encoding))) {
          found.push(`${label} (${form.length} characters, ${encoding})`);
        }
      }
    }
  }
  return found;
}

describe('secrets at rest and in the log of the built server', () => {
  let database: IsolatedDatabase;

  beforeEach(async () => {
    database = await IsolatedDatabase.create();
  });

  afterEach(async () => {
    await stopAllServers();
    await database.dispose();
  });

  /** The built server on this test's database, logging everything it can. */
  const startServer = (settings: Record<string, string> = {}) =>
    ServerProcess.start(
      processEnv({ ...database.env, LOG_LEVEL: 'debug', ...settings }),
      database.dataDir,
    );

  /** The server's pepper, to recognise a stored hash: TOKEN_PEPPER, or the embedded one's file. */
  function pepper(): string {
    return (
      database.env.TOKEN_PEPPER ??
      readFileSync(join(database.dataDir, 'token-pepper'), 'utf8').trim()
    );
  }

  it('should hold no issued or presented secret in the database or the log through a token lifecycle', async () => {
    // The admin comes from the command-line tool, so that the server has no first token to print.
    const admin = await createAdminWithCli(database, 'secops@example.com');
    expect(admin.stderr).not.toContain(admin.token);
    const server = await startServer({ DATABASE_LOGGING: 'true' });
    const url = server.url;
    let requests = 0;
    const as = (token: string) => {
      const auth = (test: request.Test) => {
        requests++;
        return test.set('Authorization', `Bearer ${token}`);
      };
      return {
        get: (path: string) => auth(request(url).get(path)),
        post: (path: string) => auth(request(url).post(path)),
        delete: (path: string) => auth(request(url).delete(path)),
      };
    };
    const tokensOf = (userId: string) => `/api/users/service/${userId}/personal-access-tokens`;

    const bot = await as(admin.token)
      .post('/api/users/service')
      .send({ email: 'deploy-bot@example.com' });
    expect(bot.status).toBe(201);
    const project = await as(admin.token)
      .post('/api/projects')
      .send({ name: 'Pricing rules', key: 'pricing-rules' });
    expect(project.status).toBe(201);
    const grant = {
      note: 'Deploy pipeline',
      permissions: ['releases:deploy'],
      allProjects: false,
      projects: [project.body.id],
      expiry: 'month',
    };
    const first = await as(admin.token).post(tokensOf(bot.body.id)).send(grant);
    const second = await as(admin.token).post(tokensOf(bot.body.id)).send(grant);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await as(first.body.token).get('/api/profile')).status).toBe(200);
    expect((await as(second.body.token).get(`/api/projects/${project.body.id}`)).status).toBe(200);

    const own = await as(admin.token)
      .post('/api/personal-access-tokens')
      .send({
        note: 'Laptop',
        permissions: ['owner'],
        allProjects: true,
        expiry: 'week',
      });
    expect(own.status).toBe(201);

    const regenerated = await as(admin.token)
      .post(`${tokensOf(bot.body.id)}/${first.body.id}/regenerate`)
      .send({ expiry: 'week' });
    expect(regenerated.status).toBe(200);
    expect((await as(first.body.token).get('/api/profile')).status).toBe(401);
    expect((await as(regenerated.body.token).get('/api/profile')).status).toBe(200);

    const deleted = await as(admin.token).delete(`${tokensOf(bot.body.id)}/${second.body.id}`);
    expect(deleted.status).toBe(200);
    expect((await as(second.body.token).get('/api/profile')).status).toBe(401);

    const wrong = generateTokenSecret();
    expect((await as(wrong).get('/api/profile')).status).toBe(401);

    const lookup = (token: string) =>
      as(admin.token).post('/api/personal-access-tokens/lookup').send({ token });
    const lookups = await Promise.all([
      lookup(first.body.token),
      lookup(regenerated.body.token),
      lookup(wrong),
    ]);
    expect(
      lookups.map((response) => [response.status, (response.body as { status?: string }).status]),
    ).toEqual([
      [200, 'replaced'],
      [200, 'active'],
      [404, undefined],
    ]);

    // Secrets where they do not belong: a query string, an unknown route's query string.
    requests++;
    expect((await request(url).get(`/api/profile?access_token=${own.body.token}`)).status).toBe(
      401,
    );
    const nowhere = await request(url).get(`/api/nowhere?access_token=${own.body.token}`);
    expect(nowhere.status).toBe(404);
    expect(nowhere.text).not.toContain(own.body.token);
    const ownRegenerated = await as(admin.token)
      .post(`/api/personal-access-tokens/${own.body.id}/regenerate`)
      .send({ expiry: 'week' });
    expect(ownRegenerated.status).toBe(200);

    const secrets: Record<string, string> = {
      'the command-line admin token': admin.token,
      "the service user's first token": first.body.token,
      'its replacement': regenerated.body.token,
      "the service user's deleted token": second.body.token,
      "the admin's own token": own.body.token,
      "the admin's own token's replacement": ownRegenerated.body.token,
      'a well-formed token of nobody': wrong,
    };
    expect(new Set(Object.values(secrets)).size).toBe(7);

    const whileRunning = await database.dump();
    await server.stop();
    const afterStop = await database.dump();

    for (const dump of [whileRunning, afterStop]) {
      expect({ source: dump.source, found: secretsIn(dump.bytes, secrets) }).toEqual({
        source: dump.source,
        found: [],
      });
      expect(dump.bytes.toString('latin1').match(TOKEN_SHAPE)).toBeNull();
    }
    // The dump is the real thing: it holds the rows, and the active secret's keyed hash.
    const hash = createHmac('sha256', pepper()).update(regenerated.body.token).digest('hex');
    for (const expected of ['deploy-bot@example.com', first.body.id, hash]) {
      expect(whileRunning.bytes.includes(Buffer.from(expected))).toBe(true);
    }

    const log = Buffer.from(server.log, 'utf8');
    expect(secretsIn(log, secrets)).toEqual([]);
    expect(server.log.match(TOKEN_SHAPE)).toBeNull();
    expect(server.log).not.toMatch(/Bearer\s+opat/i);
    expect(server.log).not.toContain('FIRST ADMIN TOKEN');
    // The log is the whole log: a line per request, the SQL (never its parameters), the warning.
    const completed = server.logLines.filter(
      (line) => typeof line.status === 'number' && typeof line.requestId === 'string',
    );
    expect(completed.length).toBeGreaterThanOrEqual(requests);
    expect(server.log).toContain('secret_hash');
    expect(
      server.logLines.filter(
        (line) => line.level === 40 && String(line.msg).includes(first.body.id as string),
      ),
    ).toHaveLength(1);
  });

  it('should print the first-start admin token once in development, on stdout only, and keep it out of the log lines and the database', async () => {
    // Development: printed once on stdout, between the banner's lines.
    let server = await startServer({ NODE_ENV: 'development', LOG_FORMAT: 'json' });
    const printed = /^ {2}token: +(opat_[0-9A-Za-z]{49})$/m.exec(server.stdout)?.[1];
    expect(printed).toMatch(TOKEN_SHAPE);
    const secret = printed!;
    const profile = await request(server.url)
      .get('/api/profile')
      .set('Authorization', `Bearer ${secret}`);
    expect(profile.status).toBe(200);
    expect(profile.body.type).toBe('owner');

    expect(server.log.split(secret)).toHaveLength(2);
    expect(server.stderr).not.toContain(secret);
    expect(server.logLines.filter((line) => JSON.stringify(line).includes(secret))).toEqual([]);
    const banner = server.stdout.slice(
      server.stdout.indexOf('FIRST ADMIN TOKEN (shown once)'),
      server.stdout.lastIndexOf('================'),
    );
    expect(banner).toContain(secret);

    await server.stop();
    const dump = await database.dump();
    expect(secretsIn(dump.bytes, { 'the first admin token': secret })).toEqual([]);

    // Shown once: a second start on the same database prints no token.
    server = await startServer({ NODE_ENV: 'development', LOG_FORMAT: 'json' });
    expect(server.stdout).not.toContain('FIRST ADMIN TOKEN');
    expect(server.log.match(TOKEN_SHAPE)).toBeNull();
    await server.stop();
  });

  it('should write the first-start admin token in production to a file only, never to stdout, stderr, the log lines or the database', async () => {
    const server = await startServer();
    const file = server.firstAdminTokenFile!;
    expect(file).toBeDefined();
    const written = server.firstAdminToken!;
    expect(written).toMatch(TOKEN_SHAPE);
    expect(server.log.match(TOKEN_SHAPE)).toBeNull();
    expect(server.log).not.toContain(written.slice(5));
    expect(server.stdout).not.toContain('FIRST ADMIN TOKEN');
    const profile = await request(server.url)
      .get('/api/profile')
      .set('Authorization', `Bearer ${written}`);
    expect(profile.status).toBe(200);
    await server.stop();
    expect(secretsIn((await database.dump()).bytes, { 'the first admin token': written })).toEqual(
      [],
    );
  });
});
