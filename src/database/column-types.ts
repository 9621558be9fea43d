import { ColumnType } from 'typeorm';
import { currentDatabaseKind } from './database-kind';

/*
 * SQLite and PostgreSQL spell a few column types differently, and TypeORM validates entity
 * metadata against the driver in use. Entities use these instead of a literal type.
 */
const postgres = currentDatabaseKind() === 'postgres';

/** An instant: `timestamptz` on PostgreSQL, ISO text (`datetime`) on SQLite. */
export const timestampColumnType: ColumnType = postgres ? 'timestamptz' : 'datetime';

/** A small JSON document: `jsonb` on PostgreSQL, JSON text on SQLite. */
export const jsonColumnType: ColumnType = postgres ? 'jsonb' : 'simple-json';
