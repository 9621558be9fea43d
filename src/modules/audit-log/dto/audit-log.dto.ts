import { ApiProperty } from '@nestjs/swagger';
import {
  ApiNullableTextProperty,
  ApiTimestampProperty,
  ApiUuidProperty,
} from '../../../common/openapi/api-properties';
import { IsOptional, IsUUID } from 'class-validator';
import { OneOfFilter } from '../../../common/dto/list-filters';
import { PageDto, PaginationQueryDto } from '../../../common/dto/pagination.dto';
import { DomainEventName, DomainEvents } from '../../../common/events/domain-event';

const ACTIONS = Object.values(DomainEvents);
const TARGET_TYPES = ['token', 'user', 'project'] as const;

/** An entry of the audit trail. */
export class AuditEntryDto {
  /** Unique identifier of the entry */
  @ApiUuidProperty()
  id: string;

  /** What happened: the event's name, one of the core's (the `action` filter's values) or a module's own (`webhook.created`, `token.expiring`, …) */
  @ApiProperty({ example: 'token.created' })
  action: string;

  /** The user who did it; null for the command-line tool */
  @ApiUuidProperty({ nullable: true })
  actorId: string | null;

  /** The token used to do it; null for the command-line tool */
  @ApiUuidProperty({ nullable: true })
  tokenId: string | null;

  /** The kind of thing it was done to: `token`, `user`, `project`, or a module's own (`webhook`, …) */
  @ApiProperty({ example: 'token' })
  targetType: string;

  /** The thing it was done to */
  @ApiUuidProperty()
  targetId: string;

  /** The client address; null for the command-line tool */
  @ApiNullableTextProperty('203.0.113.7')
  ip: string | null;

  /** When it happened (ISO 8601, UTC) */
  @ApiTimestampProperty()
  createdAt: string;

  /** What changed, as a small JSON object; never a secret */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { note: 'Deploy pipeline' } })
  details: Record<string, unknown>;
}

export class AuditLogPageDto extends PageDto(AuditEntryDto, 'AuditLogPage') {}

export class ListAuditLogQueryDto extends PaginationQueryDto {
  /** Only entries of this action, one of the core's events (a module's own are not filtered on) */
  @OneOfFilter(ACTIONS, 'AuditAction')
  action?: DomainEventName;

  /** Only entries by this user */
  @IsOptional()
  @IsUUID('all')
  actorId?: string;

  /** Only entries about this kind of target */
  @OneOfFilter(TARGET_TYPES, 'AuditTargetType')
  targetType?: string;

  /** Only entries about this target */
  @IsOptional()
  @IsUUID('all')
  targetId?: string;
}
