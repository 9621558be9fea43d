import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  IsolatedDatabase,
  lines,
  processEnv,
  runCli,
  RunResult,
  ServerProcess,
  stopAllServers,
} from './support/child-process';
import { expectStatus, send } from './support/http';
import { DAY_MS, SECRET } from './support/spec-helpers';
import type { IssuedToken } from './support/test-app';

/*
 * The command-line tool as a newcomer and a platform team meet it: the built `node dist/cli.js`,
 * with the server's settings (the same database), its exit codes (0 done, 1 failure, 2 bad
 * arguments, 3 refused), what it prints where, and tokens it creates used against the built server
 * running on the same database. Runs on the database of the project (SQLite or PostgreSQL).
 */

const ROOT = join(__dirname, '..');
/** How long a failing command may take to give up on a database it cannot reach. */
const UNREACHABLE_BOUND_MS = 10_000;

/** Each command, and the options its --help must list. */
const COMMANDS: [string, string[]][] = [
  ['create-admin', ['--email', '--type', '--expiry']],
  [
    'create-token',
    ['--email', '--permissions', '--all-projects', '--projects', '--expiry', '--note'],
  ],
  ['openapi', ['--out']],
];

/** What create-admin and create-token print: exactly one line, one JSON object of three strings. */
function issued(result: RunResult): IssuedToken {
  if (result.code !== 0) {
    throw new Error(`expected exit 0, got ${result.code}: ${result.stderr}`);
  }
  expect(lines(result.stdout)).toHaveLength(1);
  const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
  expect(Object.keys(parsed).sort()).toEqual(['token', 'tokenId', 'userId']);
  expect(parsed.token).toMatch(SECRET);
  expect(parsed.userId).toMatch(/^[0-9a-f-]{36}$/);
  expect(parsed.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  // The secret is shown once, on stdout: never in what goes to stderr (a log collector, say).
  expect(result.stderr).not.toContain(parsed.token);
  return parsed as unknown as IssuedToken;
}

describe('the command-line tool (node dist/cli.js)', () => {
  let database: IsolatedDatabase;
  /** The settings the server runs with: the same database. */
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env, database.dataDir);

  beforeAll(async () => {
    database = await IsolatedDatabase.create();
    env = processEnv(database.env);
  });

  afterAll(async () => {
    await stopAllServers();
    await database?.dispose();
  }, 30_000);

  describe('help', () => {
    it('should print every command on stdout and exit 0 for --help', async () => {
      const result = await cli('--help');
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^usage: npm run -s cli -- <command> \[options\]\n/);
      for (const [command] of COMMANDS) {
        expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
      }
      expect(result.stdout).toContain('Exit codes: 0 done, 1 failure, 2 bad arguments');
    });

    it.each(COMMANDS)(
      'should print the usage of %s on stdout and exit 0 for its --help, without the database',
      async (command, options) => {
        // A database that cannot be reached: help must not need one.
        const unreachable = processEnv({
          DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none`,
          TOKEN_PEPPER: randomBytes(32).toString('base64url'),
          SQLITE_PATH: undefined,
        });
        const result = await runCli([command, '--help'], unreachable, database.dataDir);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe('');
        expect(result.stdout.startsWith(`usage: npm run -s cli -- ${command} `)).toBe(true);
        for (const option of options) {
          expect(result.stdout).toMatch(new RegExp(`^  ${option} +\\S`, 'm'));
        }
      },
    );
  });

  describe('bad arguments', () => {
    it('should exit 2 naming an unknown command on stderr, with nothing on stdout', async () => {
      const result = await cli('create-adimn', '--email', 'ada@example.com');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)[0]).toBe('error: unknown command "create-adimn"');
      expect(result.stderr).toContain('create-admin');
    });

    it.each<[string, string[], RegExp]>([
      ['a missing --email', ['create-admin', '--type', 'owner'], /^error: --email is required$/],
      [
        'a missing --email of create-token',
        ['create-token', '--permissions', 'owner', '--all-projects', '--expiry', 'week'],
        /^error: --email is required$/,
      ],
      [
        'a bad --expiry',
        ['create-admin', '--email', 'ada@example.com', '--expiry', 'fortnight'],
        /^error: expiry must be one of the following values: week, month, three_months, year, indefinite$/,
      ],
      [
        'a bad --expiry of create-token',
        [
          'create-token',
          '--email',
          'ada@example.com',
          '--permissions',
          'owner',
          '--all-projects',
          '--expiry',
          'forever',
        ],
        /^error: expiry must be one of the following values: week, month, three_months, year, indefinite$/,
      ],
      [
        'a missing --expiry of create-token',
        ['create-token', '--email', 'ada@example.com', '--permissions', 'owner', '--all-projects'],
        /^error: --expiry is required$/,
      ],
      [
        'an unknown permission',
        [
          'create-token',
          '--email',
          'ada@example.com',
          '--permissions',
          'releases:deploy,telepathy',
          '--all-projects',
          '--expiry',
          'week',
        ],
        /^error: each value in permissions must be one of the following values: owner, .*releases:deploy/,
      ],
      [
        'both --all-projects and --projects',
        [
          'create-token',
          '--email',
          'ada@example.com',
          '--permissions',
          'owner',
          '--all-projects',
          '--projects',
          '6f1c1c52-6d3e-4a55-9a3c-0f3d4a1f2b3c',
          '--expiry',
          'week',
        ],
        /^error: give either --all-projects or --projects, not both$/,
      ],
      [
        'neither --all-projects nor --projects',
        [
          'create-token',
          '--email',
          'ada@example.com',
          '--permissions',
          'owner',
          '--expiry',
          'week',
        ],
        /^error: give --all-projects or --projects <id1,id2>$/,
      ],
      [
        'an unknown flag',
        ['create-admin', '--email', 'ada@example.com', '--colour', 'blue'],
        /^error: Unknown option '--colour'/,
      ],
      [
        'a bad --type',
        ['create-admin', '--email', 'ada@example.com', '--type', 'superuser'],
        /^error: --type must be one of admin, owner$/,
      ],
      [
        'an email without a domain',
        ['create-admin', '--email', 'not-an-email'],
        /^error: email must be an email$/,
      ],
      [
        'an email with a space and two @',
        ['create-admin', '--email', 'a b@@'],
        /^error: email must be an email$/,
      ],
      [
        'a bad email for create-token',
        [
          'create-token',
          '--email',
          'a b@@',
          '--permissions',
          'owner',
          '--all-projects',
          '--expiry',
          'week',
        ],
        /^error: email must be an email$/,
      ],
      [
        'a stray argument',
        ['create-admin', '--email', 'ada@example.com', 'now'],
        /^error: unexpected argument "now"$/,
      ],
    ])(
      'should exit 2 with a clear message and the usage on stderr for %s',
      async (_label, args, message) => {
        const result = await cli(...args);
        expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
        const [first, second] = lines(result.stderr);
        expect(first).toMatch(message);
        expect(second.startsWith(`usage: npm run -s cli -- ${args[0]} `)).toBe(true);
        expect(result.stderr).not.toMatch(/^\s+at /m);
      },
    );
  });

  describe('create-admin and create-token, and the server on the same database', () => {
    let server: ServerProcess;
    let admin: IssuedToken;
    let adminRun: RunResult;

    beforeAll(async () => {
      // Before the server's first start: it then finds an admin and prints no token of its own.
      adminRun = await cli('create-admin', '--email', 'Ada.Admin@Example.com');
      admin = issued(adminRun);
      server = await ServerProcess.start(env, database.dataDir);
    }, 60_000);

    const as = (token: string, path: string, options: Parameters<typeof send>[2] = {}) =>
      send(server.url, path, { ...options, token });

    async function createProject(key: string): Promise<string> {
      const reply = await as(admin.token, '/api/projects', {
        method: 'POST',
        body: { name: `Project ${key}`, key },
      });
      expectStatus(reply, 201);
      return (reply.body as { id: string }).id;
    }

    it('should print one JSON object {userId, tokenId, token} and nothing else on stdout for create-admin', () => {
      // issued() checked the shape: one line, exactly the three fields, no secret on stderr.
      expect(adminRun.code).toBe(0);
      expect(adminRun.stdout).toBe(`${JSON.stringify(admin)}\n`);
    });

    it('should give an admin whose token the server accepts: the profile, and an owner token on all projects', async () => {
      expect(server.firstAdminToken).toBeUndefined();
      const profile = await as(admin.token, '/api/profile');
      expectStatus(profile, 200);
      expect(profile.body).toMatchObject({
        id: admin.userId,
        email: 'ada.admin@example.com',
        type: 'admin',
        status: 'active',
        isService: false,
      });
      const token = await as(admin.token, `/api/personal-access-tokens/${admin.tokenId}`);
      expectStatus(token, 200);
      const body = token.body as { permissions: string[]; allProjects: boolean; expiresAt: string };
      expect(body).toMatchObject({ permissions: ['owner'], allProjects: true, projects: [] });
      // --expiry defaults to month: 30 days.
      expect(Math.abs(Date.parse(body.expiresAt) - Date.now() - 30 * DAY_MS)).toBeLessThan(60_000);
      // An admin: the admin-only routes answer.
      expectStatus(await as(admin.token, '/api/users'), 200);
    });

    it('should create an owner with --type owner and the --expiry asked for', async () => {
      const owner = issued(
        await cli(
          'create-admin',
          '--email',
          'otto@example.com',
          '--type',
          'owner',
          '--expiry',
          'week',
        ),
      );
      const profile = await as(owner.token, '/api/profile');
      expectStatus(profile, 200);
      expect(profile.body).toMatchObject({ email: 'otto@example.com', type: 'owner' });
      const token = await as(owner.token, `/api/personal-access-tokens/${owner.tokenId}`);
      const expiresAt = Date.parse((token.body as { expiresAt: string }).expiresAt);
      expect(Math.abs(expiresAt - Date.now() - 7 * DAY_MS)).toBeLessThan(60_000);
    });

    it('should exit 3 with one line on stderr and create nothing for create-admin with an email that exists, in any letter case', async () => {
      const result = await cli('create-admin', '--email', 'ADA.ADMIN@example.com');
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 3, stdout: '' });
      expect(lines(result.stderr)).toEqual([
        expect.stringMatching(
          /^error: A user with email ADA\.ADMIN@example\.com already exists; use create-token/,
        ),
      ]);
      const users = await as(admin.token, '/api/users?search=ada.admin&perPage=100');
      expect((users.body as { paginate: { total: number } }).paginate.total).toBe(1);
    });

    it('should give an existing service user a token scoped to the permissions and projects asked for', async () => {
      const [granted, other] = [
        await createProject('deploy-here'),
        await createProject('not-here'),
      ];
      const bot = await as(admin.token, '/api/users/service', {
        method: 'POST',
        body: { email: 'deploy-bot@example.com' },
      });
      expectStatus(bot, 201);
      const botId = (bot.body as { id: string }).id;

      const token = issued(
        await cli(
          'create-token',
          '--email',
          'deploy-bot@example.com',
          '--permissions',
          'releases:deploy,documents:view-content',
          '--projects',
          granted,
          '--expiry',
          'week',
          '--note',
          'Deploy pipeline',
        ),
      );
      expect(token.userId).toBe(botId);

      const stored = await as(
        admin.token,
        `/api/users/service/${botId}/personal-access-tokens/${token.tokenId}`,
      );
      expectStatus(stored, 200);
      const body = stored.body as {
        note: string;
        permissions: string[];
        allProjects: boolean;
        projects: { id: string }[];
        expiresAt: string;
      };
      expect(body.note).toBe('Deploy pipeline');
      expect([...body.permissions].sort()).toEqual(['documents:view-content', 'releases:deploy']);
      expect(body.allProjects).toBe(false);
      expect(body.projects.map((project) => project.id)).toEqual([granted]);
      expect(Math.abs(Date.parse(body.expiresAt) - Date.now() - 7 * DAY_MS)).toBeLessThan(60_000);

      // Used: it reaches its project only, and nothing an admin or a manager may do.
      const listed = await as(token.token, '/api/projects');
      expectStatus(listed, 200);
      expect((listed.body as { results: { id: string }[] }).results.map((p) => p.id)).toEqual([
        granted,
      ]);
      expectStatus(await as(token.token, `/api/projects/${granted}`), 200);
      expectStatus(await as(token.token, `/api/projects/${other}`), 403);
      expectStatus(
        await as(token.token, `/api/projects/${granted}`, {
          method: 'PUT',
          body: { name: 'Mine' },
        }),
        403,
      );
      expectStatus(await as(token.token, '/api/users'), 403);
    });

    it('should give an existing person a token of their own on all projects', async () => {
      const token = issued(
        await cli(
          'create-token',
          '--email',
          'ada.admin@example.com',
          '--permissions',
          'owner',
          '--all-projects',
          '--expiry',
          'indefinite',
        ),
      );
      expect(token.userId).toBe(admin.userId);
      const own = await as(token.token, `/api/personal-access-tokens/${token.tokenId}`);
      expectStatus(own, 200);
      expect(own.body).toMatchObject({
        note: 'Command-line token',
        permissions: ['owner'],
        allProjects: true,
        expiresAt: null,
      });
      // Both of the person's tokens are theirs: either lists the other.
      const listed = await as(admin.token, '/api/personal-access-tokens');
      expect((listed.body as { id: string }[]).map((t) => t.id).sort()).toEqual(
        [admin.tokenId, token.tokenId].sort(),
      );
    });

    it('should exit 2, create nothing and print the usage for create-token with an unknown project id', async () => {
      const unknown = '6f1c1c52-6d3e-4a55-9a3c-0f3d4a1f2b3c';
      const result = await cli(
        'create-token',
        '--email',
        'ada.admin@example.com',
        '--permissions',
        'owner',
        '--projects',
        unknown,
        '--expiry',
        'week',
      );
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
      const [first, second] = lines(result.stderr);
      expect(first).toMatch(/^error: .*unknown project.*6f1c1c52-6d3e-4a55-9a3c-0f3d4a1f2b3c/);
      expect(second.startsWith('usage: npm run -s cli -- create-token ')).toBe(true);
      const listed = await as(admin.token, '/api/personal-access-tokens');
      expect((listed.body as { id: string }[]).every((token) => token.id !== unknown)).toBe(true);
    });

    it('should exit 3 with one line on stderr for create-token with an email no user has', async () => {
      const result = await cli(
        'create-token',
        '--email',
        'nobody@example.com',
        '--permissions',
        'owner',
        '--all-projects',
        '--expiry',
        'week',
      );
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 3, stdout: '' });
      expect(lines(result.stderr)).toEqual(['error: No user with email nobody@example.com']);
    });
  });

  describe('a database that cannot be reached', () => {
    const onPostgres = Boolean(process.env.DATABASE_URL);

    it(`should exit 1 with one clear line on stderr, within ${UNREACHABLE_BOUND_MS / 1000} s (${onPostgres ? 'PostgreSQL: nothing listens at the port' : 'SQLite: a file stands where its folder should be'})`, async () => {
      let unreachable: NodeJS.ProcessEnv;
      let expected: RegExp;
      if (onPostgres) {
        unreachable = processEnv({
          ...database.env,
          DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/pat`,
        });
        expected = /^error: cannot reach the database: connect ECONNREFUSED 127\.0\.0\.1:\d+$/;
      } else {
        const file = join(database.dataDir, 'not-a-folder');
        writeFileSync(file, '');
        unreachable = processEnv({ SQLITE_PATH: join(file, 'app.sqlite') });
        expected = /^error: (EEXIST|ENOTDIR): .*not-a-folder'$/;
      }
      const result = await runCli(
        ['create-admin', '--email', 'ops@example.com'],
        unreachable,
        database.dataDir,
      );
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
      expect(lines(result.stderr)).toEqual([expect.stringMatching(expected)]);
      expect(result.ms).toBeLessThan(UNREACHABLE_BOUND_MS);
    });

    (onPostgres ? it : it.skip)(
      'should exit 1 with one line on stderr naming a PostgreSQL database that does not exist',
      async () => {
        const url = new URL(database.env.DATABASE_URL);
        url.pathname = `/pat_missing_${randomBytes(4).toString('hex')}`;
        const result = await runCli(
          ['create-admin', '--email', 'ops@example.com'],
          processEnv({ ...database.env, DATABASE_URL: url.toString() }),
          database.dataDir,
        );
        expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
        expect(lines(result.stderr)).toEqual([
          `error: database "${url.pathname.slice(1)}" does not exist`,
        ]);
      },
    );
  });

  it('should write with `openapi --out <file>` the same document as the committed openapi.json', async () => {
    const out = join(database.dataDir, 'openapi.json');
    const result = await cli('openapi', '--out', out);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([JSON.stringify({ written: out })]);
    const written = readFileSync(out, 'utf8');
    const committed = readFileSync(join(ROOT, 'openapi.json'), 'utf8');
    expect(JSON.parse(written)).toEqual(JSON.parse(committed));
    expect(written).toBe(committed);
  }, 60_000);
});
