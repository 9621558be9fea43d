import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../../src/common/dto/pagination.dto';
import { ApiTimestampProperty, ApiUuidProperty } from '../../../src/common/openapi/api-properties';

export class PublishAnnouncementDto {
  /** A short headline, 1 to 100 characters */
  @ApiProperty({ example: 'Maintenance on Saturday' })
  @IsString()
  @Length(1, 100)
  title: string;

  /** The news itself, 1 to 2000 characters */
  @ApiProperty({ example: 'The API is read-only from 08:00 to 09:00 UTC.' })
  @IsString()
  @Length(1, 2000)
  body: string;
}

/** An announcement as everyone in the organisation reads it. */
export class AnnouncementDto {
  /** Unique identifier of the announcement */
  @ApiUuidProperty()
  id: string;

  /** The headline */
  @ApiProperty({ example: 'Maintenance on Saturday' })
  title: string;

  /** The news itself */
  @ApiProperty({ example: 'The API is read-only from 08:00 to 09:00 UTC.' })
  body: string;

  /** The admin who published it */
  @ApiUuidProperty()
  authorId: string;

  /** When it was published (ISO 8601, UTC) */
  @ApiTimestampProperty()
  createdAt: string;
}

export class AnnouncementPageDto extends PageDto(AnnouncementDto, 'AnnouncementPage') {}

/** Newest first; nothing to filter on. */
export class ListAnnouncementsQueryDto extends PaginationQueryDto {}
