import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../../common/dto/pagination.dto';
import { DomainEventName, DomainEvents } from '../../../common/events/domain-event';

const ACTIONS = Object.values(DomainEvents);
const TARGET_TYPES = ['token', 'user', 'project'] as const;

/** An entry of the audit trail. */
export class AuditEntryDto {
  /** Unique identifier of the entry */
  @ApiProperty({ format: 'uuid' })
  id: string;

  /** What happened: the event's name, one of the core's (the `action` filter's values) or a module's own (`webhook.created`, `token.expiring`, …) */
  @ApiProperty({ example: 'token.created' })
  action: string;

  /** The user who did it; null for the command-line tool */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorId: string | null;

  /** The token used to do it; null for the command-line tool */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  tokenId: string | null;

  /** The kind of thing it was done to: `token`, `user`, `project`, or a module's own (`webhook`, …) */
  @ApiProperty({ example: 'token' })
  targetType: string;

  /** The thing it was done to */
  @ApiProperty({ format: 'uuid' })
  targetId: string;

  /** The client address; null for the command-line tool */
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  /** When it happened (ISO 8601, UTC) */
  @ApiProperty({ example: '2026-11-27T20:00:00.000Z' })
  createdAt: string;

  /** What changed, as a small JSON object; never a secret */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { note: 'Deploy pipeline' } })
  details: Record<string, unknown>;
}

export class AuditLogPageDto extends PageDto(AuditEntryDto, 'AuditLogPage') {}

export class ListAuditLogQueryDto extends PaginationQueryDto {
  /** Only entries of this action, one of the core's events (a module's own are not filtered on) */
  @ApiProperty({ enum: ACTIONS, enumName: 'AuditAction', required: false })
  @IsOptional()
  @IsIn(ACTIONS)
  action?: DomainEventName;

  /** Only entries by this user */
  @IsOptional()
  @IsUUID('all')
  actorId?: string;

  /** Only entries about this kind of target */
  @ApiProperty({ enum: TARGET_TYPES, enumName: 'AuditTargetType', required: false })
  @IsOptional()
  @IsIn(TARGET_TYPES)
  targetType?: string;

  /** Only entries about this target */
  @IsOptional()
  @IsUUID('all')
  targetId?: string;
}
