export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * The database this process talks to: PostgreSQL when DATABASE_URL is set, else embedded SQLite.
 * Read from the environment directly because entity column types depend on it when they load.
 */
export function currentDatabaseKind(env: NodeJS.ProcessEnv = process.env): DatabaseKind {
  return env.DATABASE_URL?.trim() ? 'postgres' : 'sqlite';
}
