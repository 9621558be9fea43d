import { registerAs } from '@nestjs/config';
import { environment } from './environment';
import { DatabaseKind } from '../database/database-kind';

export interface DatabaseConfig {
  kind: DatabaseKind;
  url?: string;
  sqlitePath: string;
  migrationsRun: boolean;
  poolSize: number;
  logging: boolean;
}

export function readDatabaseConfig(env: Record<string, unknown> = process.env): DatabaseConfig {
  const settings = environment(env);
  return {
    kind: settings.DATABASE_URL ? 'postgres' : 'sqlite',
    url: settings.DATABASE_URL,
    sqlitePath: settings.SQLITE_PATH,
    migrationsRun: settings.DATABASE_MIGRATIONS_RUN,
    poolSize: settings.DATABASE_POOL_SIZE,
    logging: settings.DATABASE_LOGGING,
  };
}

export const databaseConfig = registerAs('database', (): DatabaseConfig => readDatabaseConfig());
