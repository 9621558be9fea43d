import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER_TYPES } from '../src/common/users/user-types';
import { grantMask, maskAllows, PERMISSIONS, USER_TYPE_CEILINGS } from '../src/modules/auth';
import {
  IsolatedDatabase,
  processEnv,
  ServerProcess,
  stopAllServers,
} from './support/child-process';

/*
 * The README's examples and the user guide's, run as written on a fresh start: the built server
 * on a database of its own gives the first admin token; the README's curl walk then runs in bash
 * against it, the command-line examples one after the other (`npm run -s cli --` is
 * `node dist/cli.js`, what it runs once built), then every runnable block of docs/USER-GUIDE.md in
 * order. The guide's tables of user types and permissions are held to the code.
 */

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function readmeBlock(marker: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = new RegExp(
    `<!-- ${marker}:start -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${marker}:end -->`,
  ).exec(readme);
  if (!match) {
    throw new Error(`The README has no ${marker} block`);
  }
  return match[1];
}

const GUIDE = join(ROOT, 'docs', 'USER-GUIDE.md');

/** The guide's runnable blocks, in order: each ```sh block right after `<!-- user-guide:run -->`. */
function guideBlocks(): string[] {
  const guide = readFileSync(GUIDE, 'utf8');
  return [...guide.matchAll(/<!-- user-guide:run -->\s*```sh\n([\s\S]*?)```/g)].map(
    ([, block]) => block,
  );
}

/** The rows of the guide's table between `<!-- marker:start -->` and its end: [name, cell]. */
function guideTable(marker: string): [string, string][] {
  const guide = readFileSync(GUIDE, 'utf8');
  const table = new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(
    guide,
  );
  if (!table) {
    throw new Error(`The user guide has no ${marker} table`);
  }
  return table[1]
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const [, name, cell] = line.split('|').map((part) => part.trim());
      return [name.replace(/`/g, ''), cell];
    });
}

/** The names a cell lists in backquotes (`nothing…` lists none). */
const listed = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map(([, name]) => name);

function bash(
  script: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/bin/bash',
      ['-e', '-o', 'pipefail', '-c', script],
      { env, cwd, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('The README examples, on a fresh start', () => {
  let database: IsolatedDatabase;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await IsolatedDatabase.create();
    env = processEnv(database.env);
    server = await ServerProcess.start(env, database.dataDir);
  });

  afterAll(async () => {
    await stopAllServers();
    await database?.dispose();
  });

  it('should run the curl walk as written, every call answering 2xx', async () => {
    const token = server.firstAdminToken;
    expect(token).toMatch(/^opat_/);
    const script = readmeBlock('curl-walk')
      .replace('TOKEN=opat_…', `TOKEN=${token}`)
      .replace('API=http://localhost:3000/api', `API=${server.url}/api`);

    const result = await bash(script, env, database.dataDir);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The documented GET, Ada's profile, and her rotated token's expiry, in that order.
    expect(result.stdout).toMatch(/"note": "Deploy pipeline"/);
    expect(result.stdout).toMatch(/"email": "ada@example.com"/);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^"\d{4}-\d\d-\d\dT/);
  });

  it('should run each command-line example as written, in order, each exiting 0', async () => {
    const lines = readmeBlock('cli-examples').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);

    for (const line of lines) {
      expect(line.startsWith('npm run -s cli -- ')).toBe(true);
      const command = line.replace('npm run -s cli -- ', `${process.execPath} ${CLI} `);
      const result = await bash(command, env, database.dataDir);
      if (result.code !== 0) {
        throw new Error(`${line} exited ${result.code}: ${result.stderr}`);
      }
    }
    // Five processes, each booting the application: more than the default 30 s on a busy machine.
  }, 180_000);

  it("should run the user guide's commands as written, in order", async () => {
    const blocks = guideBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const script = blocks
      .join('\n')
      .replace('TOKEN=opat_…', `TOKEN=${server.firstAdminToken}`)
      .replace('API=http://localhost:3000/api', `API=${server.url}/api`)
      .replaceAll('npm run -s cli -- ', `${process.execPath} ${CLI} `);
    expect(script).not.toMatch(/localhost:3000|opat_…|npm run/);

    const result = await bash(script, env, database.dataDir);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // What the blocks show: the scoped token refused a broader one, Grace joined as an author,
    // the recovery token works, and an error answer with its challenge.
    expect(result.stdout).toMatch(/^403$/m);
    expect(result.stdout).toMatch(
      /"email": "grace@example.com",\s*"type": "author",\s*"status": "active"/,
    );
    expect(result.stdout).toMatch(/^"admin@localhost"$/m);
    expect(result.stdout).toMatch(/^www-authenticate: Bearer realm="api", error="invalid_token"/im);
  }, 180_000);
});

describe('The user guide against the code', () => {
  it('should list every permission with exactly what it grants besides itself', () => {
    const rows = guideTable('permissions');
    expect(rows.map(([name]) => name).sort()).toEqual([...PERMISSIONS].sort());
    for (const [permission, cell] of rows) {
      const grants = PERMISSIONS.filter(
        (other) =>
          other !== permission &&
          maskAllows(grantMask([permission as (typeof PERMISSIONS)[number]]), other),
      );
      const said =
        cell === 'every permission'
          ? PERMISSIONS.filter((other) => other !== permission)
          : listed(cell);
      expect({ permission, grants: [...said].sort() }).toEqual({
        permission,
        grants: [...grants].sort(),
      });
    }
  });

  it('should cap every user type as the code does', () => {
    const rows = guideTable('user-types');
    expect(rows.map(([type]) => type).sort()).toEqual([...USER_TYPES].sort());
    for (const [type, cell] of rows) {
      expect({ type, ceiling: listed(cell).sort() }).toEqual({
        type,
        ceiling: [...USER_TYPE_CEILINGS[type as (typeof USER_TYPES)[number]]].sort(),
      });
    }
  });
});
