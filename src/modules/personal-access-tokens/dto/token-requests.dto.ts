import { ApiProperty, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { IsOmittable } from '../../../common/validation/optional';
import { Permission, PERMISSIONS } from '../../auth';
import { TOKEN_EXPIRIES, TokenExpiry } from '../../../common/tokens/token-expiry';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerCaseAll = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item))
    : value;

export class CreateTokenDto {
  /** Description or note for the token, 1 to 100 characters */
  @ApiProperty({ example: 'Deploy pipeline' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  note: string;

  /** true: usable on every project (then `projects` is ignored and answered empty) */
  @ApiProperty({ example: false })
  @IsBoolean()
  allProjects: boolean;

  /** How long the token lives: week (7 days), month (30), three_months (90), year (365) or indefinite */
  @ApiProperty({ enum: TOKEN_EXPIRIES, enumName: 'TokenExpiry', example: 'month' })
  @IsIn(TOKEN_EXPIRIES)
  expiry: TokenExpiry;

  /** Ids of the projects the token may act on, used when allProjects is false */
  @ApiProperty({
    type: [String],
    format: 'uuid',
    required: false,
    example: ['3c90c3cc-0d44-4b50-8888-8dd25736052a'],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  @Transform(lowerCaseAll)
  @ArrayUnique()
  projects?: string[];

  /** Permissions granted to the token: `owner` grants everything, a family name its whole family */
  @ApiProperty({
    enum: PERMISSIONS,
    enumName: 'Permission',
    isArray: true,
    example: ['releases:deploy'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PERMISSIONS.length)
  @ArrayUnique()
  @IsIn(PERMISSIONS, { each: true })
  permissions: Permission[];
}

export class RegenerateTokenDto extends PickType(CreateTokenDto, ['expiry'] as const) {}

export class LookupTokenDto {
  /** A token secret, for instance one found in a log or a repository */
  @ApiProperty({ example: 'opat_6Zm1yUjQ3d0h4VnBtS2JHa0x0RnN1YlpJd1h0TmhS0Mb3Qz' })
  @IsString()
  @MaxLength(200)
  token: string;
}
