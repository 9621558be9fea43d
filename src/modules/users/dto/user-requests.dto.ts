import { ApiProperty, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { canonicalEmail } from '../email';
import { IsOmittable } from '../../../common/validation/optional';
import { PaginationQueryDto } from '../../../common/dto/pagination.dto';
import {
  ASSIGNABLE_USER_TYPES,
  SERVICE_USER_TYPES,
  ServiceUserType,
  USER_STATUSES,
  USER_TYPES,
  UserStatus,
  UserType,
} from '../../../common/users/user-types';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const toCanonicalEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? canonicalEmail(value) : value;

/** An email as every way in (the API, the command-line tool) accepts it. */
export class UserEmailDto {
  /** Email address of the user, unique in the organisation */
  @ApiProperty({ format: 'email', example: 'ci-bot@example.com' })
  @Transform(toCanonicalEmail)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email: string;
}

export class CreateServiceUserDto extends UserEmailDto {
  /** `admin` or `member`; `member` when left out */
  @ApiProperty({
    enum: SERVICE_USER_TYPES,
    enumName: 'ServiceUserType',
    required: false,
    example: 'member',
  })
  @IsOmittable()
  @IsIn(SERVICE_USER_TYPES)
  type?: ServiceUserType;
}

export class UpdateUserDto {
  /** First name; null clears it */
  @ApiProperty({ type: String, nullable: true, required: false, example: 'Ada' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  firstName?: string | null;

  /** Last name; null clears it */
  @ApiProperty({ type: String, nullable: true, required: false, example: 'Lovelace' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  lastName?: string | null;

  /** `active`, `disabled` or `locked`: a user that is not active cannot authenticate */
  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus', required: false, example: 'active' })
  @IsOmittable()
  @IsIn(USER_STATUSES)
  status?: UserStatus;

  /** The user's role; a service user is `admin` or `member`; `invited` is set by invitations only */
  @ApiProperty({
    enum: ASSIGNABLE_USER_TYPES,
    enumName: 'AssignableUserType',
    required: false,
    example: 'author',
  })
  @IsOmittable()
  // `invited` passes, to be refused with its own message (invitations set it).
  @IsIn(USER_TYPES, {
    message: `type must be one of the following values: ${ASSIGNABLE_USER_TYPES.join(', ')}`,
  })
  type?: UserType;
}

export class UpdateProfileDto extends PickType(UpdateUserDto, ['firstName', 'lastName'] as const) {}

export class ListUsersQueryDto extends PaginationQueryDto {
  /** Matches email, first name or last name (case-insensitive, substring) */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  /** true: only service users; false: only people */
  @ApiProperty({ required: false, type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  isService?: boolean;
}
