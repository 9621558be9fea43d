import { applyDecorators } from '@nestjs/common';
import { Column, ColumnOptions, ColumnType, JoinColumn, ManyToOne, ObjectType } from 'typeorm';
import { currentDatabaseKind } from './database-kind';

/*
 * SQLite and PostgreSQL spell a few column types differently, and TypeORM validates entity
 * metadata against the driver in use. Entities use these instead of a literal type, and the
 * column decorators below for what many entities declare alike.
 */
const postgres = currentDatabaseKind() === 'postgres';

/** An instant: `timestamptz` on PostgreSQL, ISO text (`datetime`) on SQLite. */
export const timestampColumnType: ColumnType = postgres ? 'timestamptz' : 'datetime';

/** A small JSON document: `jsonb` on PostgreSQL, JSON text on SQLite. */
export const jsonColumnType: ColumnType = postgres ? 'jsonb' : 'simple-json';

type ColumnOptionsBesideType = Omit<ColumnOptions, 'type'>;

/** A column holding an instant (timestampColumnType). */
export const TimestampColumn = (options: ColumnOptionsBesideType = {}) =>
  Column({ type: timestampColumnType, ...options });

/** A column holding a uuid: a row's id, or the id of what it refers to. */
export const UuidColumn = (options: ColumnOptionsBesideType = {}) =>
  Column({ type: 'uuid', ...options });

/**
 * The relation of a row to the one it belongs to, whose id a column of its own holds (`user` and
 * `userId`): the row cannot exist without it, and is deleted with it.
 */
export const BelongsTo = <T>(target: () => ObjectType<T>) =>
  applyDecorators(ManyToOne(target, { nullable: false, onDelete: 'CASCADE' }), JoinColumn());

/** A SHA-256 or HMAC-SHA256 digest, as its 64 hex characters. */
export const HexDigestColumn = (options: ColumnOptionsBesideType = {}) =>
  Column({ type: 'varchar', length: 64, ...options });
