import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/database.config';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TypeOrmNestLogger } from './typeorm-logger';

/** The compiled (dist/) or source (src/) root, so that globs work from both. */
const sourceRoot = join(__dirname, '..');

/**
 * Every module keeps its migrations in `migrations/<database kind>/` beside its code: below the
 * source root, and below each of `moduleFolders` (modules kept outside it, as the example is).
 */
export function migrationGlobs(
  kind: DatabaseConfig['kind'],
  moduleFolders: readonly string[] = [],
): string[] {
  return [sourceRoot, ...moduleFolders].map((root) =>
    join(root, '**', 'migrations', kind, '*.{ts,js}').replace(/\\/g, '/'),
  );
}

export function entityGlobs(): string[] {
  return [join(sourceRoot, '**', '*.entity.{ts,js}').replace(/\\/g, '/')];
}

/**
 * The one place that turns database settings into TypeORM options, for the Nest module and for the
 * TypeORM CLI data source (ormconfig.ts). Migrations are run by the caller, never synchronize.
 */
export function buildTypeOrmOptions(
  config: DatabaseConfig,
  moduleFolders: readonly string[] = [],
): DataSourceOptions {
  const common = {
    synchronize: false,
    migrationsRun: false,
    migrations: migrationGlobs(config.kind, moduleFolders),
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    logging: config.logging
      ? ('all' as const)
      : (['error', 'warn', 'migration'] as ('error' | 'warn' | 'migration')[]),
    logger: new TypeOrmNestLogger(config.logging),
    maxQueryExecutionTime: 1_000,
  };
  if (config.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.url,
      applicationName: 'pat-service',
      extra: {
        max: config.poolSize,
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        // A query that hangs (a dead connection, a lock) must not hold a request forever.
        query_timeout: 15_000,
      },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.sqlitePath,
    // TypeORM creates the file's folder. WAL lets the command-line tool write while the server
    // reads; `timeout` makes a writer wait for the other instead of failing at once.
    enableWAL: config.sqlitePath !== ':memory:',
    timeout: 5_000,
  };
}
