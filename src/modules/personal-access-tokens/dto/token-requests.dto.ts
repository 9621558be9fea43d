import { ApiProperty, PickType } from '@nestjs/swagger';
import { Transform, Type as TransformType } from 'class-transformer';
import {
  IsOptional,
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
  ValidateBy,
} from 'class-validator';
import { IsIntegerBetween } from '../../../common/validation/integer-between';
import { IsOmittable } from '../../../common/validation/optional';
import { MAX_ALLOWED_IPS, normaliseIpEntry, Permission, PERMISSIONS } from '../../auth';
import { TOKEN_EXPIRIES, TokenExpiry } from '../../../common/tokens/token-expiry';

/** An IPv4 or IPv6 address or CIDR (see normaliseIpEntry). */
const IsIpOrCidr = (options: { each: boolean }) =>
  ValidateBy(
    {
      name: 'isIpOrCidr',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normaliseIpEntry(value) !== null,
        defaultMessage: () =>
          'each value in allowedIps must be an IPv4 or IPv6 address or CIDR, like 203.0.113.0/24',
      },
    },
    options,
  );

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

  /** Client addresses or CIDRs (IPv4, IPv6) the token may be used from, at most 50; empty or absent: anywhere */
  @ApiProperty({
    type: [String],
    required: false,
    maxItems: MAX_ALLOWED_IPS,
    example: ['203.0.113.0/24', '2001:db8::/32'],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_IPS)
  @IsIpOrCidr({ each: true })
  allowedIps?: string[];
}

export class RegenerateTokenDto extends PickType(CreateTokenDto, [
  'expiry',
  'allowedIps',
] as const) {
  /** Client addresses or CIDRs (IPv4, IPv6) the token may be used from, at most 50: replaces the token's list (`[]`: anywhere); left out, the token keeps its list */
  @ApiProperty({
    type: [String],
    required: false,
    maxItems: MAX_ALLOWED_IPS,
    example: ['203.0.113.0/24'],
  })
  override allowedIps?: string[];
}

/**
 * Declared here rather than as a PartialType of CreateTokenDto: PartialType's @IsOptional would let
 * `"expiry": null` through, where it must be refused like any other bad value.
 */
export class RotateTokenDto {
  /** How long the token lives from now; absent: the token's own preset */
  @ApiProperty({ enum: TOKEN_EXPIRIES, enumName: 'TokenExpiry', required: false, example: 'week' })
  @IsOmittable()
  @IsIn(TOKEN_EXPIRIES)
  expiry?: TokenExpiry;
}

export class LookupTokenDto {
  /** A token secret, for instance one found in a log or a repository */
  @ApiProperty({ example: 'opat_6Zm1yUjQ3d0h4VnBtS2JHa0x0RnN1YlpJd1h0TmhS0Mb3Qz' })
  @IsString()
  @MaxLength(200)
  token: string;
}

export class ListTokensQueryDto {
  /** Only tokens that have not expired and expire within this many days (0 to 3650) */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, maximum: 3650, example: 7 })
  @IsOptional()
  @TransformType(() => Number)
  @IsIntegerBetween(0, 3650)
  expiringWithinDays?: number;
}
