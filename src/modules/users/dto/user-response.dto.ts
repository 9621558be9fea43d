import { ApiProperty } from '@nestjs/swagger';
import {
  ApiNullableTextProperty,
  ApiTimestampProperty,
  ApiUuidProperty,
} from '../../../common/openapi/api-properties';
import { USER_STATUSES, USER_TYPES, UserStatus, UserType } from '../../../common/users/user-types';

/** A user of the organisation, person or service user. */
export class UserResponseDto {
  /** Unique identifier of the user */
  @ApiUuidProperty({ exemplified: true })
  id: string;

  /** Email address of the user */
  @ApiProperty({ example: 'ci-bot@example.com' })
  email: string;

  /** Role of the user in the organisation */
  @ApiProperty({ enum: USER_TYPES, enumName: 'UserType', example: 'member' })
  type: UserType;

  /** Whether the user may sign in and use tokens */
  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus', example: 'active' })
  status: UserStatus;

  /** Timestamp when the user was created (ISO 8601, UTC) */
  @ApiTimestampProperty()
  createdAt: string;

  /** Timestamp when the user was last updated (ISO 8601, UTC) */
  @ApiTimestampProperty()
  updatedAt: string;

  /** First name, null when not set */
  @ApiNullableTextProperty()
  firstName: string | null;

  /** Last name, null when not set */
  @ApiNullableTextProperty()
  lastName: string | null;

  /** Whether this is a service user (a machine account) */
  isService: boolean;
}
