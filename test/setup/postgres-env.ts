import { randomBytes } from 'node:crypto';
import { applyTestEnvironment } from './common-env';

// Runs before the test file's imports: entity column types are read when they load.
applyTestEnvironment();
const server = new URL(
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
const database = new URL(server);
database.pathname = `/pat_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
process.env.TEST_SERVER_URL = server.toString();
process.env.DATABASE_URL = database.toString();
process.env.TOKEN_PEPPER = randomBytes(32).toString('base64url');
