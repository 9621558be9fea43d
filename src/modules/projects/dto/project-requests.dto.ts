import { ApiHideProperty, ApiProperty, ApiSchema, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination.dto';
import { IsOmittable } from '../../../common/validation/optional';
import { PROJECT_KEY_PATTERN, PROJECT_VERSIONS, ProjectVersion } from '../entities/project.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateProjectDto {
  /** Name of the project, 1 to 100 characters */
  @ApiProperty({ example: 'Pricing rules' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  /** Short key: lower-case letters and digits in dash-separated groups, unique in the organisation */
  @ApiProperty({ example: 'pricing-rules', pattern: PROJECT_KEY_PATTERN.source })
  @IsString()
  @MaxLength(64)
  @Matches(PROJECT_KEY_PATTERN, {
    message:
      'key must be lower-case letters and digits in dash-separated groups, at least 2 characters first (e.g. pricing-rules)',
  })
  key: string;

  /** A protected project cannot be deleted until it is unprotected; a project created without it is not protected */
  @ApiProperty({ required: false, example: false })
  @IsOmittable()
  @IsBoolean()
  protected?: boolean;

  /** `v1` (standard) or `v2` (Git-like); `v1` when left out; fixed once created */
  @ApiProperty({
    enum: PROJECT_VERSIONS,
    enumName: 'ProjectVersion',
    required: false,
    example: 'v1',
  })
  @IsOmittable()
  @IsIn(PROJECT_VERSIONS)
  version?: ProjectVersion;
}

/** Every field optional; an explicit null is refused, not taken as "leave unchanged". */
@ApiSchema({
  description:
    'The fields to change: a field left out keeps its current value (`version` is fixed at creation)',
})
export class UpdateProjectDto extends PartialType(
  PickType(CreateProjectDto, ['name', 'key', 'protected'] as const),
  { skipNullProperties: false },
) {
  /** true: the project cannot be deleted until it is unprotected; false: it can; left out, unchanged */
  @ApiProperty({ required: false, example: true })
  override protected?: boolean;

  /** Not a field of an update: named only to be refused with a message of its own. */
  @ApiHideProperty()
  @IsOmittable()
  @ValidateBy({
    name: 'fixedAfterCreation',
    validator: {
      validate: () => false,
      defaultMessage: () =>
        'version is fixed after creation: create a new project to use another version',
    },
  })
  version?: never;
}

export class ListProjectsQueryDto extends PaginationQueryDto {
  /** Matches the project's name or key (case-insensitive, substring) */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}
