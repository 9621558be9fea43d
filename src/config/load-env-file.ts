import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Loads `.env` from the working directory into `process.env` before anything else is imported.
 * It must run first because the database kind (and so the entities' column types) is read when
 * the entity files load. Variables already set in the environment win over the file.
 */
const envFile = resolve(process.env.ENV_FILE ?? '.env');
if (existsSync(envFile)) {
  process.loadEnvFile(envFile);
}
