import { ApiProperty } from '@nestjs/swagger';
import { ApiTimestampProperty, ApiUuidProperty } from '../../../common/openapi/api-properties';
import { PROJECT_VERSIONS, ProjectVersion } from '../entities/project.entity';

/** A project of the organisation. */
export class ProjectResponseDto {
  /** Unique identifier of the project */
  @ApiUuidProperty({ exemplified: true })
  id: string;

  /** Name of the project */
  @ApiProperty({ example: 'Pricing rules' })
  name: string;

  /** Organisation the project belongs to */
  @ApiUuidProperty({ exemplified: true })
  organisationId: string;

  /** Kind of project: `v1` standard (documents permissions) or `v2` Git-like (branches permissions) */
  @ApiProperty({ enum: PROJECT_VERSIONS, enumName: 'ProjectVersion', example: 'v1' })
  version: ProjectVersion;

  /** Timestamp when the project was created (ISO 8601, UTC) */
  @ApiTimestampProperty()
  createdAt: string;

  /** Timestamp when the project was last updated (ISO 8601, UTC) */
  @ApiTimestampProperty()
  updatedAt: string;

  /** Short key of the project, unique in the organisation */
  @ApiProperty({ example: 'pricing-rules' })
  key: string;

  /** A protected project cannot be deleted while it is protected */
  protected: boolean;
}
