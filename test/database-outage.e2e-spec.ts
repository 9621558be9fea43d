import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { generateTokenSecret } from '../src/common/tokens/token-secret';
import { processEnv, ServerProcess, stopAllServers } from './support/child-process';
import { expectStatus, Reply, send } from './support/http';
import { TcpProxy } from './support/tcp-proxy';

/*
 * The database goes down under a running server, and comes back. The built server reaches
 * PostgreSQL through a TCP proxy of the test's (DATABASE_URL points at the proxy's port of
 * 127.0.0.1); cutting the proxy destroys every connection and refuses new ones, as a database
 * that stops or a network that splits would. The process must keep running, say it is not ready
 * (503) while its liveness stays 200, answer API calls with 503 (never 500, never hanging), and
 * become ready and serve again by itself once the database is back, without a restart.
 *
 * PostgreSQL only: an embedded SQLite database cannot go down separately from the process.
 */

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
/** Readiness pings the database with a 1.5 s timeout: 503 must come within this of the cut. */
const NOT_READY_BOUND_MS = 3_000;
/** Ready again within this of the database coming back. */
const READY_AGAIN_BOUND_MS = 5_000;
/** No request may wait longer than this for its answer while the database is down. */
const ANSWER_BOUND_MS = 2_000;
const AUTH_CACHE_TTL_MS = 1_000;
const UNAVAILABLE = {
  statusCode: 503,
  message: 'The database is unavailable; try again shortly',
  error: 'Service Unavailable',
};

if (!ON_POSTGRES) {
  console.warn(
    'database-outage e2e SKIPPED on SQLite: an embedded database cannot go down separately from the process (this file runs in the e2e-postgres project)',
  );
}

(ON_POSTGRES ? describe : describe.skip)(
  'a PostgreSQL outage under the running server (through a TCP proxy)',
  () => {
    let proxy: TcpProxy;
    let server: ServerProcess;
    let admin: string;
    let database: Client;
    const measured: Record<string, number> = {};

    beforeAll(async () => {
      const url = process.env.DATABASE_URL!;
      const target = new URL(url);
      proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
      server = await ServerProcess.start(
        processEnv({
          DATABASE_URL: proxy.rewrite(url),
          TOKEN_PEPPER: process.env.TOKEN_PEPPER,
          AUTH_CACHE_TTL_MS: String(AUTH_CACHE_TTL_MS),
        }),
        __dirname,
      );
      admin = server.firstAdminToken!;
      // The test's own view of the database, past the proxy.
      database = new Client({ connectionString: url });
      await database.connect();
    }, 60_000);

    afterAll(async () => {
      await stopAllServers();
      await proxy?.close();
      await database?.end();
      if (Object.keys(measured).length > 0) {
        console.log(`database outage: ${JSON.stringify(measured)}`);
      }
    }, 30_000);

    /** A request that must be answered within ANSWER_BOUND_MS; answers the reply and its time. */
    async function timed(path: string, options: Parameters<typeof send>[2] = {}) {
      const started = performance.now();
      const reply = await send(server.url, path, { timeoutMs: ANSWER_BOUND_MS, ...options });
      return { reply, ms: performance.now() - started };
    }

    /** Asks GET /health/ready every 50 ms until it answers `status`; answers how long it took. */
    async function msUntilReady(status: number, since: number, bound: number): Promise<number> {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const { reply } = await timed('/health/ready');
        const at = performance.now() - since;
        if (reply.status === status) {
          return Math.round(at);
        }
        if (at > bound) {
          throw new Error(
            `GET /health/ready still answered ${reply.status} ${Math.round(at)} ms later: ${reply.text}`,
          );
        }
        await sleep(50);
      }
      throw new Error('GET /health/ready never changed');
    }

    function expectUnavailable(reply: Reply): void {
      expectStatus(reply, 503);
      expect(reply.body).toEqual(UNAVAILABLE);
    }

    it('should be ready and serve the API while the database answers', async () => {
      expectStatus((await timed('/health/ready')).reply, 200);
      const profile = await timed('/api/profile', { token: admin });
      expectStatus(profile.reply, 200);
      expect(proxy.openConnections).toBeGreaterThan(0);
    });

    it(`should answer 503 on GET /health/ready within ${NOT_READY_BOUND_MS} ms of the database going down, while GET /health stays 200 and the process keeps running`, async () => {
      const cutAt = performance.now();
      await proxy.cut();
      measured.notReadyAfterMs = await msUntilReady(503, cutAt, NOT_READY_BOUND_MS);
      const ready = await timed('/health/ready');
      expectStatus(ready.reply, 503);
      // Terminus' own body, which probes and dashboards read.
      expect(ready.reply.body).toMatchObject({
        status: 'error',
        error: { database: { status: 'down' } },
        details: { database: { status: 'down' } },
      });
      for (let probe = 0; probe < 5; probe++) {
        expectStatus((await timed('/health')).reply, 200);
      }
      expect(server.running).toBe(true);
    });

    it('should answer API calls with 503, not 500, and promptly, while the database is down', async () => {
      // Past the principal cache's lifetime: what follows cannot be answered from memory.
      await sleep(AUTH_CACHE_TTL_MS + 100);
      const calls: [string, Parameters<typeof send>[2]][] = [
        ['/api/profile', { token: admin }],
        ['/api/projects', { token: admin }],
        [
          '/api/projects',
          { token: admin, method: 'POST', body: { name: 'Down', key: 'while-down' } },
        ],
        ['/api/users', { token: admin }],
        ['/api/personal-access-tokens', { token: admin }],
        ['/api/audit-log', { token: admin }],
        // A well-formed token nobody holds is not called wrong: only the database can tell.
        ['/api/profile', { token: generateTokenSecret() }],
      ];
      let slowest = 0;
      for (const [path, options] of calls) {
        const { reply, ms } = await timed(path, options);
        expectUnavailable(reply);
        slowest = Math.max(slowest, ms);
      }
      measured.slowest503Ms = Math.round(slowest);
      expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
      // Without a token, or with a malformed one, the answer needs no database.
      expectStatus((await timed('/api/profile')).reply, 401);
      expectStatus((await timed('/api/profile', { token: `opat_${'x'.repeat(49)}` })).reply, 401);
      expect(server.running).toBe(true);
    });

    it(`should be ready again by itself within ${READY_AGAIN_BOUND_MS} ms of the database coming back, and serve the API with no restart`, async () => {
      const restoredAt = performance.now();
      await proxy.restore();
      measured.readyAgainAfterMs = await msUntilReady(200, restoredAt, READY_AGAIN_BOUND_MS);
      const profile = await timed('/api/profile', { token: admin });
      expectStatus(profile.reply, 200);
      const created = await timed('/api/projects', {
        token: admin,
        method: 'POST',
        body: { name: 'After the outage', key: 'after-outage' },
      });
      expectStatus(created.reply, 201);
      const listed = await timed('/api/projects?search=after-outage', { token: admin });
      expect((listed.reply.body as { results: { key: string }[] }).results).toEqual([
        expect.objectContaining({ key: 'after-outage' }),
      ]);
      // The same process: it never stopped, and started once.
      expect(server.running).toBe(true);
      expect(server.stdout.split('Serving the API on')).toHaveLength(2);
    });

    it('should answer every request sent while the database goes down and comes back, with 503 rather than 500, and lose no write it acknowledged', async () => {
      const statuses: Record<string, number> = {};
      const acknowledged: string[] = [];
      const failures: string[] = [];
      let slowest = 0;
      let stop = false;
      const worker = async (index: number) => {
        for (let round = 0; round < 500 && !stop; round++) {
          const key = `load${index}-r${round}`;
          const write = round % 2 === 0;
          try {
            const { reply, ms } = await timed(
              '/api/projects',
              write
                ? { token: admin, method: 'POST', body: { name: `Load ${key}`, key } }
                : { token: admin },
            );
            slowest = Math.max(slowest, ms);
            statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
            if (reply.status === 201) {
              acknowledged.push(key);
            } else if (reply.status === 503) {
              expect(reply.body).toEqual(UNAVAILABLE);
            } else if (reply.status !== 200) {
              failures.push(`${reply.status} ${reply.text}`);
            }
          } catch (error) {
            failures.push(String(error));
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, index) => worker(index));
      await sleep(300);
      await proxy.cut();
      await sleep(1_000);
      await proxy.restore();
      await msUntilReady(200, performance.now(), READY_AGAIN_BOUND_MS);
      await sleep(500);
      stop = true;
      await Promise.all(workers);

      measured.loadSlowestMs = Math.round(slowest);
      measured.loadAnswers = Object.values(statuses).reduce((sum, n) => sum + n, 0);
      expect(failures).toEqual([]);
      expect(Object.keys(statuses).sort()).toEqual(['200', '201', '503']);
      expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
      const { rows } = await database.query<{ key: string }>(
        'SELECT key FROM projects WHERE key = ANY($1)',
        [acknowledged],
      );
      expect(rows.map((row) => row.key).sort()).toEqual([...acknowledged].sort());
      // None of it was a 500 in the server's own request log either.
      expect(server.logLines.filter((line) => line.status === 500)).toEqual([]);
      expect(server.running).toBe(true);
    });

    it('should still exit 0 on SIGTERM after the outage', async () => {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
      expect(
        proxy.connections.filter(
          (connection) => !connection.terminated && connection.closedBy === 'client',
        ),
      ).toEqual([]);
    });
  },
);
