import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { generateTokenSecret } from '../src/common/tokens/token-secret';
import {
  createAdminWithCli,
  freePort,
  IsolatedDatabase,
  processEnv,
  ServerProcess,
  stopAllServers,
} from './support/child-process';
import { expectStatus, Reply, send } from './support/http';
import { redisAnswers, REQUIRE_REDIS, TEST_REDIS_URL } from './support/redis';
import { TcpProxy } from './support/tcp-proxy';

/*
 * REDIS_URL set, Redis not answering: the failed-authentication throttle counts in the instance's
 * memory instead of failing open, says so once in the log (not per request), and readiness stays
 * 200 with the degraded state in its details. Built server processes, as production runs them.
 */

const LIMIT = 3;
const FALLBACK_WARNING = /^Redis does not answer/;
const BACK = /^Redis answers again/;

let addresses = 0;
/** A client address no other test of this file uses (the server trusts one proxy hop). */
const nextAddress = () => `198.51.100.${++addresses}`;

async function startServer(database: IsolatedDatabase, redisUrl: string): Promise<ServerProcess> {
  return ServerProcess.start(
    processEnv({
      ...database.env,
      REDIS_URL: redisUrl,
      AUTH_FAILURE_LIMIT: String(LIMIT),
      AUTH_FAILURE_BLOCK_SECONDS: '60',
      TRUST_PROXY: '1',
    }),
    database.dataDir,
  );
}

function from(server: ServerProcess, ip: string, token: string): Promise<Reply> {
  return send(server.url, '/api/profile', { token, headers: { 'X-Forwarded-For': ip } });
}

async function throttleDetails(server: ServerProcess): Promise<Record<string, unknown>> {
  const ready = await send(server.url, '/health/ready');
  expectStatus(ready, 200);
  return (ready.body as { details: Record<string, Record<string, unknown>> }).details
    .failedAuthThrottle;
}

/** Polls the readiness details until `store` is reported, at most `ms`. */
async function untilStore(server: ServerProcess, store: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  let details = await throttleDetails(server);
  while (details.store !== store && Date.now() < deadline) {
    await sleep(100);
    details = await throttleDetails(server);
  }
  return details;
}

/** LIMIT wrong tokens answer 401, the next 429: the address is counted somewhere. */
async function expectCountedAndBlocked(server: ServerProcess, ip: string): Promise<void> {
  for (let i = 0; i < LIMIT; i++) {
    const started = Date.now();
    expectStatus(await from(server, ip, generateTokenSecret()), 401);
    // No waiting on a Redis that does not answer.
    expect(Date.now() - started).toBeLessThan(1_000);
  }
  const blocked = await from(server, ip, generateTokenSecret());
  expectStatus(blocked, 429);
  expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
}

const messages = (server: ServerProcess, pattern: RegExp) =>
  server.logLines.filter((line) => typeof line.msg === 'string' && pattern.test(line.msg));

describe('the failed-authentication throttle with REDIS_URL set and Redis down', () => {
  let database: IsolatedDatabase;
  let admin: { token: string };

  beforeAll(async () => {
    database = await IsolatedDatabase.create();
    admin = await createAdminWithCli(database, 'ops@example.com');
  });

  afterAll(async () => {
    await stopAllServers();
    await database?.dispose();
  });

  it('should count in memory when Redis refuses from the start, log that once, and stay ready with the state in its details', async () => {
    const closed = await freePort();
    const server = await startServer(database, `redis://127.0.0.1:${closed}`);
    // Long enough for several failed reconnections, each of which must not be logged again.
    await sleep(2_500);

    expect(await throttleDetails(server)).toEqual({
      status: 'up',
      store: 'memory',
      degraded: expect.stringContaining('REDIS_URL is set but Redis does not answer') as string,
    });
    const ip = nextAddress();
    await expectCountedAndBlocked(server, ip);
    // A valid token is served, from that address too.
    expectStatus(await from(server, ip, admin.token), 200);
    for (let i = 0; i < 20; i++) {
      expectStatus(await from(server, nextAddress(), generateTokenSecret()), 401);
    }

    expect(messages(server, FALLBACK_WARNING)).toHaveLength(1);
    expect(messages(server, FALLBACK_WARNING)[0]).toMatchObject({ level: 40 });
    expect(server.stderr).not.toContain('Unhandled error event');
    expect((await server.stop()).code).toBe(0);
  });

  const realRedis = redisAnswers(TEST_REDIS_URL);
  if (!realRedis && !REQUIRE_REDIS) {
    console.warn(
      `redis-outage e2e: the Redis-goes-away test is SKIPPED: no Redis answers at ${TEST_REDIS_URL} (set TEST_REDIS_URL, or REQUIRE_REDIS=1 to make this an error)`,
    );
  }

  (realRedis || REQUIRE_REDIS ? it : it.skip)(
    'should fall back to memory when Redis goes away mid-run and go back to Redis when it returns, logging each change once',
    async () => {
      if (!realRedis) {
        throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${TEST_REDIS_URL}`);
      }
      const target = new URL(TEST_REDIS_URL);
      const proxy = await TcpProxy.start({
        host: target.hostname,
        port: Number(target.port || 6379),
      });
      const through = new URL(TEST_REDIS_URL);
      through.hostname = '127.0.0.1';
      through.port = String(proxy.port);
      const direct = new Redis(TEST_REDIS_URL);
      try {
        const server = await startServer(database, through.toString());
        expect(await untilStore(server, 'redis')).toEqual({ status: 'up', store: 'redis' });
        const shared = nextAddress();
        expectStatus(await from(server, shared, generateTokenSecret()), 401);
        expect(await direct.keys(`*auth-failure:${shared}*`)).not.toHaveLength(0);

        await proxy.cut();
        const degraded = await untilStore(server, 'memory');
        expect(degraded.degraded).toEqual(expect.stringContaining('Redis does not answer'));
        const duringOutage = nextAddress();
        await expectCountedAndBlocked(server, duringOutage);
        expect(await direct.keys(`*auth-failure:${duringOutage}*`)).toHaveLength(0);
        expectStatus(await from(server, duringOutage, admin.token), 200);

        await proxy.restore();
        expect(await untilStore(server, 'redis')).toEqual({ status: 'up', store: 'redis' });
        const after = nextAddress();
        expectStatus(await from(server, after, generateTokenSecret()), 401);
        expect(await direct.keys(`*auth-failure:${after}*`)).not.toHaveLength(0);

        expect(messages(server, FALLBACK_WARNING)).toHaveLength(1);
        expect(messages(server, BACK)).toHaveLength(1);
        expect(server.stderr).not.toContain('Unhandled error event');
        expect((await server.stop()).code).toBe(0);
      } finally {
        direct.disconnect();
        await proxy.close();
      }
    },
    60_000,
  );
});
