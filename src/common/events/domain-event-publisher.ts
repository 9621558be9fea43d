import { Injectable, Module, Global } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvent } from './domain-event';

/** What a unit of work sees: the transaction's manager, and where to publish what it changed. */
export interface EventTransaction {
  readonly manager: EntityManager;
  readonly publish: (event: DomainEvent) => void;
}

/**
 * Writes what records a change (an audit entry, an outbox row) with the change's own manager,
 * before it commits. A recorder that throws rolls the change back: the request fails instead of
 * leaving a change nobody recorded.
 */
export interface DomainEventRecorder {
  record(manager: EntityManager, events: readonly DomainEvent[]): Promise<void>;
}

/**
 * The one way a module changes data and says so: `transaction(work)` runs the work and records
 * the events it published in one database transaction, then emits each event on EventEmitter2
 * for in-process listeners (caches), which hear only what was committed.
 */
@Injectable()
export class DomainEventPublisher {
  private readonly recorders: DomainEventRecorder[] = [];
  /** SQLite has one connection, which cannot hold two transactions: they take turns. */
  private sqliteTurn: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
  ) {}

  addRecorder(recorder: DomainEventRecorder): void {
    this.recorders.push(recorder);
  }

  async transaction<T>(work: (tx: EventTransaction) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    const result = await this.inTransaction(async (manager) => {
      const value = await work({ manager, publish: (event) => events.push(event) });
      if (events.length > 0) {
        for (const recorder of this.recorders) {
          await recorder.record(manager, events);
        }
      }
      return value;
    });
    for (const event of events) {
      this.emitter.emit(event.name, event);
    }
    return result;
  }

  /** An event that reports no other change (a replaced secret presented, say). */
  publish(event: DomainEvent): Promise<void> {
    return this.transaction((tx) => {
      tx.publish(event);
      return Promise.resolve();
    });
  }

  private inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'better-sqlite3') {
      return this.dataSource.transaction(work);
    }
    const turn = this.sqliteTurn.then(() => this.dataSource.transaction(work));
    this.sqliteTurn = turn.catch(() => undefined);
    return turn;
  }
}

/** Global: every feature module publishes its changes through the same publisher. */
@Global()
@Module({ providers: [DomainEventPublisher], exports: [DomainEventPublisher] })
export class EventsModule {}
