import { randomUUID } from 'node:crypto';
import { BeforeInsert, BeforeUpdate, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './column-types';

/**
 * A UUID primary key and the creation time, both assigned by the service: the same values on
 * both databases, with millisecond precision (SQLite's own defaults have whole seconds). For rows
 * that are written once and never edited.
 */
export abstract class InsertOnlyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @TimestampColumn()
  createdAt: Date;

  @BeforeInsert()
  protected beforeInsert(): void {
    this.id ??= randomUUID();
    this.createdAt ??= new Date();
  }
}

/**
 * The same, and `updatedAt`, which moves only when the row is edited, never on a bookkeeping
 * write like last use.
 */
export abstract class BaseEntity extends InsertOnlyEntity {
  @TimestampColumn()
  updatedAt: Date;

  protected override beforeInsert(): void {
    super.beforeInsert();
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected beforeUpdate(): void {
    this.updatedAt = new Date();
  }
}
