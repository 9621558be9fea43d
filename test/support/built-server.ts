import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * A database of its own for one test of the built server, of the kind the test file runs on:
 * a temporary data directory (and, on PostgreSQL, a database created for it and dropped after).
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

/** The environment of a built process: nothing of the test runner's, only what is given. */
function processEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    ...extra,
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { ...options, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          // Could not run at all (ENOENT, a timeout): keep the code for the caller.
          reject(Object.assign(new Error(error.message), { code: error.code }));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** `node dist/cli.js …` on the database; its own output, never the server's log. */
export function runCli(args: string[], database: IsolatedDatabase): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], {
    env: processEnv(database.env),
    cwd: database.dataDir,
  });
}

/** Creates an owner with the command-line tool and answers its token (the last line of stdout). */
export async function createAdminWithCli(
  database: IsolatedDatabase,
  email: string,
): Promise<{ userId: string; tokenId: string; token: string; stderr: string }> {
  const result = await runCli(['create-admin', '--email', email, '--type', 'owner'], database);
  if (result.code !== 0) {
    throw new Error(`create-admin exited ${result.code}: ${result.stderr}`);
  }
  const lastLine = result.stdout.trim().split('\n').at(-1)!;
  return {
    ...(JSON.parse(lastLine) as { userId: string; tokenId: string; token: string }),
    stderr: result.stderr,
  };
}

/**
 * The real server: `node dist/main.js` as a child process on a free port of 127.0.0.1 (PORT=0,
 * read back from its start-up line), its stdout and stderr kept whole.
 */
export class BuiltServer {
  private stdoutText = '';
  private stderrText = '';
  private exited?: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(
    database: IsolatedDatabase,
    env: Record<string, string> = {},
  ): Promise<BuiltServer> {
    const child = spawn(process.execPath, [MAIN], {
      cwd: database.dataDir,
      env: processEnv({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        ...database.env,
        ...env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not start in 30 s:\n${stdout}\n${stderr}`));
      }, 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const started = /Serving the API on (http:\/\/[^\s/]+)\/api/.exec(stdout);
        if (started) {
          clearTimeout(timer);
          resolve(started[1]);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before serving:\n${stdout}\n${stderr}`));
      });
    });
    const server = new BuiltServer(child, url);
    server.stdoutText = stdout;
    server.stderrText = stderr;
    child.stdout.removeAllListeners('data');
    child.stderr.removeAllListeners('data');
    child.stdout.on('data', (chunk: Buffer) => (server.stdoutText += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (server.stderrText += chunk.toString('utf8')));
    server.exited = exited;
    return server;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The whole log: stdout and stderr. */
  get log(): string {
    return `${this.stdoutText}\n${this.stderrText}`;
  }

  /** The log's JSON lines, parsed. */
  get logLines(): Record<string, unknown>[] {
    return this.log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** SIGTERM, then waits for the process to finish its requests and exit (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(killer);
  }
}
