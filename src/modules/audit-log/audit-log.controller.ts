import { Controller, Get, Query } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiError } from '../../common/openapi/api-error';
import { AdminOnly, AuthenticatedUser, CurrentUser } from '../auth';
import { AuditLogService } from './audit-log.service';
import { AuditLogPageDto, ListAuditLogQueryDto } from './dto/audit-log.dto';

@ApiTag('Audit log', 'Who did what, from where and when (admin only)')
@AdminOnly()
@Controller('audit-log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  /**
   * List audit entries
   *
   * @remarks Who created, changed, regenerated and deleted what, from where and when, newest
   * first (admin only). Filter by action, actor and target.
   */
  @Get()
  @ApiOkResponse({ description: 'A page of audit entries, newest first', type: AuditLogPageDto })
  @ApiError(400, 'Invalid filter; the message names it')
  listAuditEntries(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListAuditLogQueryDto,
  ): Promise<AuditLogPageDto> {
    return this.auditLog.list(caller.organisationId, query);
  }
}
