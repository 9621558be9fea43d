import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Agent } from 'node:http';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import {
  connectionRefused,
  freePort,
  IsolatedDatabase,
  lines,
  processEnv,
  ServerProcess,
  stopAllServers,
  within,
} from './support/child-process';
import { expectStatus, send } from './support/http';
import { eventually, SECRET, UUID } from './support/spec-helpers';
import { TcpProxy } from './support/tcp-proxy';

/*
 * The built server (node dist/main.js) as a platform team runs it: how it stops on a bad setting,
 * where it reads its settings from, what it prints on its first start, how it shuts down on SIGTERM
 * with a request in flight, and its request log. Runs on the database of the project.
 *
 * The request in flight during SIGTERM is made slow honestly, without any test hook in the server:
 * - on both databases, a client that uploads its body slowly: it sends the headers of
 *   `POST /api/projects` with `Expect: 100-continue`, waits for the server's `100 Continue` (the
 *   server has the request), then the server gets SIGTERM, and only then the body is sent;
 * - on PostgreSQL also a request waiting for a row lock: the test holds `SELECT … FOR UPDATE` on a
 *   project while `PUT /api/projects/{id}` waits to update it, and sends SIGTERM meanwhile.
 * Both are sent on kept-alive connections, as a load balancer would, so that a server which only
 * waits for idle connections to go away would never exit.
 */

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const ROOT = join(__dirname, '..');
/** How long a stopped process may take to exit once its last request is answered. */
const EXIT_BOUND_MS = 5_000;

/** A temporary folder, removed in afterAll. */
const folders: string[] = [];
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'pat-process-'));
  folders.push(path);
  return path;
}

const databases: IsolatedDatabase[] = [];
async function isolatedDatabase(): Promise<IsolatedDatabase> {
  const database = await IsolatedDatabase.create();
  databases.push(database);
  return database;
}

/** `KEY=value` lines for a .env file. */
const envFile = (settings: Record<string, string>) =>
  `# written by server-process.e2e-spec.ts\n${Object.entries(settings)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`;

/** Rows of the test's database, read directly (after the server is gone, on SQLite). */
async function queryDatabase(
  database: IsolatedDatabase,
  sql: { postgres: string; sqlite: string },
  parameters: unknown[],
): Promise<Record<string, unknown>[]> {
  if (database.kind === 'sqlite') {
    const sqlite = new Database(database.env.SQLITE_PATH, { readonly: true });
    try {
      return sqlite.prepare(sql.sqlite).all(...parameters) as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  }
  const client = new Client({ connectionString: database.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql.postgres, parameters)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('the server as a process (node dist/main.js)', () => {
  const proxies: TcpProxy[] = [];
  const sockets: Socket[] = [];
  const agents: Agent[] = [];
  const measured: Record<string, number> = {};

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    agents.forEach((agent) => agent.destroy());
    await stopAllServers();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await Promise.all(databases.map((database) => database.dispose()));
    folders.forEach((path) => rmSync(path, { recursive: true, force: true }));
    if (Object.keys(measured).length > 0) {
      console.log(
        `server process (${ON_POSTGRES ? 'PostgreSQL' : 'SQLite'}): ${JSON.stringify(measured)}`,
      );
    }
  }, 60_000);

  /** On PostgreSQL, the database's settings with DATABASE_URL through a proxy of the test's. */
  async function throughProxy(database: IsolatedDatabase): Promise<{
    env: Record<string, string>;
    proxy?: TcpProxy;
  }> {
    if (database.kind !== 'postgres') {
      return { env: database.env };
    }
    const target = new URL(database.env.DATABASE_URL);
    const proxy = await TcpProxy.start({
      host: target.hostname,
      port: Number(target.port || 5432),
    });
    proxies.push(proxy);
    return {
      env: { ...database.env, DATABASE_URL: proxy.rewrite(database.env.DATABASE_URL) },
      proxy,
    };
  }

  describe('a bad setting', () => {
    let database: IsolatedDatabase;

    beforeAll(async () => {
      database = await isolatedDatabase();
    });

    /** Starts the server with `settings` over the database's; answers how it ended, within 20 s. */
    async function startWith(settings: Record<string, string | undefined>) {
      const server = ServerProcess.spawn(
        processEnv({ ...database.env, ...settings }),
        database.dataDir,
      );
      const exit = await server.exit(20_000);
      return { exit, stdout: server.stdout, stderr: server.stderr };
    }

    it.each<[string, Record<string, string | undefined>, RegExp]>([
      [
        'PORT',
        { PORT: 'abc' },
        /^Invalid configuration: PORT must be an integer between 0 and 65535 \(got "abc"\)$/,
      ],
      [
        'LOG_LEVEL',
        { LOG_LEVEL: 'loud' },
        /^Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)$/,
      ],
      [
        'TOKEN_PEPPER',
        {
          DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pat',
          TOKEN_PEPPER: undefined,
          SQLITE_PATH: undefined,
        },
        /^Invalid configuration: TOKEN_PEPPER must be set \(a random string of at least 32 characters\) when DATABASE_URL points at PostgreSQL$/,
      ],
      [
        'AUDIT_LOG_RETENTION_DAYS',
        { AUDIT_LOG_RETENTION_DAYS: '-1' },
        /^Invalid configuration: AUDIT_LOG_RETENTION_DAYS must be a whole number of days \(0 keeps entries forever\) \(got "-1"\)$/,
      ],
      [
        'DATABASE_POOL_SIZE',
        { DATABASE_POOL_SIZE: '0' },
        /^Invalid configuration: DATABASE_POOL_SIZE must be an integer between 2 and 200 \(got "0"\)$/,
      ],
      [
        'NODE_ENV',
        { NODE_ENV: 'staging' },
        /^Invalid configuration: NODE_ENV .*\(got "staging"\)$/,
      ],
    ])(
      'should exit 1 with exactly one line on stderr naming %s, and no stack trace',
      async (variable, settings, message) => {
        const { exit, stdout, stderr } = await startWith(settings);
        expect(exit).toEqual({ code: 1, signal: null });
        expect(lines(stderr)).toEqual([expect.stringMatching(message)]);
        expect(stderr).toContain(variable);
        expect(stdout).toBe('');
      },
    );

    it('should exit 1 with exactly one line on stderr when the database cannot be reached at start', async () => {
      let settings: Record<string, string>;
      let message: RegExp;
      if (ON_POSTGRES) {
        settings = { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/pat` };
        message = /^Could not start: connect ECONNREFUSED 127\.0\.0\.1:\d+$/;
      } else {
        const blocker = join(folder(), 'not-a-folder');
        writeFileSync(blocker, '');
        settings = { SQLITE_PATH: join(blocker, 'app.sqlite') };
        message = /^Could not start: (EEXIST|ENOTDIR): .*not-a-folder'$/;
      }
      const { exit, stdout, stderr } = await startWith(settings);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(lines(stderr)).toEqual([expect.stringMatching(message)]);
      // Not Nest's buffered start-up log, nor the error's stack, before that line.
      expect(stdout).toBe('');
    });
  });

  describe('migrations applied by hand (DATABASE_MIGRATIONS_RUN=false)', () => {
    /**
     * The built package as a host gets it: package.json, scripts/ and dist/, no src/, and the
     * production dependencies only (a preloaded hook refuses to load any dev dependency).
     */
    function builtPackage(): { dir: string; nodeOptions: string } {
      const dir = folder();
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
      };
      const devOnly = Object.keys(pkg.devDependencies).filter((name) => !pkg.dependencies[name]);
      const hook = join(dir, 'no-dev-dependencies.js');
      writeFileSync(
        hook,
        `const Module = require('node:module');
const devOnly = new Set(${JSON.stringify(devOnly)});
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
  if (devOnly.has(name)) throw new Error('a dev dependency was loaded: ' + request);
  return resolve.call(this, request, ...rest);
};
`,
      );
      return { dir, nodeOptions: `--require ${hook}` };
    }

    it('should refuse to start on a database that lacks migrations, saying how to apply them; apply them with npm run migration:run from the built package alone; then start', async () => {
      const database = await isolatedDatabase();
      const built = builtPackage();
      const env = processEnv({ ...database.env, DATABASE_MIGRATIONS_RUN: 'false' });

      const refused = ServerProcess.spawn(env, built.dir);
      expect(await refused.exit(20_000)).toEqual({ code: 1, signal: null });
      expect(lines(refused.stderr)).toEqual([
        expect.stringMatching(
          /^Could not start: the database lacks \d+ migration\(s\) and DATABASE_MIGRATIONS_RUN=false: apply them with `node dist\/cli\.js migrate` \(or `npm run migration:run`\)/,
        ),
      ]);

      const migrate = () =>
        spawnSync('npm', ['run', '-s', 'migration:run'], {
          cwd: built.dir,
          env: { ...env, NODE_OPTIONS: built.nodeOptions },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const first = migrate();
      expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
      const applied = JSON.parse(lines(first.stdout).at(-1)!) as { applied: string[] };
      expect(applied.applied.length).toBeGreaterThan(3);
      // Again: nothing left to apply.
      const second = migrate();
      expect(second.status).toBe(0);
      expect(JSON.parse(lines(second.stdout).at(-1)!)).toEqual({ applied: [] });

      const server = await ServerProcess.start(env, built.dir);
      expectStatus(await send(server.url, '/health/ready'), 200);
      await server.stop();
    }, 120_000);
  });

  describe('settings from a .env file', () => {
    it('should read a .env file in the working directory, the environment winning over it', async () => {
      const database = await isolatedDatabase();
      const cwd = folder();
      // The database and the first admin come from the file alone; PORT, LOG_LEVEL and LOG_FORMAT
      // are set in both, and the file's values would stop the server or change its log.
      writeFileSync(
        join(cwd, '.env'),
        envFile({
          ...database.env,
          BOOTSTRAP_ADMIN_EMAIL: 'from-the-file@example.com',
          PORT: 'abc',
          LOG_LEVEL: 'loud',
          LOG_FORMAT: 'pretty',
        }),
      );
      const server = await ServerProcess.start(processEnv({ ENV_FILE: undefined }), cwd);
      const token = server.firstAdminToken!;
      expect(token).toBeDefined();
      const profile = await send(server.url, '/api/profile', { token });
      expectStatus(profile, 200);
      expect(profile.body).toMatchObject({ email: 'from-the-file@example.com', type: 'owner' });
      // The environment's LOG_FORMAT=json won: every line but the banner is JSON.
      expect(server.logLines.length).toBeGreaterThan(0);
      if (database.kind === 'sqlite') {
        expect(existsSync(database.env.SQLITE_PATH)).toBe(true);
      }
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    });

    it('should read the file ENV_FILE names instead of the working directory’s .env', async () => {
      const database = await isolatedDatabase();
      const cwd = folder();
      const elsewhere = join(folder(), 'service.env');
      writeFileSync(join(cwd, '.env'), envFile({ PORT: 'abc' }));
      writeFileSync(
        elsewhere,
        envFile({ ...database.env, BOOTSTRAP_ADMIN_EMAIL: 'from-env-file@example.com' }),
      );
      const server = await ServerProcess.start(processEnv({ ENV_FILE: elsewhere }), cwd);
      const profile = await send(server.url, '/api/profile', { token: server.firstAdminToken });
      expectStatus(profile, 200);
      expect(profile.body).toMatchObject({ email: 'from-env-file@example.com' });
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    });

    it('should stop with the same one line for a bad value in the .env file', async () => {
      const cwd = folder();
      writeFileSync(
        join(cwd, '.env'),
        envFile({ LOG_LEVEL: 'loud', SQLITE_PATH: join(cwd, 'x.sqlite') }),
      );
      const server = ServerProcess.spawn(
        processEnv({ ENV_FILE: undefined, LOG_LEVEL: undefined }),
        cwd,
      );
      expect(await server.exit(20_000)).toEqual({ code: 1, signal: null });
      expect(lines(server.stderr)).toEqual([
        expect.stringMatching(
          /^Invalid configuration: LOG_LEVEL must be one of .* \(got "loud"\)$/,
        ),
      ]);
    });
  });

  it('should write the first admin token once, on the first start only, to a file only its owner can read (production)', async () => {
    const database = await isolatedDatabase();
    const first = await ServerProcess.start(processEnv(database.env), database.dataDir);
    const token = first.firstAdminToken!;
    expect(token).toMatch(SECRET);
    const file = first.firstAdminTokenFile!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      userId: expect.stringMatching(UUID) as string,
      tokenId: expect.stringMatching(UUID) as string,
      token,
    });
    // Neither on stdout nor on stderr: only the file's path is logged.
    expect(first.log).not.toContain(token.slice(5));
    expect(first.stdout).not.toContain('FIRST ADMIN TOKEN');
    const profile = await send(first.url, '/api/profile', { token });
    expectStatus(profile, 200);
    expect(profile.body).toMatchObject({
      email: 'admin@localhost',
      type: 'owner',
      status: 'active',
    });
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const second = await ServerProcess.start(processEnv(database.env), database.dataDir);
    expect(second.firstAdminTokenFile).toBeUndefined();
    expect(second.stdout).not.toContain('opat_');
    expectStatus(await send(second.url, '/api/profile', { token }), 200);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
  });

  describe('SIGTERM with a request in flight', () => {
    /**
     * That the database was closed by the process itself, not just dropped by its exit: SQLite
     * removes the -wal and -shm files when its last connection closes; PostgreSQL connections
     * closed by the pool end with a Terminate message, which the proxy sees.
     */
    function expectDatabaseClosed(database: IsolatedDatabase, proxy?: TcpProxy): void {
      if (database.kind === 'sqlite') {
        expect(readdirSync(database.dataDir).filter((file) => /-(wal|shm)$/.test(file))).toEqual(
          [],
        );
        return;
      }
      expect(proxy!.connections.length).toBeGreaterThan(0);
      expect(proxy!.openConnections).toBe(0);
      expect(proxy!.connections.filter((connection) => !connection.terminated)).toEqual([]);
    }

    /** SIGTERM, then: the handler ran, new connections are refused, and it still runs. */
    async function terminateWhileInFlight(server: ServerProcess): Promise<number> {
      const sentAt = performance.now();
      server.child.kill('SIGTERM');
      const stopping = () => server.stdout.includes('SIGTERM received');
      expect(await eventually(stopping, Boolean, 5_000)).toBe(true);
      expect(await eventually(() => connectionRefused(server.port), Boolean, 5_000)).toBe(true);
      return sentAt;
    }

    it('should let a slowly uploaded request finish with its answer, refuse new connections, close the database and exit 0 on one SIGTERM', async () => {
      const database = await isolatedDatabase();
      const { env, proxy } = await throughProxy(database);
      const server = await ServerProcess.start(processEnv(env), database.dataDir);
      const token = server.firstAdminToken!;

      // An idle kept-alive connection: the server must close it, not wait for it.
      const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(idleAgent);
      expectStatus(await send(server.url, '/health', { agent: idleAgent }), 200);
      const [idle] = Object.values(idleAgent.freeSockets).flat();
      expect(idle).toBeDefined();
      const idleClosed = new Promise<void>((resolve) => idle!.once('close', () => resolve()));

      // The in-flight request: headers now, body after SIGTERM.
      const body = JSON.stringify({
        name: 'Created while stopping',
        key: 'created-while-stopping',
      });
      const upload = connect({ host: '127.0.0.1', port: server.port });
      sockets.push(upload);
      let answer = '';
      /** The final answer after `100 Continue`: its head and body once complete, else null. */
      const finalAnswer = () => {
        const start = answer.indexOf('\r\n\r\n') + 4;
        const split = answer.indexOf('\r\n\r\n', start);
        const length = /^content-length: (\d+)\r$/im.exec(answer.slice(start, split));
        return split > 0 && length && answer.length - split - 4 >= Number(length[1])
          ? { head: answer.slice(start, split), body: answer.slice(split + 4) }
          : null;
      };
      const continued = new Promise<void>((resolve) =>
        upload.on('data', (chunk: Buffer) => {
          answer += chunk.toString('utf8');
          if (answer.startsWith('HTTP/1.1 100 Continue')) {
            resolve();
          }
        }),
      );
      // Answered (or the connection closed without an answer).
      const answered = new Promise<number>((resolve) => {
        upload.on('data', () => finalAnswer() && resolve(performance.now()));
        upload.once('close', () => resolve(performance.now()));
      });
      const closed = new Promise<void>((resolve) => upload.once('close', () => resolve()));
      upload.write(
        [
          'POST /api/projects HTTP/1.1',
          `Host: 127.0.0.1:${server.port}`,
          `Authorization: Bearer ${token}`,
          'Content-Type: application/json',
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Expect: 100-continue',
          'X-Request-Id: slow-upload-1',
          '',
          '',
        ].join('\r\n'),
      );
      await continued;

      const sigterm = await terminateWhileInFlight(server);
      await idleClosed;
      await sleep(300);
      expect(server.running).toBe(true);

      upload.write(body);
      const answeredAt = await answered;
      const response = finalAnswer();
      expect(response?.head).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
      expect(response?.head).toMatch(/^x-request-id: slow-upload-1\r?$/im);
      expect(JSON.parse(response!.body)).toMatchObject({
        name: 'Created while stopping',
        key: 'created-while-stopping',
      });

      const exit = await server.exit(EXIT_BOUND_MS);
      expect(exit).toEqual({ code: 0, signal: null });
      // The connection it came on was closed once answered: nothing held the process.
      expect(response?.head).toMatch(/^connection: close\r?$/im);
      expect((await within(closed, 1_000)).done).toBe(true);
      measured.slowUploadExitAfterAnswerMs = Math.round(server.exitedAt! - answeredAt);
      measured.slowUploadSigtermToExitMs = Math.round(server.exitedAt! - sigterm);
      expect(server.stderr).toBe('');
      expectDatabaseClosed(database, proxy);
      const rows = await queryDatabase(
        database,
        {
          postgres: 'SELECT name FROM projects WHERE key = $1',
          sqlite: 'SELECT name FROM projects WHERE key = ?',
        },
        ['created-while-stopping'],
      );
      expect(rows).toEqual([{ name: 'Created while stopping' }]);
    });

    (ON_POSTGRES ? it : it.skip)(
      `should let a request waiting on a row lock finish with its answer once the lock is released, then exit 0 on one SIGTERM${ON_POSTGRES ? '' : ' (PostgreSQL only: SQLite has no row locks; the slow upload above is its request in flight)'}`,
      async () => {
        const database = await isolatedDatabase();
        const { env, proxy } = await throughProxy(database);
        const server = await ServerProcess.start(processEnv(env), database.dataDir);
        const token = server.firstAdminToken!;
        const created = await send(server.url, '/api/projects', {
          method: 'POST',
          token,
          body: { name: 'Locked', key: 'locked-project' },
        });
        expectStatus(created, 201);
        const projectId = (created.body as { id: string }).id;

        const locker = new Client({ connectionString: database.env.DATABASE_URL });
        await locker.connect();
        try {
          await locker.query('BEGIN');
          await locker.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
          // Kept alive, as a load balancer's connection would be.
          const agent = new Agent({ keepAlive: true });
          agents.push(agent);
          const update = send(server.url, `/api/projects/${projectId}`, {
            method: 'PUT',
            token,
            body: { name: 'Renamed while stopping' },
            agent,
            timeoutMs: 20_000,
          }).then((reply) => ({ reply, at: performance.now() }));
          const waiting = async () => {
            const { rows } = await locker.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'pat-service'",
            );
            return Number(rows[0].n) === 1;
          };
          expect(await eventually(waiting, Boolean, 5_000)).toBe(true);

          const sigterm = await terminateWhileInFlight(server);
          await sleep(1_000);
          expect(server.running).toBe(true);
          const releasedAt = performance.now();
          await locker.query('COMMIT');

          const { reply, at } = await update;
          expectStatus(reply, 200);
          expect(reply.body).toMatchObject({ id: projectId, name: 'Renamed while stopping' });
          const exit = await server.exit(EXIT_BOUND_MS);
          expect(exit).toEqual({ code: 0, signal: null });
          expect(reply.headers.connection).toBe('close');
          measured.rowLockAnswerAfterReleaseMs = Math.round(at - releasedAt);
          measured.rowLockExitAfterAnswerMs = Math.round(server.exitedAt! - at);
          measured.rowLockSigtermToExitMs = Math.round(server.exitedAt! - sigterm);
          expect(server.stderr).toBe('');
          expectDatabaseClosed(database, proxy);
          const { rows } = await locker.query<{ name: string }>(
            'SELECT name FROM projects WHERE id = $1',
            [projectId],
          );
          expect(rows).toEqual([{ name: 'Renamed while stopping' }]);
        } finally {
          await locker.end();
        }
      },
    );
  });

  describe('the request log', () => {
    let server: ServerProcess;
    let token: string;

    beforeAll(async () => {
      const database = await isolatedDatabase();
      server = await ServerProcess.start(processEnv(database.env), database.dataDir);
      token = server.firstAdminToken!;
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
    }, 20_000);

    /** The lines that describe request `id` (a request line has a method); waits for its first. */
    const linesOf = (id: string) =>
      server.waitForLogLines((line) => line.requestId === id && 'method' in line);

    it('should write one JSON line per request with method, route, path, status, duration and request id, and answer X-Request-Id', async () => {
      const created = await send(server.url, '/api/projects', {
        method: 'POST',
        token,
        body: { name: 'Logged', key: 'logged-project' },
      });
      expectStatus(created, 201);
      const projectId = (created.body as { id: string }).id;

      const cases: [string, string, string | undefined, number, string | null][] = [
        [
          'log-read-1',
          `/api/projects/${projectId}?search=not-logged`,
          token,
          200,
          '/api/projects/:projectId',
        ],
        ['log-unauthenticated-1', '/api/profile', undefined, 401, '/api/profile'],
        ['log-unknown-route-1', '/api/no-such-route?x=1', token, 404, null],
        ['log-bad-url-1', '/api/%zz', undefined, 400, null],
      ];
      for (const [id, path, bearer, status, route] of cases) {
        const reply = await send(server.url, path, {
          token: bearer,
          headers: { 'X-Request-Id': id },
        });
        expect(reply.status).toBe(status);
        expect(reply.headers['x-request-id']).toBe(id);
        const logged = await linesOf(id);
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatchObject({
          requestId: id,
          method: 'GET',
          route,
          path: path.split('?')[0],
          status,
        });
        expect(typeof logged[0].durationMs).toBe('number');
        expect(logged[0].durationMs as number).toBeGreaterThanOrEqual(0);
        expect(JSON.stringify(logged)).not.toContain('not-logged');
      }
    });

    it('should answer a new UUID as X-Request-Id, and log it, for a request without one or with one that looks like a token', async () => {
      const tokenLike = `opat_${randomBytes(8).toString('hex')}`;
      for (const headers of [{} as Record<string, string>, { 'X-Request-Id': tokenLike }]) {
        const reply = await send(server.url, '/health', { headers });
        expectStatus(reply, 200);
        const id = reply.headers['x-request-id'] as string;
        expect(id).toMatch(UUID);
        const logged = await linesOf(id);
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatchObject({
          method: 'GET',
          route: '/health',
          path: '/health',
          status: 200,
        });
      }
      expect(server.stdout).not.toContain(tokenLike);
    });

    it('should answer a raw non-ASCII byte in the query string with the usual JSON error, a request id and the security headers, and log it', async () => {
      // What curl sends for `curl 'http://…/api/profile?q=é'`: the UTF-8 bytes, not %C3%A9.
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () =>
          socket.write(
            Buffer.concat([
              Buffer.from('GET /api/profile?q='),
              Buffer.from('é', 'utf8'),
              Buffer.from(' HTTP/1.1\r\nHost: localhost\r\n\r\n'),
            ]),
          ),
        );
        sockets.push(socket);
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      const [head, body] = raw.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(body)).toEqual({
        statusCode: 400,
        message: expect.stringMatching(/must be percent-encoded/),
        error: 'Bad Request',
      });
      expect(headers['content-type']).toMatch(/^application\/json/);
      expect(headers['x-request-id']).toMatch(UUID);
      // The security headers every other answer carries.
      expect(headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'strict-transport-security': expect.any(String),
      });
      const logged = await server.waitForLogLines(
        (line) => line.requestId === headers['x-request-id'],
      );
      expect(logged).toEqual([
        expect.objectContaining({
          level: 40,
          method: 'GET',
          path: '/api/profile',
          status: 400,
          reason: 'HPE_INVALID_URL',
          msg: 'request refused',
        }),
      ]);
    });

    it("should not write Nest's route-mapping lines at info (they are debug)", () => {
      const mapping = server.logLines.filter((line) =>
        ['RoutesResolver', 'RouterExplorer'].includes(String(line.context)),
      );
      expect(mapping).toEqual([]);
      // The start-up line itself is still there.
      expect(server.log).toContain('Serving the API on');
    });

    it('should write nothing but JSON lines on stdout besides the first-admin banner', () => {
      const banner =
        /^(=+( FIRST ADMIN TOKEN \(shown once\) =+)?| {2}(user id|token id|token|Use it as): .*)$/;
      const others = lines(server.stdout).filter((line) => line !== '' && !banner.test(line));
      expect(others.length).toBeGreaterThan(0);
      for (const line of others) {
        expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
    });
  });
});
