import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
  ValidationError,
} from 'class-validator';
import { readTrustProxy } from './trust-proxy';

/** A bad or missing setting: its message is one line naming the variable and what it expects. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') {
    return value;
  }
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) {
    return true;
  }
  if (['false', '0', 'no'].includes(normalised)) {
    return false;
  }
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every environment variable the core service reads, with its default. Modules with settings of
 * their own validate them the same way through `validateSettings`.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 0 and 65535' })
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  /** `false`, a hop count, or a comma-separated list of trusted proxy addresses/CIDRs. */
  @IsString()
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && 'value' in readTrustProxy(value),
      defaultMessage: (args) => {
        const read = readTrustProxy(String(args?.value));
        return 'problem' in read ? read.problem : '';
      },
    },
  })
  TRUST_PROXY = 'false';

  @Transform(toInt)
  @IsInt({ message: 'BODY_LIMIT_BYTES must be an integer number of bytes (1024 or more)' })
  @Min(1024, { message: 'BODY_LIMIT_BYTES must be an integer number of bytes (1024 or more)' })
  BODY_LIMIT_BYTES = 1_048_576;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT?: 'json' | 'pretty';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database)',
  })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1, { message: 'SQLITE_PATH must be a file path (or :memory:)' })
  SQLITE_PATH = 'data/app.sqlite';

  @Transform(toBoolean)
  @IsBoolean({ message: 'DATABASE_MIGRATIONS_RUN must be true or false' })
  DATABASE_MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer between 2 and 200' })
  // Start-up holds one connection for its lock while migrations use another.
  @Min(2, { message: 'DATABASE_POOL_SIZE must be an integer between 2 and 200' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be an integer between 2 and 200' })
  DATABASE_POOL_SIZE = 10;

  @Transform(toBoolean)
  @IsBoolean({ message: 'DATABASE_LOGGING must be true or false' })
  DATABASE_LOGGING = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'TOKEN_PEPPER must be a random string of at least 32 characters' })
  TOKEN_PEPPER?: string;

  @Transform(emptyToUndefined)
  @Transform(toInt)
  @IsOptional()
  @IsInt({
    message: 'TOKEN_MAX_LIFETIME_DAYS must be an integer number of days between 7 and 3650',
  })
  @Min(7, {
    message: 'TOKEN_MAX_LIFETIME_DAYS must be an integer number of days between 7 and 3650',
  })
  @Max(3650, {
    message: 'TOKEN_MAX_LIFETIME_DAYS must be an integer number of days between 7 and 3650',
  })
  TOKEN_MAX_LIFETIME_DAYS?: number;

  @Transform(toInt)
  @IsInt({ message: 'TOKEN_LAST_USED_INTERVAL_SECONDS must be an integer between 1 and 86400' })
  @Min(1, { message: 'TOKEN_LAST_USED_INTERVAL_SECONDS must be an integer between 1 and 86400' })
  @Max(86400, {
    message: 'TOKEN_LAST_USED_INTERVAL_SECONDS must be an integer between 1 and 86400',
  })
  TOKEN_LAST_USED_INTERVAL_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'AUTH_CACHE_TTL_MS must be an integer between 0 (off) and 300000' })
  @Min(0, { message: 'AUTH_CACHE_TTL_MS must be an integer between 0 (off) and 300000' })
  @Max(300_000, { message: 'AUTH_CACHE_TTL_MS must be an integer between 0 (off) and 300000' })
  AUTH_CACHE_TTL_MS = 60_000;

  @Transform(toInt)
  @IsInt({ message: 'AUTH_FAILURE_LIMIT must be an integer between 1 and 100000' })
  @Min(1, { message: 'AUTH_FAILURE_LIMIT must be an integer between 1 and 100000' })
  @Max(100000, { message: 'AUTH_FAILURE_LIMIT must be an integer between 1 and 100000' })
  AUTH_FAILURE_LIMIT = 20;

  @Transform(toInt)
  @IsInt({ message: 'AUTH_FAILURE_WINDOW_SECONDS must be an integer between 1 and 86400' })
  @Min(1, { message: 'AUTH_FAILURE_WINDOW_SECONDS must be an integer between 1 and 86400' })
  @Max(86400, { message: 'AUTH_FAILURE_WINDOW_SECONDS must be an integer between 1 and 86400' })
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'AUTH_FAILURE_BLOCK_SECONDS must be an integer between 1 and 86400' })
  @Min(1, { message: 'AUTH_FAILURE_BLOCK_SECONDS must be an integer between 1 and 86400' })
  @Max(86400, { message: 'AUTH_FAILURE_BLOCK_SECONDS must be an integer between 1 and 86400' })
  AUTH_FAILURE_BLOCK_SECONDS = 60;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsEmail({ require_tld: false }, { message: 'BOOTSTRAP_ADMIN_EMAIL must be an email address' })
  BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';

  @IsString()
  @MinLength(1)
  @MaxLength(100, { message: 'BOOTSTRAP_ORGANISATION_NAME must be 1 to 100 characters' })
  BOOTSTRAP_ORGANISATION_NAME = 'Default organisation';

  /** Production only: where the first admin's token is written (never to the log). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'FIRST_ADMIN_TOKEN_FILE must be a file path' })
  FIRST_ADMIN_TOKEN_FILE?: string;
}

function describe(error: ValidationError, env: Record<string, unknown>): string[] {
  const messages = Object.values(error.constraints ?? {});
  const unique = [...new Set(messages)];
  const raw = env[error.property];
  // A rejected value is echoed only for settings that cannot hold a secret.
  const secret = /PEPPER|URL|PASSWORD|SECRET|TOKEN/.test(error.property);
  // JSON-quoted: a value with a line break in it must not break the message's single line.
  const got = typeof raw !== 'string' || secret ? '' : ` (got ${JSON.stringify(raw)})`;
  return unique.map((message) => `${message}${got}`);
}

/**
 * Validates a settings class against an environment: returns the typed, defaulted values or throws
 * a ConfigValidationError whose message is one line naming every bad variable.
 */
export function validateSettings<T extends object>(
  schema: new () => T,
  env: Record<string, unknown>,
): T {
  // `whitelist` drops every variable the schema does not declare (PATH, HOME, ...).
  const settings = plainToInstance(schema, { ...env });
  const errors = validateSync(settings, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.flatMap((error) => describe(error, env));
    throw new ConfigValidationError(`Invalid configuration: ${lines.join('; ')}`);
  }
  if (settings instanceof EnvironmentVariables) {
    crossCheck(settings);
  }
  return settings;
}

function crossCheck(settings: EnvironmentVariables): void {
  if (settings.DATABASE_URL && !settings.TOKEN_PEPPER) {
    throw new ConfigValidationError(
      'Invalid configuration: TOKEN_PEPPER must be set (a random string of at least 32 characters) when DATABASE_URL points at PostgreSQL',
    );
  }
}

/** The validated core settings of this process. */
export function environment(env: Record<string, unknown> = process.env): EnvironmentVariables {
  return validateSettings(EnvironmentVariables, env);
}

/** Settings classes of modules, validated with the core's before the application starts. */
const moduleSettings = new Set<new () => object>();

/**
 * Declares a module's own settings class: it is validated up front with the core's, so that a bad
 * value stops the process with the same one line. Answers a reader of the validated values.
 */
export function registerSettings<T extends object>(schema: new () => T): () => T {
  moduleSettings.add(schema);
  return () => validateSettings(schema, process.env);
}

/** Validates the core's settings and every registered module's; throws ConfigValidationError. */
export function validateAllSettings(
  env: Record<string, unknown> = process.env,
): EnvironmentVariables {
  const core = environment(env);
  for (const schema of moduleSettings) {
    validateSettings(schema, env);
  }
  return core;
}
