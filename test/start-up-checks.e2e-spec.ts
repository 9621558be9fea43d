import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IsolatedDatabase,
  lines,
  processEnv,
  runCli,
  ServerProcess,
  stopAllServers,
} from './support/child-process';
import { expectStatus, send } from './support/http';

/*
 * What the server and the command-line tool check when they start, as built processes: the pepper
 * is the one the database was first started with; on SQLite, the database and pepper files are
 * readable by their owner only, and an empty or short pepper file is refused.
 */

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const PEPPER_MISMATCH =
  /^(error: |Could not start: )TOKEN_PEPPER is (not|unset and the pepper file .+ is not) the pepper this database was first started with: every stored token would be refused; .*TOKEN_PEPPER.*$/;
const mode = (path: string) => statSync(path).mode & 0o777;

/** Starts a server that must refuse to start; answers its exit code and its stderr lines. */
async function refusedStart(env: NodeJS.ProcessEnv, cwd: string) {
  const server = ServerProcess.spawn(env, cwd);
  const exit = await server.exit(30_000);
  return {
    code: exit?.code,
    stderr: lines(server.stderr),
    served: server.stdout.includes('Serving'),
  };
}

describe('the pepper check', () => {
  let database: IsolatedDatabase;
  /** The pepper the database is first started with: TOKEN_PEPPER, or (SQLite) its file's. */
  let pepper: string;
  const wrongPepper = randomBytes(32).toString('base64url');
  const cli = (env: NodeJS.ProcessEnv, email: string) =>
    runCli(['create-admin', '--email', email], env, database.dataDir);

  beforeAll(async () => {
    database = await IsolatedDatabase.create();
    const first = await ServerProcess.start(processEnv(database.env), database.dataDir);
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    pepper =
      database.env.TOKEN_PEPPER ?? readFileSync(join(database.dataDir, 'token-pepper'), 'utf8');
  });

  afterAll(async () => {
    await stopAllServers();
    await database?.dispose();
  });

  it('should store a verifier of the pepper on the first start, never the pepper', async () => {
    // On SQLite, the database's own files (the pepper file beside them is where it belongs).
    const bytes = ON_POSTGRES
      ? (await database.dump()).bytes
      : Buffer.concat(
          readdirSync(database.dataDir)
            .filter((file) => file.startsWith('app.sqlite'))
            .map((file) => readFileSync(join(database.dataDir, file))),
        );
    expect(bytes.includes(Buffer.from('pepper_verifiers'))).toBe(true);
    expect(bytes.includes(Buffer.from(pepper.trim()))).toBe(false);
  });

  it('should refuse to start the server with another TOKEN_PEPPER, in one line naming it', async () => {
    const refused = await refusedStart(
      processEnv({ ...database.env, TOKEN_PEPPER: wrongPepper }),
      database.dataDir,
    );
    expect(refused).toEqual({
      code: 1,
      stderr: [expect.stringMatching(PEPPER_MISMATCH)],
      served: false,
    });
  });

  it('should refuse to run the command-line tool with another TOKEN_PEPPER, in one line naming it, creating nothing', async () => {
    const refused = await cli(
      processEnv({ ...database.env, TOKEN_PEPPER: wrongPepper }),
      'wrong-pepper@example.com',
    );
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 1, stdout: '' });
    expect(lines(refused.stderr)).toEqual([expect.stringMatching(PEPPER_MISMATCH)]);
    // Nothing was created: the same command with the right pepper is not refused as a duplicate.
    const created = await cli(processEnv(database.env), 'wrong-pepper@example.com');
    expect(created.code).toBe(0);
    const { token } = JSON.parse(lines(created.stdout).at(-1)!) as { token: string };

    // And the right pepper still starts the server, which accepts what the tool printed.
    const server = await ServerProcess.start(processEnv(database.env), database.dataDir);
    expectStatus(await send(server.url, '/api/profile', { token }), 200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });

  (ON_POSTGRES ? it.skip : it)(
    'should refuse to start with a pepper file that is not the original, naming the file and TOKEN_PEPPER (SQLite)',
    async () => {
      const file = join(database.dataDir, 'token-pepper');
      writeFileSync(file, randomBytes(32).toString('base64url'));
      try {
        const refused = await refusedStart(processEnv(database.env), database.dataDir);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toEqual([expect.stringMatching(PEPPER_MISMATCH)]);
        expect(refused.stderr[0]).toContain(file);
      } finally {
        writeFileSync(file, pepper);
      }
    },
  );
});

describe("the first admin's token in production", () => {
  const databases: IsolatedDatabase[] = [];
  const database = async () => {
    const created = await IsolatedDatabase.create();
    databases.push(created);
    return created;
  };
  const TOKEN = /opat_[0-9A-Za-z]{49}/;

  afterAll(async () => {
    await stopAllServers();
    for (const created of databases) {
      await created.dispose();
    }
  });

  it('should write it to a file of mode 0600 beside the data by default, log only the path, and never print it', async () => {
    const db = await database();
    // Unset: the default, beside the SQLite file (data/ in the working directory on PostgreSQL).
    const server = await ServerProcess.start(
      processEnv({ ...db.env, FIRST_ADMIN_TOKEN_FILE: undefined }),
      db.dataDir,
    );
    const expected = ON_POSTGRES
      ? join(db.dataDir, 'data', 'first-admin-token')
      : join(db.dataDir, 'first-admin-token');
    expect(server.firstAdminTokenFile).toBe(expected);
    expect(mode(expected)).toBe(0o600);
    const { token } = JSON.parse(readFileSync(expected, 'utf8')) as { token: string };
    expect(token).toMatch(TOKEN);
    // stdout and stderr (where logs are shipped) hold no token, only the path.
    expect(server.stdout).not.toMatch(TOKEN);
    expect(server.stderr).not.toMatch(TOKEN);
    expect(server.stdout).not.toContain('FIRST ADMIN TOKEN');
    expectStatus(await send(server.url, '/api/profile', { token }), 200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });

  it('should write it where FIRST_ADMIN_TOKEN_FILE says, creating its folder 0700', async () => {
    const db = await database();
    const file = join(db.dataDir, 'secrets', 'deep', 'admin.json');
    const server = await ServerProcess.start(
      processEnv({ ...db.env, FIRST_ADMIN_TOKEN_FILE: file }),
      db.dataDir,
    );
    expect(server.firstAdminTokenFile).toBe(file);
    expect({ file: mode(file), folder: mode(join(db.dataDir, 'secrets', 'deep')) }).toEqual({
      file: 0o600,
      folder: 0o700,
    });
    expect(server.log).not.toMatch(TOKEN);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });

  it('should keep printing it on stdout in development, writing no file', async () => {
    const db = await database();
    const file = join(db.dataDir, 'admin-token');
    const server = await ServerProcess.start(
      processEnv({ ...db.env, NODE_ENV: 'development', FIRST_ADMIN_TOKEN_FILE: file }),
      db.dataDir,
    );
    expect(server.stdout).toContain('FIRST ADMIN TOKEN (shown once)');
    expect(server.firstAdminToken).toMatch(TOKEN);
    expect(server.firstAdminTokenFile).toBeUndefined();
    expect(readdirSync(db.dataDir)).not.toContain('admin-token');
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });
});

(ON_POSTGRES ? describe.skip : describe)('the SQLite files (SQLite)', () => {
  const folders: string[] = [];
  /** A data folder that does not exist yet, inside a new temporary folder. */
  const dataFolder = () => {
    const parent = mkdtempSync(join(tmpdir(), 'pat-files-'));
    folders.push(parent);
    return join(parent, 'data');
  };
  const sqliteEnv = (data: string) =>
    processEnv({ SQLITE_PATH: join(data, 'app.sqlite'), TOKEN_PEPPER: undefined });

  afterAll(async () => {
    await stopAllServers();
    for (const folder of folders) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('should create the database, its -wal and -shm files and the pepper file readable by their owner only, under umask 022', async () => {
    expect(process.umask()).toBe(0o022);
    for (const creator of ['server', 'command-line tool'] as const) {
      const data = dataFolder();
      const env = sqliteEnv(data);
      let server: ServerProcess;
      if (creator === 'server') {
        server = await ServerProcess.start(env, join(data, '..'));
      } else {
        const created = await runCli(
          ['create-admin', '--email', 'files@example.com'],
          env,
          join(data, '..'),
        );
        expect(created.code).toBe(0);
        server = await ServerProcess.start(env, join(data, '..'));
      }
      // While the server runs, SQLite's -wal and -shm files exist.
      const files = ['app.sqlite', 'app.sqlite-wal', 'app.sqlite-shm', 'token-pepper'];
      expect(Object.fromEntries(files.map((file) => [file, mode(join(data, file))]))).toEqual(
        Object.fromEntries(files.map((file) => [file, 0o600])),
      );
      expect({ creator, folder: mode(data) }).toEqual({ creator, folder: 0o700 });
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('should make an existing database file readable by its owner only on start', async () => {
    const data = dataFolder();
    const env = sqliteEnv(data);
    const server = await ServerProcess.start(env, join(data, '..'));
    await server.stop();
    chmodSync(join(data, 'app.sqlite'), 0o644);
    const again = await ServerProcess.start(env, join(data, '..'));
    expect(mode(join(data, 'app.sqlite'))).toBe(0o600);
    await again.stop();
  });

  it.each([
    ['an empty', ''],
    ['a short', 'abc123'],
    ['a blank', '   \n'],
  ])(
    'should refuse to start the server and the command-line tool with %s pepper file, in one line',
    async (_kind, content) => {
      const data = dataFolder();
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'token-pepper'), content);
      const env = sqliteEnv(data);
      const message = new RegExp(
        `The pepper file ${join(data, 'token-pepper').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} must hold a random string of at least 32 characters \\(it holds ${content.trim().length}\\): restore it, or set TOKEN_PEPPER$`,
      );

      const refused = await refusedStart(env, join(data, '..'));
      expect(refused.code).toBe(1);
      expect(refused.served).toBe(false);
      expect(refused.stderr).toEqual([expect.stringMatching(message)]);

      const tool = await runCli(['create-admin', '--email', 'x@example.com'], env, data);
      expect({ code: tool.code, stdout: tool.stdout }).toEqual({ code: 1, stdout: '' });
      expect(lines(tool.stderr)).toEqual([expect.stringMatching(message)]);
    },
  );
});

if (ON_POSTGRES) {
  console.warn(
    'start-up-checks e2e: the SQLite file tests are SKIPPED on PostgreSQL (they are about the files of the embedded database; they run in the e2e-sqlite project)',
  );
}
