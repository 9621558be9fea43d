import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/*
 * The built server (node dist/main.js) and command-line tool (node dist/cli.js) as child processes
 * with exactly the environment a test gives them, for the tests of the service as a process: exit
 * codes, what each prints where, signals, logs. A test that needs a database of its own (not the
 * test file's) gets one from IsolatedDatabase. Every server started here is remembered, and
 * `stopAllServers()` (in afterAll) ends those still running: SIGTERM, then SIGKILL after a bound.
 */

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const CLI = join(ROOT, 'dist', 'cli.js');

/** How long a process may take to exit after SIGTERM before it is killed. */
export const STOP_TIMEOUT_MS = 10_000;

/** The lines of a process's output, without the empty one after the last newline. */
export const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** A port of 127.0.0.1 where nothing listens (now): for a server to listen on, or to be refused. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits for `promise` at most `ms`; the timer does not outlive the wait. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ done: true as const, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let tokenFolder: string | undefined;
/** A temporary folder for the first-admin token files of this test file, removed at its end. */
function tokenFiles(): string {
  if (!tokenFolder) {
    const folder = mkdtempSync(join(tmpdir(), 'pat-first-admin-'));
    tokenFolder = folder;
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  }
  return tokenFolder;
}

/**
 * The environment of a built process: PATH and HOME, production, JSON logs at info, a free port of
 * 127.0.0.1, and no `.env` file (ENV_FILE names one that does not exist) unless the test says so.
 * Nothing else of the test runner's: `extra` gives the rest, and a name given as undefined is unset.
 */
export function processEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    ENV_FILE: join(ROOT, 'no-such-env-file'),
    // Production writes the first admin's token to a file: one of its own for each process, so
    // that servers started in the same working directory never read each other's.
    FIRST_ADMIN_TOKEN_FILE: join(
      tokenFiles(),
      `first-admin-token-${randomBytes(6).toString('hex')}`,
    ),
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) {
      delete env[name];
    } else {
      env[name] = value;
    }
  }
  return env;
}

/**
 * A database of its own for one test of the built processes, of the kind the test file runs on:
 * a temporary data directory (and, on PostgreSQL, a database created for it and dropped after).
 * `env` holds the settings that point a process at it.
 */
export class IsolatedDatabase {
  private constructor(
    readonly kind: 'sqlite' | 'postgres',
    readonly dataDir: string,
    readonly env: Record<string, string>,
    private readonly postgres?: { server: string; url: string; name: string },
  ) {}

  static async create(): Promise<IsolatedDatabase> {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-built-'));
    if (!process.env.DATABASE_URL) {
      return new IsolatedDatabase('sqlite', dataDir, {
        SQLITE_PATH: join(dataDir, 'app.sqlite'),
      });
    }
    const server = process.env.TEST_SERVER_URL!;
    const name = `pat_built_${process.pid}_${randomBytes(4).toString('hex')}`;
    await onServer(server, `CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return new IsolatedDatabase(
      'postgres',
      dataDir,
      { DATABASE_URL: url.toString(), TOKEN_PEPPER: randomBytes(32).toString('base64url') },
      { server, url: url.toString(), name },
    );
  }

  /**
   * Everything the database holds, as bytes. SQLite: every file of the data directory (the
   * database, its -wal and -shm while a connection is open, the pepper). PostgreSQL: pg_dump of
   * the whole database, or, without pg_dump, every row of every table.
   */
  async dump(): Promise<{ source: string; bytes: Buffer }> {
    if (!this.postgres) {
      const files = readdirSync(this.dataDir).sort();
      return {
        source: `files ${files.join(', ')}`,
        bytes: Buffer.concat(files.map((file) => readFileSync(join(this.dataDir, file)))),
      };
    }
    const dumped = await run('pg_dump', ['--no-owner', '--dbname', this.postgres.url], {
      env: process.env,
      timeoutMs: 60_000,
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return null;
      }
      throw error;
    });
    if (dumped) {
      if (dumped.code !== 0) {
        throw new Error(`pg_dump failed: ${dumped.stderr}`);
      }
      return { source: 'pg_dump', bytes: Buffer.from(dumped.stdout, 'utf8') };
    }
    const client = new Client({ connectionString: this.postgres.url });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      const parts: string[] = [];
      for (const { name } of tables.rows) {
        const rows = await client.query(`SELECT * FROM "${name}"`);
        parts.push(`${name}\n${JSON.stringify(rows.rows)}`);
      }
      return { source: 'SELECT * of every table', bytes: Buffer.from(parts.join('\n'), 'utf8') };
    } finally {
      await client.end();
    }
  }

  async dispose(): Promise<void> {
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.postgres) {
      await onServer(
        this.postgres.server,
        `DROP DATABASE IF EXISTS "${this.postgres.name}" WITH (FORCE)`,
      );
    }
  }
}

async function onServer(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const servers = new Set<ServerProcess>();

/** One `node dist/main.js`, its stdout and stderr kept whole. */
export class ServerProcess {
  private out = '';
  private err = '';
  /** How it exited, once it has and its output is read to the end. */
  readonly exited: Promise<Exit>;
  /** performance.now() when the process exited. */
  exitedAt?: number;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.out += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.err += chunk.toString('utf8')));
    child.once('exit', () => (this.exitedAt = performance.now()));
    // 'close', not 'exit': output still in the pipes when the process ends is read first.
    this.exited = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        servers.delete(this);
        resolve({ code, signal });
      }),
    );
  }

  static spawn(env: NodeJS.ProcessEnv, cwd: string): ServerProcess {
    const child = spawn(process.execPath, [MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(child);
    servers.add(server);
    return server;
  }

  /** Spawns and waits until it serves (its start-up line), at most `timeoutMs`. */
  static async start(
    env: NodeJS.ProcessEnv,
    cwd: string,
    timeoutMs?: number,
  ): Promise<ServerProcess> {
    const server = ServerProcess.spawn(env, cwd);
    await server.serving(timeoutMs);
    return server;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The whole log: stdout and stderr. */
  get log(): string {
    return `${this.out}\n${this.err}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The base URL (http://127.0.0.1:<port>), once the start-up line has been printed. */
  get url(): string {
    const started = /Serving the API on (http:\/\/[^\s/]+)\/api/.exec(this.out);
    if (!started) {
      throw new Error(`the server has not started:\n${this.log}`);
    }
    return started[1];
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /**
   * The first admin's secret, if this process issued it: printed under the first-admin banner
   * (development), or written to the file its log names (production).
   */
  get firstAdminToken(): string | undefined {
    if (this.out.includes('FIRST ADMIN TOKEN (shown once)')) {
      return /^\s*token:\s+(opat_\S+)\s*$/m.exec(this.out)?.[1];
    }
    const file = this.firstAdminTokenFile;
    return file ? (JSON.parse(readFileSync(file, 'utf8')) as { token: string }).token : undefined;
  }

  /** The file the log says the first admin's token was written to (production). */
  get firstAdminTokenFile(): string | undefined {
    for (const line of this.logLines) {
      const written =
        /^The first admin's token was written to (.+), readable by its owner only/.exec(
          String(line.msg),
        );
      if (written) {
        return written[1];
      }
    }
    return undefined;
  }

  /** Every JSON line of the log, parsed (on stdout, the first-admin banner is the only other text). */
  get logLines(): Record<string, unknown>[] {
    return this.log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /**
   * The log lines `match` accepts, once there is one: a line written before an answer may reach
   * the test after it. Waits at most `timeoutMs` for the first, then 50 ms for any that follow.
   */
  async waitForLogLines(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs = 2_000,
  ): Promise<Record<string, unknown>[]> {
    const matching = () => this.logLines.filter(match);
    const deadline = Date.now() + timeoutMs;
    while (matching().length === 0 && Date.now() < deadline) {
      await sleep(20);
    }
    await sleep(50);
    return matching();
  }

  /** Waits for the start-up line (30 s at most); fails with the output when it exits first. */
  async serving(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (/Serving the API on http:/.test(this.out)) {
        return;
      }
      if (!this.running) {
        throw new Error(`the server exited before serving:\n${this.log}`);
      }
      await sleep(25);
    }
    throw new Error(`the server did not start in ${timeoutMs} ms:\n${this.log}`);
  }

  /** Waits for the exit at most `ms`; undefined when it is still running then. */
  async exit(ms: number): Promise<Exit | undefined> {
    const result = await within(this.exited, ms);
    return result.done ? result.value : undefined;
  }

  /** SIGTERM, then SIGKILL when it has not exited within the bound; answers how it exited. */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<Exit> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const exited = await within(this.exited, timeoutMs);
      if (!exited.done && this.running) {
        this.child.kill('SIGKILL');
      }
    }
    return this.exited;
  }
}

/** Ends every server this test file started that still runs (for afterAll or afterEach). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...servers].map((server) => server.stop()));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `command` to its end with exactly `env`; killed (SIGKILL) after `timeoutMs`. Rejects when
 * it could not run or finish (the error keeps its code: ENOENT when there is no such command).
 */
function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number },
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(
            Object.assign(
              new Error(`${command} ${args.join(' ')} did not finish: ${error.message}\n${stderr}`),
              { code: error.code },
            ),
          );
          return;
        }
        resolve({
          code: error ? Number(error.code) : 0,
          stdout,
          stderr,
          ms: Math.round(performance.now() - started),
        });
      },
    );
  });
}

/** `node dist/cli.js …` with exactly `env`; its own output, never the server's log. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs = 30_000,
): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { env, cwd, timeoutMs });
}

/** Creates an owner on `database` with the command-line tool; answers its token (the last line of stdout). */
export async function createAdminWithCli(
  database: IsolatedDatabase,
  email: string,
): Promise<{ userId: string; tokenId: string; token: string; stderr: string }> {
  const result = await runCli(
    ['create-admin', '--email', email, '--type', 'owner'],
    processEnv(database.env),
    database.dataDir,
  );
  if (result.code !== 0) {
    throw new Error(`create-admin exited ${result.code}: ${result.stderr}`);
  }
  const lastLine = result.stdout.trim().split('\n').at(-1)!;
  return {
    ...(JSON.parse(lastLine) as { userId: string; tokenId: string; token: string }),
    stderr: result.stderr,
  };
}

/** Whether a new TCP connection to 127.0.0.1:`port` is refused (ECONNREFUSED) within 2 s. */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error(`connecting to port ${port} neither succeeded nor failed in 2 s`));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        resolve(true);
      } else {
        reject(error);
      }
    });
  });
}
