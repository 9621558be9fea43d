import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableTextProperty, ApiUuidProperty } from '../../../common/openapi/api-properties';
import { USER_TYPES, UserType } from '../../../common/users/user-types';
import { PERMISSIONS, Permission } from '../permissions';

/** Who the token is, for the service behind the gateway: the same as the X-Auth-* headers. */
export class VerifyResponseDto {
  /** The token's user (X-Auth-User-Id) */
  @ApiUuidProperty()
  userId: string;

  /** The token (X-Auth-Token-Id) */
  @ApiUuidProperty()
  tokenId: string;

  /** The user's organisation (X-Auth-Organisation-Id) */
  @ApiUuidProperty()
  organisationId: string;

  /** The user's type (X-Auth-User-Type) */
  @ApiProperty({ enum: USER_TYPES, enumName: 'UserType' })
  userType: UserType;

  /**
   * The permissions the token may use (X-Auth-Permissions, comma-separated): as granted, capped by
   * what the user's type allows
   */
  @ApiProperty({ enum: PERMISSIONS, enumName: 'Permission', isArray: true })
  permissions: Permission[];

  /** `*` for every project, else the project ids (X-Auth-Projects, comma-separated) */
  @ApiProperty({
    oneOf: [
      { type: 'string', enum: ['*'] },
      { type: 'array', items: { type: 'string', format: 'uuid' } },
    ],
    example: '*',
  })
  projects: '*' | string[];

  /** When the token expires (X-Auth-Expires-At), null when it never does */
  @ApiNullableTextProperty('2026-12-27T20:00:00.000Z')
  expiresAt: string | null;
}
