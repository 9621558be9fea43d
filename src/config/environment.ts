import { plainToInstance } from 'class-transformer';
import { isEmail, validateSync, ValidationError } from 'class-validator';
import { BooleanSetting, IntegerSetting, OneOfSetting, Setting, TextSetting } from './settings';
import { readTrustProxy } from './trust-proxy';

/** A bad or missing setting: its message is one line naming the variable and what it expects. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every environment variable the core service reads, with its default, each described once
 * (src/config/settings.ts). Modules declare settings of their own the same way, with
 * `registerSettings`.
 */
export class EnvironmentVariables {
  @OneOfSetting(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntegerSetting({ min: 0, max: 65535 })
  PORT = 3000;

  @TextSetting({ expects: 'an address to listen on' })
  HOST = '0.0.0.0';

  /** `false`, a hop count, or a comma-separated list of trusted proxy addresses/CIDRs. */
  @Setting({
    accepts: (value) => typeof value === 'string' && 'value' in readTrustProxy(value),
    expects: 'false, a number of proxies, or their addresses/CIDRs',
    problem: (value) => {
      const read = readTrustProxy(String(value));
      return 'problem' in read ? read.problem : '';
    },
  })
  TRUST_PROXY = 'false';

  @IntegerSetting({ min: 1024, unit: 'bytes' })
  BODY_LIMIT_BYTES = 1_048_576;

  @OneOfSetting(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @OneOfSetting(['json', 'pretty'], { expects: 'json or pretty', optional: true })
  LOG_FORMAT?: 'json' | 'pretty';

  @TextSetting({
    pattern: /^postgres(ql)?:\/\/\S+$/,
    expects: 'a PostgreSQL URL (postgres://user:password@host:5432/database)',
    optional: true,
  })
  DATABASE_URL?: string;

  @TextSetting({ expects: 'a file path (or :memory:)' })
  SQLITE_PATH = 'data/app.sqlite';

  @BooleanSetting()
  DATABASE_MIGRATIONS_RUN = true;

  // Start-up holds one connection for its lock while migrations use another.
  @IntegerSetting({ min: 2, max: 200 })
  DATABASE_POOL_SIZE = 10;

  @BooleanSetting()
  DATABASE_LOGGING = false;

  @TextSetting({
    minLength: 32,
    expects: 'a random string of at least 32 characters',
    optional: true,
  })
  TOKEN_PEPPER?: string;

  @IntegerSetting({ min: 7, max: 3650, unit: 'days', optional: true })
  TOKEN_MAX_LIFETIME_DAYS?: number;

  @IntegerSetting({ min: 1, max: 86400 })
  TOKEN_LAST_USED_INTERVAL_SECONDS = 60;

  @IntegerSetting({ min: 0, max: 300_000, expects: 'an integer between 0 (off) and 300000' })
  AUTH_CACHE_TTL_MS = 60_000;

  @IntegerSetting({ min: 1, max: 100_000 })
  AUTH_FAILURE_LIMIT = 20;

  @IntegerSetting({ min: 1, max: 86400 })
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  @IntegerSetting({ min: 1, max: 86400 })
  AUTH_FAILURE_BLOCK_SECONDS = 60;

  @TextSetting({
    pattern: /^rediss?:\/\/\S+$/,
    expects: 'a redis:// or rediss:// URL',
    optional: true,
  })
  REDIS_URL?: string;

  @Setting({
    accepts: (value) => typeof value === 'string' && isEmail(value, { require_tld: false }),
    expects: 'an email address',
  })
  BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';

  @TextSetting({ maxLength: 100, expects: '1 to 100 characters' })
  BOOTSTRAP_ORGANISATION_NAME = 'Default organisation';

  /** Production only: where the first admin's token is written (never to the log). */
  @TextSetting({ expects: 'a file path', optional: true })
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
