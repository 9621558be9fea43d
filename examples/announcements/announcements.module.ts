import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { announcementsConfig } from './announcements.config';
import { AnnouncementsController } from './announcements.controller';
import { AnnouncementsService } from './announcements.service';
import { Announcement } from './entities/announcement.entity';

/**
 * An example module, written by docs/EXTENDING.md and kept out of the service: its tests add it
 * to the app as one more line of app.module.ts would.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Announcement]), ConfigModule.forFeature(announcementsConfig)],
  controllers: [AnnouncementsController],
  providers: [AnnouncementsService],
})
export class AnnouncementsModule {}
