import { ApiProperty } from '@nestjs/swagger';
import { USER_STATUSES, USER_TYPES, UserStatus, UserType } from '../../../common/users/user-types';

/** A user of the organisation, person or service user. */
export class UserResponseDto {
  /** Unique identifier of the user */
  @ApiProperty({ format: 'uuid', example: '3c90c3cc-0d44-4b50-8888-8dd25736052a' })
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
  @ApiProperty({ example: '2026-11-27T20:00:00.000Z' })
  createdAt: string;

  /** Timestamp when the user was last updated (ISO 8601, UTC) */
  @ApiProperty({ example: '2026-11-27T20:00:00.000Z' })
  updatedAt: string;

  /** First name, null when not set */
  @ApiProperty({ type: String, nullable: true, example: null })
  firstName: string | null;

  /** Last name, null when not set */
  @ApiProperty({ type: String, nullable: true, example: null })
  lastName: string | null;

  /** Whether this is a service user (a machine account) */
  isService: boolean;
}
