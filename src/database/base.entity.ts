import { randomUUID } from 'node:crypto';
import { BeforeInsert, BeforeUpdate, Column, PrimaryColumn } from 'typeorm';
import { timestampColumnType } from './column-types';

/**
 * A UUID primary key and the two timestamps, all assigned by the service: the same values on
 * both databases, with millisecond precision (SQLite's own defaults have whole seconds), and
 * `updatedAt` moves only when the row is edited, never on a bookkeeping write like last use.
 */
export abstract class BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: timestampColumnType })
  createdAt: Date;

  @Column({ type: timestampColumnType })
  updatedAt: Date;

  @BeforeInsert()
  protected beforeInsert(): void {
    this.id ??= randomUUID();
    this.createdAt ??= new Date();
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected beforeUpdate(): void {
    this.updatedAt = new Date();
  }
}
