import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { databaseConfig, DatabaseConfig } from '../config/database.config';
import { secureSqliteFile } from './sqlite-file';
import { applyMigrations, refuseUnappliedMigrations } from './migrations-state';
import { buildTypeOrmOptions } from './typeorm-options';

const MODULE_FOLDERS = Symbol('MODULE_FOLDERS');

/**
 * The folders of modules added from outside the source tree (the example module, by its tests):
 * their migrations run with the others. A module under src/modules needs none of this.
 */
@Global()
@Module({})
export class ModuleFoldersModule {
  static register(folders: readonly string[]): DynamicModule {
    return {
      module: ModuleFoldersModule,
      providers: [{ provide: MODULE_FOLDERS, useValue: folders }],
      exports: [MODULE_FOLDERS],
    };
  }
}

/**
 * The database connection. Entities come from each module's TypeOrmModule.forFeature
 * (autoLoadEntities); migrations from each module's `migrations/<kind>/` folder, run on start-up
 * unless DATABASE_MIGRATIONS_RUN=false.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY, { token: MODULE_FOLDERS, optional: true }],
      useFactory: (config: DatabaseConfig, moduleFolders?: readonly string[]) => ({
        ...buildTypeOrmOptions(config, moduleFolders),
        autoLoadEntities: true,
        // Fail fast at start-up instead of retrying for half a minute.
        retryAttempts: 0,
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        if (options?.type === 'better-sqlite3') {
          secureSqliteFile(options.database);
        }
        const dataSource = await new DataSource(options!).initialize();
        try {
          if (databaseConfig().migrationsRun) {
            await applyMigrations(dataSource);
          } else {
            await refuseUnappliedMigrations(dataSource);
          }
        } catch (error) {
          await dataSource.destroy();
          throw error;
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
