import { ChildProcess, execFile, spawn } from 'node:child_process';
import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { AddressInfo, connect, createServer } from 'node:net';
import { join } from 'node:path';

/*
 * The built server (node dist/main.js) and command-line tool (node dist/cli.js) as child processes
 * with exactly the environment a test gives them, for the tests of the service as a process: exit
 * codes, what each prints where, signals. Every server started here is remembered, and
 * `stopAllServers()` (in afterAll) ends those still running: SIGTERM, then SIGKILL after a bound.
 */

const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'main.js');
export const CLI = join(ROOT, 'dist', 'cli.js');

/** How long a process may take to exit after SIGTERM before it is killed. */
export const STOP_TIMEOUT_MS = 10_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lines of a process's output, without the empty one after the last newline. */
export const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** A port of 127.0.0.1 where nothing listens. */
export function closedPort(): Promise<number> {
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

/**
 * The environment of a built process: PATH and HOME, production, JSON logs at info, a free port of
 * 127.0.0.1, and no `.env` file (ENV_FILE names one that does not exist) unless the test says so.
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

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const servers = new Set<ServerProcess>();

/** One `node dist/main.js`, its stdout and stderr kept whole. */
export class ServerProcess {
  private out = '';
  private err = '';
  readonly exited: Promise<Exit>;
  /** performance.now() when the process exited. */
  exitedAt?: number;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.out += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.err += chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitedAt = performance.now();
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

  /** Spawns and waits until it serves; answers its base URL (http://127.0.0.1:<port>). */
  static async start(env: NodeJS.ProcessEnv, cwd: string): Promise<ServerProcess> {
    const server = ServerProcess.spawn(env, cwd);
    await server.serving();
    return server;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The base URL, once the start-up line has been printed. */
  get url(): string {
    const started = /Serving the API on (http:\/\/[^\s/]+)\/api/.exec(this.out);
    if (!started) {
      throw new Error(`the server has not started:\n${this.out}\n${this.err}`);
    }
    return started[1];
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** The secret printed under the first-admin banner, if this process printed it. */
  get firstAdminToken(): string | undefined {
    return this.out.includes('FIRST ADMIN TOKEN (shown once)')
      ? /^\s*token:\s+(opat_\S+)\s*$/m.exec(this.out)?.[1]
      : undefined;
  }

  /** Every JSON line of stdout, parsed (the first-admin banner is the only other text). */
  get logLines(): Record<string, unknown>[] {
    return this.out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Waits for the start-up line (30 s at most); fails with the output when it exits first. */
  async serving(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (/Serving the API on http:/.test(this.out)) {
        return;
      }
      if (!this.running) {
        throw new Error(`the server exited before serving:\n${this.out}\n${this.err}`);
      }
      await sleep(25);
    }
    throw new Error(`the server did not start in ${timeoutMs} ms:\n${this.out}\n${this.err}`);
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

/** Ends every server this test file started that still runs (for afterAll). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...servers].map((server) => server.stop()));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node dist/cli.js …` with exactly `env`; killed (SIGKILL) after `timeoutMs`. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs = 30_000,
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env, cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`cli ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
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

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: unknown;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Default: a new connection per request, closed after it. */
  agent?: Agent;
  timeoutMs?: number;
}

/** One HTTP request to a server of 127.0.0.1; fails on a connection error or after the timeout. */
export function send(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const url = new URL(path, baseUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, body });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${options.method ?? 'GET'} ${path} timed out`)),
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Like expect(reply.status).toBe(status), but shows the body when it fails. */
export function expectStatus(reply: Reply, status: number): void {
  if (reply.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${reply.status}: ${reply.text}`);
  }
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
