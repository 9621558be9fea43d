import { createConnection } from 'node:net';
import type { Config } from 'jest';

/*
 * Four projects: unit specs beside the code, the contract of openapi.json with independent tooling,
 * and the end-to-end suite twice, on SQLite (always)
 * and on PostgreSQL (when TEST_DATABASE_URL is set or a server answers on 127.0.0.1:5432; each test
 * file gets a fresh database it creates and drops). REQUIRE_POSTGRES=1 makes a missing server an
 * error instead of a skip (CI sets it).
 */

const swaggerPlugin = { path: '<rootDir>/test/setup/swagger-plugin-transformer.js' };

/** Unit specs only transpile; the e2e suite type-checks so that the Swagger plugin sees types. */
const transform = (withSwaggerPlugin: boolean): Config['transform'] => ({
  // @fastify/static requires content-disposition, which is ESM only: Node loads it (require(esm)),
  // Jest's module system does not, so it is transpiled for the tests.
  'node_modules/content-disposition/.+\\.js$': [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } },
  ],
  '^.+\\.ts$': [
    'ts-jest',
    withSwaggerPlugin
      ? { tsconfig: 'tsconfig.json', astTransformers: { before: [swaggerPlugin] } }
      : { tsconfig: 'tsconfig.unit.json' },
  ],
});

/**
 * A suite on one database: `e2e` boots the real app and talks HTTP to it; `medium` calls the
 * real services of the real app, many at once, without HTTP (races in rules and SQL).
 */
const onDatabase = (suite: 'e2e' | 'medium', setup: string): Config => ({
  displayName: `${suite}-${setup}`,
  testEnvironment: 'node',
  rootDir: '.',
  // The example module keeps its own tests in its folder (docs/EXTENDING.md).
  testMatch: [`<rootDir>/test/**/*.${suite}-spec.ts`, `<rootDir>/examples/**/*.${suite}-spec.ts`],
  transform: transform(true),
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  setupFiles: [`<rootDir>/test/setup/${setup}-env.ts`],
  setupFilesAfterEnv: [`<rootDir>/test/setup/${setup}-database.ts`],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  slowTestThreshold: 20,
});

function postgresAnswers(): Promise<boolean> {
  const url = new URL(
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 5432) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export default async (): Promise<Config> => {
  const projects: Config[] = [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: transform(false),
    },
    {
      // openapi.json against independent tooling (linter, generated client): no database, once.
      displayName: 'contract',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.contract-spec.ts'],
      transform: transform(false),
    },
    onDatabase('e2e', 'sqlite'),
    onDatabase('medium', 'sqlite'),
  ];
  if (await postgresAnswers()) {
    projects.push(onDatabase('e2e', 'postgres'), onDatabase('medium', 'postgres'));
  } else if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(
      'REQUIRE_POSTGRES=1 but no PostgreSQL answers (set TEST_DATABASE_URL or start one on 127.0.0.1:5432)',
    );
  } else {
    process.stderr.write(
      '\n*** PostgreSQL e2e suite SKIPPED: no server on 127.0.0.1:5432 and TEST_DATABASE_URL is not set. ***\n\n',
    );
  }
  return { projects, maxWorkers: 2, testTimeout: 30_000 };
};
