#!/usr/bin/env node
/**
 * Builds dist/ with `nest build` when it is missing or older than any source file, so that
 * `npm start` and `npm run cli` work straight after `npm install`. Build output goes to stderr:
 * the command-line tool's stdout stays machine-readable.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outputs = ['dist/main.js', 'dist/cli.js'].map((file) => join(root, file));
const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestMtime(join(path, entry))),
    0,
  );
}

// A built package (dist/ without src/) has nothing to build from: it runs as built.
if (!existsSync(join(root, 'src')) && outputs.every(existsSync)) process.exit(0);

const builtAt = outputs.every(existsSync)
  ? Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  : 0;
const changedAt = Math.max(...inputs.map((input) => newestMtime(join(root, input))));
if (builtAt >= changedAt) process.exit(0);

process.stderr.write('Building the service (dist/ is missing or older than src/)...\n');
const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
  cwd: root,
  stdio: ['ignore', process.stderr, process.stderr],
});
process.exit(result.status ?? 1);
