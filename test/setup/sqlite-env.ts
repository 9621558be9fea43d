import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTestEnvironment } from './common-env';

// Runs before the test file's imports: entity column types are read when they load.
applyTestEnvironment();
delete process.env.DATABASE_URL;
delete process.env.TOKEN_PEPPER;
process.env.TEST_DATA_DIR = mkdtempSync(join(tmpdir(), 'pat-e2e-'));
process.env.SQLITE_PATH = join(process.env.TEST_DATA_DIR, 'app.sqlite');
