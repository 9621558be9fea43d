import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, LessThan, Repository } from 'typeorm';
import { Page, pageWindow, toPage } from '../../common/dto/pagination.dto';
import { DomainEvent } from '../../common/events/domain-event';
import {
  DomainEventPublisher,
  DomainEventRecorder,
} from '../../common/events/domain-event-publisher';
import { RepeatingTask } from '../../common/scheduling/repeating-task';
import { auditLogConfig, AuditLogConfig } from './audit-log.config';
import { AuditEntryDto, ListAuditLogQueryDto } from './dto/audit-log.dto';
import { AuditEntry } from './entities/audit-entry.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Records every published domain event as an audit entry, in the same transaction as the change
 * (a change that cannot be recorded is not made), and answers the trail. The modules that publish
 * know nothing of it.
 */
@Injectable()
export class AuditLogService
  implements DomainEventRecorder, OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(AuditLogService.name);
  private readonly purging: RepeatingTask;

  constructor(
    @InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>,
    @Inject(auditLogConfig.KEY) private readonly config: AuditLogConfig,
    private readonly publisher: DomainEventPublisher,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.purging = new RepeatingTask(
      () => this.purge(),
      PURGE_EVERY_MS,
      this.logger,
      'Audit log purge failed',
    );
  }

  async record(manager: EntityManager, events: readonly DomainEvent[]): Promise<void> {
    const entries = manager.getRepository(AuditEntry);
    await entries.save(
      events.map((event) =>
        entries.create({
          organisationId: event.organisationId,
          action: event.name,
          actorId: event.actor.userId,
          tokenId: event.actor.tokenId,
          targetType: event.targetType,
          targetId: event.targetId,
          ip: event.actor.ip,
          details: event.details,
        }),
      ),
      { reload: false },
    );
  }

  async list(organisationId: string, query: ListAuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    // TypeORM refuses undefined in a where clause (it would match everything): set filters only.
    const where: FindOptionsWhere<AuditEntry> = { organisationId };
    if (query.action) {
      where.action = query.action;
    }
    if (query.actorId) {
      where.actorId = query.actorId.toLowerCase();
    }
    if (query.targetType) {
      where.targetType = query.targetType;
    }
    if (query.targetId) {
      where.targetId = query.targetId.toLowerCase();
    }
    const [entries, total] = await this.entries.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      ...pageWindow(query),
    });
    return toPage(entries.map(toAuditEntryDto), total, query);
  }

  /** Deletes entries older than the retention; answers how many. */
  async purge(now = new Date()): Promise<number> {
    if (this.config.retentionDays === 0) {
      return 0;
    }
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    const result = await this.entries.delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  onModuleInit(): void {
    this.publisher.addRecorder(this);
  }

  onApplicationBootstrap(): void {
    if (this.config.retentionDays > 0) {
      this.purging.startInServer(this.adapterHost, PURGE_EVERY_MS);
    }
  }

  onModuleDestroy(): Promise<void> {
    return this.purging.stop();
  }
}

function toAuditEntryDto(entry: AuditEntry): AuditEntryDto {
  return {
    id: entry.id,
    action: entry.action,
    actorId: entry.actorId,
    tokenId: entry.tokenId,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ip: entry.ip,
    createdAt: entry.createdAt.toISOString(),
    details: entry.details,
  };
}
