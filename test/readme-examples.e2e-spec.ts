import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IsolatedDatabase,
  processEnv,
  ServerProcess,
  stopAllServers,
} from './support/child-process';

/*
 * The README's examples, run as written on a fresh start: the built server on a database of its
 * own prints the first admin token; the curl walk then runs in bash against it, and the
 * command-line examples one after the other (`npm run -s cli --` is `node dist/cli.js`, what it
 * runs once built).
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
});
