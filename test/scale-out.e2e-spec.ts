import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { STARTUP_LOCK_KEY } from '../src/database/startup-lock';
import {
  processEnv,
  ServerProcess,
  STOP_TIMEOUT_MS,
  stopAllServers,
} from './support/child-process';
import { expectStatus, Reply, send } from './support/http';
import { redisAnswers, REQUIRE_REDIS, TEST_REDIS_URL } from './support/redis';
import { Json } from './support/spec-helpers';
import type { IssuedToken } from './support/test-app';

/*
 * Scale-out: two real server processes (the built dist/main.js) on this test file's one PostgreSQL
 * database, started at the same moment, with the test acting as the load balancer. Each instance
 * caches principals for AUTH_CACHE_TTL_MS (a minute, the default) and forgets them when it hears
 * of a change: a change made on A must reach B through A's notification, within one second, long
 * before B's cache would have expired.
 *
 * Requests carry X-Forwarded-For (TRUST_PROXY=127.0.0.1) with addresses unique to this run, so that
 * the failed-authentication counts this file leaves in a shared Redis never collide with another
 * run's, and each scenario's refused requests count against its own address only.
 */

const ROOT = join(__dirname, '..');
const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const REDIS_URL = TEST_REDIS_URL;
/** The default: far longer than any bound below, so that only a notification can meet them. */
const CACHE_TTL_MS = 60_000;
/** How soon a change on one instance must be seen on the other. */
const SPREAD_BOUND_MS = 1000;
/** Low, so that the shared count is reached in a few requests. */
const FAILURE_LIMIT = 6;
const START_TIMEOUT_MS = 60_000;
/**
 * How long the test waits for both instances to queue on the start-up lock: it stops as soon as
 * both do, so the bound only matters on a busy machine, where starting Node takes seconds.
 */
const LOCK_WAIT_MS = 30_000;
const RUN = randomBytes(6).toString('hex');

interface RequestOptions {
  token?: string;
  /** The client address, sent as X-Forwarded-For. */
  ip: string;
  body?: Json;
}

let addresses = 0;
let bots = 0;

/** An address of the documentation range 2001:db8::/32 that no other run or scenario uses. */
function clientAddress(): string {
  addresses += 1;
  return `2001:db8:${RUN.slice(0, 4)}:${RUN.slice(4, 8)}:${RUN.slice(8, 12)}::${addresses.toString(16)}`;
}

/** The load balancer's connections to the instances: kept alive, at most 32 to each. */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** One request to an instance, from the client address `ip`. */
function call(
  instance: ServerProcess,
  method: string,
  path: string,
  options: RequestOptions,
): Promise<Reply> {
  return send(instance.url, path, {
    method,
    token: options.token,
    body: options.body,
    headers: { 'X-Forwarded-For': options.ip },
    agent,
    timeoutMs: 15_000,
  });
}

/** Waits until `instance` serves and is ready (GET /health/ready answers 200), by `deadline`. */
async function untilReady(name: string, instance: ServerProcess, deadline: number): Promise<void> {
  await instance.serving(Math.max(0, deadline - Date.now())).catch((error: Error) => {
    throw new Error(`instance ${name}: ${error.message}`);
  });
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    if (!instance.running) {
      throw new Error(`instance ${name} exited while starting:\n${instance.log}`);
    }
    const ready = await call(instance, 'GET', '/health/ready', { ip: '127.0.0.1' }).then(
      (reply) => reply.status === 200,
      () => false,
    );
    if (ready) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`instance ${name} was not ready in time:\n${instance.log}`);
}

if (!ON_POSTGRES) {
  console.warn(
    'scale-out e2e SKIPPED on SQLite: SQLite serves one instance; several instances need PostgreSQL (this file runs in the e2e-postgres project)',
  );
}
const redisReachable = ON_POSTGRES && redisAnswers(REDIS_URL);
if (ON_POSTGRES && !redisReachable && !REQUIRE_REDIS) {
  console.warn(
    `scale-out e2e: the shared-throttle test is SKIPPED: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL, or REQUIRE_REDIS=1 to make this an error)`,
  );
}
const useRedis = redisReachable || REQUIRE_REDIS;

(ON_POSTGRES ? describe : describe.skip)('two instances on one PostgreSQL database', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let database: Client;
  let admin: string;
  const adminIp = clientAddress();
  const measured: Record<string, number> = {};
  /** What the database showed while the test held the start-up lock. */
  const startup = {
    waitingToMigrate: 0,
    tablesBeforeMigrations: -1,
    waitingToProvision: 0,
    usersBeforeProvisioning: -1,
  };

  /** How many sessions wait for an advisory lock in this database, once `expected` do or in time. */
  async function lockWaiters(expected: number): Promise<number> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let waiting = 0;
    for (let attempt = 0; attempt < 400 && Date.now() < deadline; attempt++) {
      waiting = await count(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      if (waiting >= expected || !a.running || !b.running) {
        break;
      }
      await sleep(25);
    }
    return waiting;
  }

  beforeAll(async () => {
    database = new Client({ connectionString: process.env.DATABASE_URL });
    await database.connect();
    // Each on a free port of its own, and no .env from the working tree: this alone decides.
    const env = processEnv({
      DATABASE_URL: process.env.DATABASE_URL,
      TOKEN_PEPPER: process.env.TOKEN_PEPPER,
      TRUST_PROXY: '127.0.0.1',
      AUTH_CACHE_TTL_MS: String(CACHE_TTL_MS),
      AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT),
      AUTH_FAILURE_WINDOW_SECONDS: '60',
      AUTH_FAILURE_BLOCK_SECONDS: '60',
      BOOTSTRAP_ADMIN_EMAIL: `scale-admin-${RUN}@example.com`,
      REDIS_URL: useRedis ? REDIS_URL : undefined,
    });
    // Both start at the same moment while the test holds the start-up lock, so that both queue on
    // it: the most contention the lock can meet, and proof that neither works without it.
    const gate = new Client({ connectionString: process.env.DATABASE_URL });
    await gate.connect();
    await gate.query("SET lock_timeout = '20s'");
    await gate.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    try {
      a = ServerProcess.spawn(env, ROOT);
      b = ServerProcess.spawn(env, ROOT);
      startup.waitingToMigrate = await lockWaiters(2);
      startup.tablesBeforeMigrations = await count(
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'",
      );
      // Released, and at once queued for again: behind the two migrating one after the other, and
      // ahead of both when they come back for it to create the first admin.
      await gate.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
      await gate.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
      startup.waitingToProvision = await lockWaiters(2);
      startup.usersBeforeProvisioning = await count('SELECT count(*) AS n FROM users');
    } finally {
      await gate.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
      await gate.end();
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    await Promise.all([untilReady('A', a, deadline), untilReady('B', b, deadline)]);
    // The other tests need an admin; the start-up test checks that exactly one printed it.
    const printed = a.firstAdminToken ?? b.firstAdminToken;
    if (!printed) {
      throw new Error(
        `no instance printed the first admin token:\n--- A\n${a.log}\n--- B\n${b.log}`,
      );
    }
    admin = printed;
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    agent.destroy();
    await stopAllServers();
    await database?.end();
    if (Object.keys(measured).length > 0) {
      console.log(
        `scale-out: a change on A stopped working on B after (ms): ${JSON.stringify(measured)}`,
      );
    }
  }, 3 * STOP_TIMEOUT_MS);

  const asAdmin = (instance: ServerProcess, method: string, path: string, body?: Json) =>
    call(instance, method, path, { token: admin, ip: adminIp, body });

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    const result = await database.query<{ n: number }>(sql, parameters);
    return Number(result.rows[0].n);
  }

  async function createServiceUser(via: ServerProcess, email: string): Promise<string> {
    const reply = await asAdmin(via, 'POST', '/api/users/service', { email });
    expectStatus(reply, 201);
    return (reply.body as { id: string }).id;
  }

  function createToken(via: ServerProcess, userId: string, note = 'scale-out token') {
    return asAdmin(via, 'POST', `/api/users/service/${userId}/personal-access-tokens`, {
      note,
      permissions: ['owner'],
      allProjects: true,
      projects: [],
      expiry: 'month',
    });
  }

  /** A new service user with a token, both created through `via`. */
  async function serviceUserWithToken(via: ServerProcess): Promise<IssuedToken> {
    bots += 1;
    const userId = await createServiceUser(via, `bot-${RUN}-${bots}@example.com`);
    const reply = await createToken(via, userId);
    expectStatus(reply, 201);
    const body = reply.body as { id: string; token: string };
    return { userId, tokenId: body.id, token: body.token };
  }

  const profile = (instance: ServerProcess, token: string, ip: string) =>
    call(instance, 'GET', '/api/profile', { token, ip });

  /**
   * Asks `instance` for the profile with `token`, back to back, until it answers 401: at most
   * 3 × SPREAD_BOUND_MS after `since` and 5,000 requests. Answers how long after `since` the first
   * refused request was sent (Infinity when none was).
   */
  async function msUntilRefused(instance: ServerProcess, token: string, ip: string, since: number) {
    const deadline = since + 3 * SPREAD_BOUND_MS;
    for (let attempt = 0; attempt < 5000 && performance.now() < deadline; attempt++) {
      const sentAt = performance.now();
      const reply = await profile(instance, token, ip);
      if (reply.status === 401) {
        return { ms: Math.round(sentAt - since) };
      }
      expectStatus(reply, 200);
    }
    return { ms: Infinity };
  }

  /**
   * Like msUntilRefused, for a token that is refused until it works again: every attempt comes from
   * a new address, so that the refusals do not add up to a block.
   */
  async function msUntilAccepted(instance: ServerProcess, token: string, since: number) {
    const deadline = since + 3 * SPREAD_BOUND_MS;
    for (let attempt = 0; attempt < 5000 && performance.now() < deadline; attempt++) {
      const sentAt = performance.now();
      const reply = await profile(instance, token, clientAddress());
      if (reply.status === 200) {
        return { ms: Math.round(sentAt - since) };
      }
      expectStatus(reply, 401);
    }
    return { ms: Infinity };
  }

  it('should run the migrations and create the first admin once when both start at the same moment', async () => {
    // Both waited for the start-up lock to migrate, and again to create the first admin...
    expect(startup).toEqual({
      waitingToMigrate: 2,
      tablesBeforeMigrations: 0,
      waitingToProvision: 2,
      usersBeforeProvisioning: 0,
    });
    // ...and each time one of them did the work while the other found it done.
    const printed = [a, b].filter((instance) => instance.firstAdminToken !== undefined);
    expect(printed.map((instance) => instance.firstAdminToken)).toEqual([admin]);
    const applied = [a, b].filter((instance) => /Applied \d+ migration\(s\)/.test(instance.log));
    expect(applied).toHaveLength(1);
    const migrations = await database.query<{ name: string; n: string }>(
      'SELECT name, count(*) AS n FROM migrations GROUP BY name',
    );
    expect(migrations.rows.length).toBeGreaterThanOrEqual(2);
    expect(migrations.rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
    expect(await count('SELECT count(*) AS n FROM organisations')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM users')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM personal_access_tokens')).toBe(1);
    for (const instance of [a, b]) {
      const reply = await profile(instance, admin, adminIp);
      expectStatus(reply, 200);
      expect(reply.body).toMatchObject({ type: 'owner', email: `scale-admin-${RUN}@example.com` });
    }
  });

  it('should accept on B at once a token created on A, and on A one created on B', async () => {
    const ip = clientAddress();
    for (const [creator, other] of [
      [a, b],
      [b, a],
    ]) {
      const issued = await serviceUserWithToken(creator);
      const reply = await profile(other, issued.token, ip);
      expectStatus(reply, 200);
      expect((reply.body as { id: string }).id).toBe(issued.userId);
    }
  });

  it('should stop accepting on B, within one second, a token deleted on A', async () => {
    const ip = clientAddress();
    const issued = await serviceUserWithToken(a);
    // B loads the principal into its cache: what A's change must get past.
    expectStatus(await profile(b, issued.token, ip), 200);
    const deleted = await asAdmin(
      a,
      'DELETE',
      `/api/users/service/${issued.userId}/personal-access-tokens/${issued.tokenId}`,
    );
    const since = performance.now();
    expectStatus(deleted, 200);
    const { ms } = await msUntilRefused(b, issued.token, ip, since);
    measured.delete = ms;
    expect(ms).toBeLessThanOrEqual(SPREAD_BOUND_MS);
    expectStatus(await profile(a, issued.token, ip), 401);
    expectStatus(await profile(b, issued.token, ip), 401);
  });

  it('should stop accepting on B, within one second, the old secret of a token regenerated on A', async () => {
    const ip = clientAddress();
    const issued = await serviceUserWithToken(a);
    expectStatus(await profile(b, issued.token, ip), 200);
    const regenerated = await asAdmin(
      a,
      'POST',
      `/api/users/service/${issued.userId}/personal-access-tokens/${issued.tokenId}/regenerate`,
      { expiry: 'week' },
    );
    const since = performance.now();
    expectStatus(regenerated, 200);
    const secret = (regenerated.body as { token: string }).token;
    expect(secret).not.toBe(issued.token);
    const { ms } = await msUntilRefused(b, issued.token, ip, since);
    measured.regenerate = ms;
    expect(ms).toBeLessThanOrEqual(SPREAD_BOUND_MS);
    expectStatus(await profile(a, issued.token, ip), 401);
    for (const instance of [a, b]) {
      expectStatus(await profile(instance, secret, ip), 200);
    }
  });

  it('should stop accepting on B, within one second, the tokens of a user disabled on A, and accept them on A within one second once re-enabled on B', async () => {
    const ip = clientAddress();
    const issued = await serviceUserWithToken(a);
    expectStatus(await profile(b, issued.token, ip), 200);
    const disabled = await asAdmin(a, 'PUT', `/api/users/${issued.userId}`, {
      status: 'disabled',
    });
    const since = performance.now();
    expectStatus(disabled, 200);
    const { ms } = await msUntilRefused(b, issued.token, ip, since);
    measured.disable = ms;
    expect(ms).toBeLessThanOrEqual(SPREAD_BOUND_MS);
    // A refuses too, and now caches the disabled user: re-enabling on B must get past that.
    expectStatus(await profile(a, issued.token, ip), 401);
    const enabled = await asAdmin(b, 'PUT', `/api/users/${issued.userId}`, { status: 'active' });
    const enabledAt = performance.now();
    expectStatus(enabled, 200);
    const { ms: back } = await msUntilAccepted(a, issued.token, enabledAt);
    measured.reenable = back;
    expect(back).toBeLessThanOrEqual(SPREAD_BOUND_MS);
  });

  it('should lose and double nothing when 20 service users and 20 tokens are created at once through both', async () => {
    const prefix = `race-${RUN}`;
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        asAdmin(index % 2 === 0 ? a : b, 'POST', '/api/users/service', {
          email: `${prefix}-${index}@example.com`,
        }),
      ),
    );
    users.forEach((reply) => expectStatus(reply, 201));
    const userIds = users.map((reply) => (reply.body as { id: string }).id).sort();
    expect(new Set(userIds).size).toBe(20);
    for (const instance of [a, b]) {
      const listed = await asAdmin(
        instance,
        'GET',
        `/api/users?isService=true&search=${prefix}&perPage=100`,
      );
      expectStatus(listed, 200);
      const page = listed.body as { results: { id: string }[]; paginate: { total: number } };
      expect(page.paginate.total).toBe(20);
      expect(page.results.map((user) => user.id).sort()).toEqual(userIds);
    }
    expect(
      await count('SELECT count(*) AS n FROM users WHERE email LIKE $1', [`${prefix}-%`]),
    ).toBe(20);

    const owner = userIds[0];
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        createToken(index % 2 === 0 ? a : b, owner, `race token ${index}`),
      ),
    );
    tokens.forEach((reply) => expectStatus(reply, 201));
    const created = tokens.map((reply) => reply.body as { id: string; token: string });
    const tokenIds = created.map((token) => token.id).sort();
    expect(new Set(tokenIds).size).toBe(20);
    expect(new Set(created.map((token) => token.token)).size).toBe(20);
    for (const instance of [a, b]) {
      const listed = await asAdmin(
        instance,
        'GET',
        `/api/users/service/${owner}/personal-access-tokens`,
      );
      expectStatus(listed, 200);
      expect((listed.body as { id: string }[]).map((token) => token.id).sort()).toEqual(tokenIds);
    }
    expect(
      await count(
        'SELECT count(*) AS n FROM personal_access_tokens WHERE user_id = $1 GROUP BY user_id HAVING count(*) = count(DISTINCT secret_hash)',
        [owner],
      ),
    ).toBe(20);
    // Each instance records its own changes in the audit log, each exactly once.
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log_entries WHERE action = 'token.created' AND details->>'userId' = $1",
        [owner],
      ),
    ).toBe(20);
    // Every token works on the instance that did not create it.
    const ip = clientAddress();
    const checks = await Promise.all(
      created.map((token, index) => profile(index % 2 === 0 ? b : a, token.token, ip)),
    );
    checks.forEach((reply) => expectStatus(reply, 200));
  });

  it('should give exactly one 201 and one 409 to two racing creates of one project key, one through each instance', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race-${RUN}-${round}`;
      const replies = await Promise.all(
        [a, b].map((instance) =>
          asAdmin(instance, 'POST', '/api/projects', { name: `Race ${round}`, key }),
        ),
      );
      expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
      expect(await count('SELECT count(*) AS n FROM projects WHERE key = $1', [key])).toBe(1);
    }
  });

  it('should give exactly one 201 and one 409 to two racing creates of one service-user email, one through each instance', async () => {
    for (let round = 0; round < 5; round++) {
      const email = `twin-${RUN}-${round}@example.com`;
      const replies = await Promise.all(
        [a, b].map((instance) => asAdmin(instance, 'POST', '/api/users/service', { email })),
      );
      expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
      expect(await count('SELECT count(*) AS n FROM users WHERE email = $1', [email])).toBe(1);
    }
  });

  (useRedis ? it : it.skip)(
    'should share the failed-authentication count through Redis, blocking at the combined count of both instances',
    async () => {
      if (!redisReachable) {
        throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${REDIS_URL}`);
      }
      const ip = clientAddress();
      const guess = (instance: ServerProcess, attempt: number) =>
        call(instance, 'GET', '/api/profile', { token: `opat_wrong_${attempt}`, ip });
      // FAILURE_LIMIT failures, alternating: each instance alone sees only half of them.
      for (let attempt = 0; attempt < FAILURE_LIMIT; attempt++) {
        expectStatus(await guess(attempt % 2 === 0 ? a : b, attempt), 401);
      }
      // One more on A, which has seen FAILURE_LIMIT / 2 itself: blocked only if the count is shared.
      const blocked = await guess(a, FAILURE_LIMIT);
      expectStatus(blocked, 429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expectStatus(await guess(b, FAILURE_LIMIT + 1), 429);
      // Both have now seen the block: a wrong token from that address answers 429 on either...
      for (const [attempt, instance] of [a, b].entries()) {
        expectStatus(await guess(instance, FAILURE_LIMIT + 2 + attempt), 429);
      }
      // ...a valid token from it is served, and a wrong one from another address is a plain 401.
      const elsewhere = clientAddress();
      for (const instance of [a, b]) {
        expectStatus(await profile(instance, admin, ip), 200);
        expectStatus(
          await call(instance, 'GET', '/api/profile', { token: 'opat_wrong', ip: elsewhere }),
          401,
        );
      }
    },
  );

  it(
    'should exit 0 on SIGTERM, both instances',
    async () => {
      agent.destroy();
      const exits = await Promise.all([a.stop(), b.stop()]);
      expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
    },
    3 * STOP_TIMEOUT_MS,
  );
});
