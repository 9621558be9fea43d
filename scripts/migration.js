#!/usr/bin/env node
/**
 * npm run migration:generate -- <Name> [--dir <module folder>/migrations]
 *
 * Generates a migration for the database of the current settings (SQLite by default, PostgreSQL
 * when DATABASE_URL is set) into `<dir>/<sqlite|postgres>/`. Run it once per database: each
 * database keeps its own set. The database must have every existing migration applied.
 */
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const { join } = require('node:path');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: 'src/database/migrations' },
    help: { type: 'boolean' },
  },
});
const [command, name] = positionals;
if (values.help || command !== 'generate' || !name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
  console.error(
    'usage: npm run migration:generate -- <PascalCaseName> [--dir src/modules/<module>/migrations]',
  );
  process.exit(values.help ? 0 : 2);
}
try {
  process.loadEnvFile('.env');
} catch {
  // no .env: the environment alone decides
}
const kind = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const target = join(values.dir, kind, name);
const result = spawnSync(
  'npx',
  [
    '--no-install',
    'typeorm-ts-node-commonjs',
    '-d',
    'ormconfig.ts',
    'migration:generate',
    '--pretty',
    target,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
