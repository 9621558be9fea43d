import { IsInt, IsOptional, Max } from 'class-validator';
import { Transform } from 'class-transformer';
import {
  ConfigValidationError,
  environment,
  EnvironmentVariables,
  validateSettings,
} from './environment';
import { parseTrustProxy } from './app.config';

const VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'TRUST_PROXY',
  'BODY_LIMIT_BYTES',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'DATABASE_URL',
  'SQLITE_PATH',
  'DATABASE_MIGRATIONS_RUN',
  'DATABASE_POOL_SIZE',
  'DATABASE_LOGGING',
  'TOKEN_PEPPER',
  'TOKEN_MAX_LIFETIME_DAYS',
  'TOKEN_LAST_USED_INTERVAL_SECONDS',
  'AUTH_CACHE_TTL_MS',
  'AUTH_FAILURE_LIMIT',
  'AUTH_FAILURE_WINDOW_SECONDS',
  'AUTH_FAILURE_BLOCK_SECONDS',
  'REDIS_URL',
  'BOOTSTRAP_ADMIN_EMAIL',
  'BOOTSTRAP_ORGANISATION_NAME',
];

const PEPPER = 'k3T9vQ2mX7pL5wR8zA1cF4hJ6nB0dG2s';

/** The error environment(env) throws; fails the test when it throws none or another kind. */
function configError(env: Record<string, unknown>): ConfigValidationError {
  try {
    environment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

/** The settings without a default: unset unless the environment gives them. */
const OPTIONAL_SETTINGS = [
  'LOG_FORMAT',
  'DATABASE_URL',
  'TOKEN_PEPPER',
  'TOKEN_MAX_LIFETIME_DAYS',
  'REDIS_URL',
] as const;

function expectUnset(
  settings: EnvironmentVariables,
  unset: readonly (keyof EnvironmentVariables)[],
): void {
  for (const name of unset) {
    expect(settings[name]).toBeUndefined();
  }
}

const names = (message: string) =>
  VARIABLES.filter((name) => new RegExp(`\\b${name}\\b`).test(message));

describe('environment', () => {
  it('should default every setting when the environment is empty', () => {
    const settings = environment({});
    expect(settings).toBeInstanceOf(EnvironmentVariables);
    expect({ ...settings }).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      TRUST_PROXY: 'false',
      BODY_LIMIT_BYTES: 1_048_576,
      LOG_LEVEL: 'info',
      SQLITE_PATH: 'data/app.sqlite',
      DATABASE_MIGRATIONS_RUN: true,
      DATABASE_POOL_SIZE: 10,
      DATABASE_LOGGING: false,
      TOKEN_LAST_USED_INTERVAL_SECONDS: 60,
      AUTH_CACHE_TTL_MS: 60_000,
      AUTH_FAILURE_LIMIT: 20,
      AUTH_FAILURE_WINDOW_SECONDS: 60,
      AUTH_FAILURE_BLOCK_SECONDS: 60,
      BOOTSTRAP_ADMIN_EMAIL: 'admin@localhost',
      BOOTSTRAP_ORGANISATION_NAME: 'Default organisation',
    });
    expectUnset(settings, OPTIONAL_SETTINGS);
  });

  it('should read good values, turning numbers and booleans from strings', () => {
    const settings = environment({
      NODE_ENV: 'production',
      PORT: ' 8080 ',
      HOST: '127.0.0.1',
      TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
      BODY_LIMIT_BYTES: '1024',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      DATABASE_URL: 'postgresql://app:pw@db:5432/app',
      SQLITE_PATH: ':memory:',
      DATABASE_MIGRATIONS_RUN: 'no',
      DATABASE_POOL_SIZE: '200',
      DATABASE_LOGGING: 'YES',
      TOKEN_PEPPER: PEPPER,
      TOKEN_MAX_LIFETIME_DAYS: '90',
      TOKEN_LAST_USED_INTERVAL_SECONDS: '86400',
      AUTH_CACHE_TTL_MS: '0',
      AUTH_FAILURE_LIMIT: '100000',
      AUTH_FAILURE_WINDOW_SECONDS: '1',
      AUTH_FAILURE_BLOCK_SECONDS: '3600',
      REDIS_URL: 'rediss://cache:6380',
      BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
      BOOTSTRAP_ORGANISATION_NAME: 'x'.repeat(100),
    });
    expect({ ...settings }).toEqual({
      NODE_ENV: 'production',
      PORT: 8080,
      HOST: '127.0.0.1',
      TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
      BODY_LIMIT_BYTES: 1024,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      DATABASE_URL: 'postgresql://app:pw@db:5432/app',
      SQLITE_PATH: ':memory:',
      DATABASE_MIGRATIONS_RUN: false,
      DATABASE_POOL_SIZE: 200,
      DATABASE_LOGGING: true,
      TOKEN_PEPPER: PEPPER,
      TOKEN_MAX_LIFETIME_DAYS: 90,
      TOKEN_LAST_USED_INTERVAL_SECONDS: 86400,
      AUTH_CACHE_TTL_MS: 0,
      AUTH_FAILURE_LIMIT: 100000,
      AUTH_FAILURE_WINDOW_SECONDS: 1,
      AUTH_FAILURE_BLOCK_SECONDS: 3600,
      REDIS_URL: 'rediss://cache:6380',
      BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
      BOOTSTRAP_ORGANISATION_NAME: 'x'.repeat(100),
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    [' True ', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['NO', false],
  ])('should read the boolean %p as %p', (value, expected) => {
    expect(environment({ DATABASE_LOGGING: value }).DATABASE_LOGGING).toBe(expected);
    expect(environment({ DATABASE_MIGRATIONS_RUN: value }).DATABASE_MIGRATIONS_RUN).toBe(expected);
  });

  it.each(['false', '0', '1', '2', '10.0.0.1', '::1,fd00::/8', '10.0.0.0/8, 192.168.0.1'])(
    'should accept TRUST_PROXY %p',
    (value) => {
      expect(environment({ TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    },
  );

  it('should refuse TRUST_PROXY=true in one line saying what to set instead', () => {
    const { message } = configError({ TRUST_PROXY: 'true' });
    expect(message).not.toMatch(/[\r\n]/);
    expect(names(message)).toEqual(['TRUST_PROXY']);
    expect(message).toContain('number of proxies');
    expect(message).toContain('addresses/CIDRs');
  });

  it.each([
    '11',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.300',
    'example.com',
    'fe80::1%eth0',
    ',',
    '1.2.3.4/8/8',
  ])('should refuse TRUST_PROXY %p, naming it', (value) => {
    expect(names(configError({ TRUST_PROXY: value }).message)).toEqual(['TRUST_PROXY']);
  });

  it.each<[string, unknown]>([
    ['false', false],
    ['0', false],
    ['1', 1],
    ['10.0.0.0/8, ::1', ['10.0.0.0/8', '::1']],
  ])('should hand Fastify TRUST_PROXY %p as %p', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it('should treat empty optional settings as unset', () => {
    const blank = {
      DATABASE_URL: '',
      TOKEN_PEPPER: '  ',
      TOKEN_MAX_LIFETIME_DAYS: '',
      REDIS_URL: ' ',
    };
    expectUnset(environment(blank), Object.keys(blank) as (keyof typeof blank)[]);
  });

  it('should drop variables it does not declare', () => {
    const settings = environment({ PATH: '/usr/bin', HOME: '/root', PORT: '4000' });
    expect(settings).not.toHaveProperty('PATH');
    expect(settings).not.toHaveProperty('HOME');
    expect(settings.PORT).toBe(4000);
  });

  it('should read process.env when given no environment', () => {
    const saved = process.env.AUTH_FAILURE_LIMIT;
    process.env.AUTH_FAILURE_LIMIT = '77';
    try {
      expect(environment().AUTH_FAILURE_LIMIT).toBe(77);
    } finally {
      if (saved === undefined) {
        delete process.env.AUTH_FAILURE_LIMIT;
      } else {
        process.env.AUTH_FAILURE_LIMIT = saved;
      }
    }
  });

  describe('bad values', () => {
    it.each<[string, string]>([
      ['NODE_ENV', 'staging'],
      ['PORT', 'abc'],
      ['PORT', '-1'],
      ['PORT', '65536'],
      ['PORT', '80.5'],
      ['PORT', '1e3'],
      ['HOST', ''],
      ['TRUST_PROXY', 'maybe'],
      ['BODY_LIMIT_BYTES', '1023'],
      ['BODY_LIMIT_BYTES', 'lots'],
      ['LOG_LEVEL', 'verbose'],
      ['LOG_FORMAT', 'xml'],
      ['DATABASE_URL', 'mysql://app@db/app'],
      ['SQLITE_PATH', ''],
      ['DATABASE_MIGRATIONS_RUN', 'maybe'],
      ['DATABASE_POOL_SIZE', '0'],
      ['DATABASE_POOL_SIZE', '201'],
      ['DATABASE_LOGGING', 'sometimes'],
      ['TOKEN_PEPPER', 'too-short'],
      ['TOKEN_MAX_LIFETIME_DAYS', '6'],
      ['TOKEN_MAX_LIFETIME_DAYS', '3651'],
      ['TOKEN_MAX_LIFETIME_DAYS', 'ninety'],
      ['TOKEN_LAST_USED_INTERVAL_SECONDS', '0'],
      ['TOKEN_LAST_USED_INTERVAL_SECONDS', '86401'],
      ['AUTH_CACHE_TTL_MS', '-1'],
      ['AUTH_CACHE_TTL_MS', '300001'],
      ['AUTH_FAILURE_LIMIT', '0'],
      ['AUTH_FAILURE_LIMIT', '100001'],
      ['AUTH_FAILURE_WINDOW_SECONDS', '0'],
      ['AUTH_FAILURE_WINDOW_SECONDS', '86401'],
      ['AUTH_FAILURE_BLOCK_SECONDS', '0'],
      ['AUTH_FAILURE_BLOCK_SECONDS', '86401'],
      ['REDIS_URL', 'http://cache:6379'],
      ['BOOTSTRAP_ADMIN_EMAIL', 'not-an-email'],
      ['BOOTSTRAP_ORGANISATION_NAME', ''],
      ['BOOTSTRAP_ORGANISATION_NAME', 'x'.repeat(101)],
    ])('should reject %s=%p in one line naming that variable alone', (name, value) => {
      const error = configError({ [name]: value });
      expect(error.name).toBe('ConfigValidationError');
      expect(error.message).toMatch(/^Invalid configuration: /);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(names(error.message)).toEqual([name]);
    });

    it('should state a setting’s message once, even when several of its rules fail', () => {
      const { message } = configError({ PORT: 'abc' });
      expect(message).toBe(
        'Invalid configuration: PORT must be an integer between 0 and 65535 (got "abc")',
      );
    });

    it('should echo a rejected value that cannot be a secret', () => {
      expect(configError({ LOG_LEVEL: 'verbose' }).message).toContain('(got "verbose")');
      expect(configError({ DATABASE_POOL_SIZE: '500' }).message).toContain('(got "500")');
    });

    it('should name every bad variable in the same single line', () => {
      const { message } = configError({ PORT: 'abc', LOG_LEVEL: 'loud', REDIS_URL: 'x' });
      expect(message).not.toMatch(/[\r\n]/);
      expect(names(message).sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL']);
      expect(message.split('; ')).toHaveLength(3);
    });

    it('should keep the message on one line when a rejected value spans several', () => {
      const { message } = configError({ LOG_LEVEL: 'info\nInvalid configuration: forged' });
      expect(message).not.toMatch(/[\r\n]/);
      expect(names(message)).toEqual(['LOG_LEVEL']);
    });

    it.each<[string, string]>([
      ['TOKEN_PEPPER', 'hunter2-secret-pepper'],
      ['DATABASE_URL', 'mysql://app:hunter2-password@db/app'],
      ['REDIS_URL', 'http://:hunter2-password@cache:6379'],
    ])('should never echo the rejected value of %s', (name, value) => {
      const { message } = configError({ [name]: value });
      expect(message).toContain(name);
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('got');
    });
  });

  describe('TOKEN_PEPPER with DATABASE_URL', () => {
    const DATABASE_URL = 'postgres://app:hunter2@db:5432/app';

    it('should require TOKEN_PEPPER when DATABASE_URL is set, without echoing the URL', () => {
      const { message } = configError({ DATABASE_URL });
      expect(message).not.toMatch(/[\r\n]/);
      expect(message).toMatch(/^Invalid configuration: /);
      expect(names(message)).toEqual(expect.arrayContaining(['TOKEN_PEPPER']));
      expect(message).not.toContain('hunter2');
    });

    it('should require TOKEN_PEPPER when it is set but empty', () => {
      expect(names(configError({ DATABASE_URL, TOKEN_PEPPER: '' }).message)).toContain(
        'TOKEN_PEPPER',
      );
    });

    it('should accept DATABASE_URL with a pepper of 32 characters', () => {
      const settings = environment({ DATABASE_URL, TOKEN_PEPPER: PEPPER });
      expect(settings.DATABASE_URL).toBe(DATABASE_URL);
      expect(settings.TOKEN_PEPPER).toBe(PEPPER);
    });

    it('should reject a pepper of 31 characters', () => {
      const { message } = configError({ DATABASE_URL, TOKEN_PEPPER: PEPPER.slice(1) });
      expect(names(message)).toEqual(['TOKEN_PEPPER']);
      expect(message).not.toContain(PEPPER.slice(1));
    });

    it('should not require TOKEN_PEPPER without DATABASE_URL', () => {
      expect(environment({}).TOKEN_PEPPER).toBeUndefined();
      expect(environment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    });
  });

  describe('validateSettings', () => {
    class ModuleSettings {
      @Transform(({ value }: { value: unknown }) =>
        typeof value === 'string' ? Number(value) : value,
      )
      @IsInt({ message: 'WIDGETS must be an integer up to 10' })
      @Max(10, { message: 'WIDGETS must be an integer up to 10' })
      WIDGETS = 5;

      @IsOptional()
      DATABASE_URL?: string;
    }

    it('should validate a module’s own settings class with its defaults', () => {
      const settings = validateSettings(ModuleSettings, { WIDGETS: '7', PORT: 'abc' });
      expect(settings).toBeInstanceOf(ModuleSettings);
      expect(settings.WIDGETS).toBe(7);
      expect(validateSettings(ModuleSettings, {}).WIDGETS).toBe(5);
    });

    it('should not ask a module’s settings for the core settings’ TOKEN_PEPPER', () => {
      const settings = validateSettings(ModuleSettings, { DATABASE_URL: 'postgres://db/app' });
      expect(settings.DATABASE_URL).toBe('postgres://db/app');
    });

    it('should reject a module’s bad setting with a ConfigValidationError', () => {
      expect(() => validateSettings(ModuleSettings, { WIDGETS: '11' })).toThrow(
        new ConfigValidationError(
          'Invalid configuration: WIDGETS must be an integer up to 10 (got "11")',
        ),
      );
    });
  });
});
