import { plainToInstance } from 'class-transformer';
import { isEmail, validateSync, ValidationError } from 'class-validator';
import {
  About,
  BooleanSetting,
  describeSettings,
  IntegerSetting,
  OneOfSetting,
  Setting,
  SettingHelp,
  TextSetting,
} from './settings';
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
  @About("The kind of deployment (production: JSON logs, the first admin's token to a file)")
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntegerSetting({ min: 0, max: 65535 })
  @About('The HTTP port')
  PORT = 3000;

  @TextSetting({ expects: 'an address to listen on' })
  @About('Where to listen (0.0.0.0: on every interface)')
  HOST = '0.0.0.0';

  @Setting({
    accepts: (value) => typeof value === 'string' && 'value' in readTrustProxy(value),
    expects: 'false, a number of proxies, or their addresses/CIDRs',
    problem: (value) => {
      const read = readTrustProxy(String(value));
      return 'problem' in read ? read.problem : '';
    },
  })
  @About('Whose X-Forwarded-For gives the client address (true is refused: say which hop)')
  TRUST_PROXY = 'false';

  @IntegerSetting({ min: 1024, unit: 'bytes' })
  @About('Larger request bodies answer 413')
  BODY_LIMIT_BYTES = 1_048_576;

  @OneOfSetting(LOG_LEVELS)
  @About('The least severe log lines written')
  LOG_LEVEL: LogLevel = 'info';

  @OneOfSetting(['json', 'pretty'], { expects: 'json or pretty', optional: true })
  @About('Log lines as JSON or readable text (unset: pretty in development, json otherwise)')
  LOG_FORMAT?: 'json' | 'pretty';

  @TextSetting({
    pattern: /^postgres(ql)?:\/\/\S+$/,
    expects: 'a PostgreSQL URL (postgres://user:password@host:5432/database)',
    optional: true,
  })
  @About('The PostgreSQL database (unset: the embedded SQLite file)')
  DATABASE_URL?: string;

  @TextSetting({ expects: 'a file path (or :memory:)' })
  @About('The SQLite file, when DATABASE_URL is unset')
  SQLITE_PATH = 'data/app.sqlite';

  @BooleanSetting()
  @About(
    'Apply pending migrations on start-up (false: apply them with `node dist/cli.js migrate` first)',
  )
  DATABASE_MIGRATIONS_RUN = true;

  // Start-up holds one connection for its lock while migrations use another.
  @IntegerSetting({ min: 2, max: 200 })
  @About('PostgreSQL connections per instance (plus one that listens for cache invalidations)')
  DATABASE_POOL_SIZE = 10;

  @BooleanSetting()
  @About('Log every SQL statement')
  DATABASE_LOGGING = false;

  @TextSetting({
    minLength: 32,
    expects: 'a random string of at least 32 characters',
    optional: true,
  })
  @About(
    "The key of the secrets' hashes (required with PostgreSQL; unset on SQLite: created in the data folder)",
  )
  TOKEN_PEPPER?: string;

  @IntegerSetting({ min: 7, max: 3650, unit: 'days', optional: true })
  @About('Refuse token lifetimes longer than this, indefinite included (unset: no maximum)')
  TOKEN_MAX_LIFETIME_DAYS?: number;

  @IntegerSetting({ min: 1, max: 86400 })
  @About('lastUsedAt and lastUsedIp are written at most this often per token')
  TOKEN_LAST_USED_INTERVAL_SECONDS = 60;

  @IntegerSetting({ min: 0, max: 300_000, expects: 'an integer between 0 (off) and 300000' })
  @About('How long an authenticated principal is cached in memory')
  AUTH_CACHE_TTL_MS = 60_000;

  @IntegerSetting({ min: 1, max: 100_000 })
  @About('Failed authentications per address per window before the address is blocked')
  AUTH_FAILURE_LIMIT = 20;

  @IntegerSetting({ min: 1, max: 86400 })
  @About('The window of AUTH_FAILURE_LIMIT')
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  @IntegerSetting({ min: 1, max: 86400 })
  @About('How long a blocked address answers 429')
  AUTH_FAILURE_BLOCK_SECONDS = 60;

  @TextSetting({
    pattern: /^rediss?:\/\/\S+$/,
    expects: 'a redis:// or rediss:// URL',
    optional: true,
  })
  @About(
    'Share the failed-authentication throttle between instances through this Redis (unset: each instance counts alone)',
  )
  REDIS_URL?: string;

  @Setting({
    accepts: (value) => typeof value === 'string' && isEmail(value, { require_tld: false }),
    expects: 'an email address',
  })
  @About('The first admin, created when the first organisation has no active admin')
  BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';

  @TextSetting({ maxLength: 100, expects: '1 to 100 characters' })
  @About('The organisation created on first start')
  BOOTSTRAP_ORGANISATION_NAME = 'Default organisation';

  @TextSetting({ expects: 'a file path', optional: true })
  @About(
    "In production, where the first admin's token is written, never to the log (unset: first-admin-token beside the SQLite file, or data/first-admin-token)",
  )
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

/** The core's settings class and every module's. */
export function settingsClasses(): (new () => object)[] {
  return [EnvironmentVariables, ...moduleSettings];
}

/** Read by load-env-file.ts before any other setting, so described apart. */
const ENV_FILE: SettingHelp = {
  name: 'ENV_FILE',
  description:
    'The file of settings to read (set in the environment; the environment wins over it)',
  defaultValue: '.env',
};

/** Every setting, the core's then each module's, described once (@About and its rule). */
export function settingsHelp(): SettingHelp[] {
  return [...describeSettings(settingsClasses()), ENV_FILE];
}

/** `node dist/main.js --help`: what the server does with its arguments, and every setting. */
export function serverHelp(): string {
  const settings = settingsHelp();
  const lines = settings.map(
    ({ name, description, defaultValue }) =>
      `  ${name} (default: ${defaultValue ?? 'unset'})\n      ${description}`,
  );
  return `usage: node dist/main.js          serve the API (what \`npm start\` runs)
       node dist/main.js --help   print this and exit

Settings are environment variables, or lines of a .env file in the working directory (the
environment wins). A bad value stops the server with one line naming it.

${lines.join('\n')}

Migrations are applied at start-up unless DATABASE_MIGRATIONS_RUN=false; then apply them with
\`node dist/cli.js migrate\` (or \`npm run migration:run\`) before starting.`;
}
