import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page, pageWindow, toPage } from '../../src/common/dto/pagination.dto';
import { eventAbout, EventActor } from '../../src/common/events/domain-event';
import { DomainEventPublisher } from '../../src/common/events/domain-event-publisher';
import { orNotFound } from '../../src/common/http/not-found';
import { announcementsConfig, AnnouncementsConfig } from './announcements.config';
import {
  AnnouncementDto,
  ListAnnouncementsQueryDto,
  PublishAnnouncementDto,
} from './dto/announcement.dto';
import { Announcement } from './entities/announcement.entity';

/** This module's own event: published with each announcement, in the same transaction. */
export const ANNOUNCEMENT_PUBLISHED = 'announcement.published';

@Injectable()
export class AnnouncementsService {
  constructor(
    @InjectRepository(Announcement) private readonly announcements: Repository<Announcement>,
    @Inject(announcementsConfig.KEY) private readonly config: AnnouncementsConfig,
    private readonly publisher: DomainEventPublisher,
  ) {}

  async list(
    organisationId: string,
    query: ListAnnouncementsQueryDto,
  ): Promise<Page<AnnouncementDto>> {
    const [rows, total] = await this.announcements.findAndCount({
      where: { organisationId },
      order: { createdAt: 'DESC', id: 'DESC' },
      ...pageWindow(query),
    });
    return toPage(rows.map(toAnnouncementDto), total, query);
  }

  async get(organisationId: string, id: string): Promise<AnnouncementDto> {
    const announcement = await this.announcements.findOneBy({ organisationId, id });
    return toAnnouncementDto(orNotFound(announcement, 'Announcement not found'));
  }

  async publish(
    organisationId: string,
    input: PublishAnnouncementDto,
    actor: EventActor & { userId: string },
  ): Promise<AnnouncementDto> {
    const announcement = this.announcements.create({
      organisationId,
      title: input.title,
      body: input.body,
      authorId: actor.userId,
    });
    await this.publisher.transaction(async ({ manager, publish }) => {
      // The bound is checked in the transaction that inserts (SQLite's run one at a time); two
      // admins publishing at once on PostgreSQL may pass it by one, which is harmless here.
      const count = await manager.countBy(Announcement, { organisationId });
      if (count >= this.config.perOrganisation) {
        throw new ConflictException(
          `An organisation keeps at most ${this.config.perOrganisation} announcements`,
        );
      }
      await manager.insert(Announcement, announcement);
      publish(
        eventAbout('announcement', announcement, ANNOUNCEMENT_PUBLISHED, actor, {
          title: announcement.title,
        }),
      );
    });
    return toAnnouncementDto(announcement);
  }
}

/** The only way an announcement leaves the service. */
function toAnnouncementDto(announcement: Announcement): AnnouncementDto {
  return {
    id: announcement.id,
    title: announcement.title,
    body: announcement.body,
    authorId: announcement.authorId,
    createdAt: announcement.createdAt.toISOString(),
  };
}
