import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../src/common/openapi/api-error';
import { EventActor } from '../../src/common/events/domain-event';
import { ApiTag } from '../../src/common/openapi/api-tag.decorator';
import { ApiCreates } from '../../src/common/openapi/api-creates';
import { UuidParam } from '../../src/common/http/uuid-param.decorator';
import {
  AdminOnly,
  Authenticated,
  AuthenticatedUser,
  CurrentActor,
  CurrentUser,
} from '../../src/modules/auth';
import { AnnouncementsService } from './announcements.service';
import {
  AnnouncementDto,
  AnnouncementPageDto,
  ListAnnouncementsQueryDto,
  PublishAnnouncementDto,
} from './dto/announcement.dto';

@ApiTag('Announcements', "News the organisation's admins publish to everyone in it")
@ApiError(400, INVALID_INPUT)
@Controller('announcements')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  /**
   * List announcements
   *
   * @remarks The organisation's announcements, newest first. Any valid token.
   */
  @Get()
  @Authenticated()
  @ApiOkResponse({ description: 'A page of announcements', type: AnnouncementPageDto })
  listAnnouncements(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListAnnouncementsQueryDto,
  ): Promise<AnnouncementPageDto> {
    return this.announcements.list(caller.organisationId, query);
  }

  /**
   * Get an announcement
   *
   * @remarks One announcement of the organisation. Any valid token.
   */
  @Get(':announcementId')
  @Authenticated()
  @ApiOkResponse({ description: 'The announcement', type: AnnouncementDto })
  getAnnouncement(
    @CurrentUser() caller: AuthenticatedUser,
    @UuidParam('announcementId', 'Announcement ID', {
      notFound: 'No such announcement in the organisation',
    })
    announcementId: string,
  ): Promise<AnnouncementDto> {
    return this.announcements.get(caller.organisationId, announcementId);
  }

  /**
   * Publish an announcement
   *
   * @remarks Everyone in the organisation can read it at once (admin only). Recorded in the audit
   * log and sent to webhooks as `announcement.published`.
   */
  @Post()
  @AdminOnly()
  @ApiCreates('The announcement published', AnnouncementDto)
  @ApiError(409, 'The organisation has as many announcements as ANNOUNCEMENTS_PER_ORGANISATION')
  publishAnnouncement(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Body() dto: PublishAnnouncementDto,
  ): Promise<AnnouncementDto> {
    return this.announcements.publish(caller.organisationId, dto, { ...actor, userId: caller.id });
  }
}
