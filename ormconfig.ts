/**
 * The TypeORM CLI data source (`npm run migration:generate|run|revert`). It uses the same settings
 * and the same option builder as the server: SQLite by default, PostgreSQL when DATABASE_URL is set.
 */
import './src/config/load-env-file';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from './src/config/database.config';
import { secureSqliteFile } from './src/database/sqlite-file';
import { buildTypeOrmOptions, entityGlobs } from './src/database/typeorm-options';

const config = readDatabaseConfig();
if (config.kind === 'sqlite') {
  secureSqliteFile(config.sqlitePath);
}

export default new DataSource({
  ...buildTypeOrmOptions(config),
  entities: entityGlobs(),
});
