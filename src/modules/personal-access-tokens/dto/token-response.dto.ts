import { ApiProperty } from '@nestjs/swagger';
import {
  ApiNullableTextProperty,
  ApiTimestampProperty,
  ApiUuidProperty,
} from '../../../common/openapi/api-properties';
import { Permission, PERMISSIONS } from '../../auth';
import { ProjectResponseDto } from '../../projects/dto/project-response.dto';
import { UserResponseDto } from '../../users/dto/user-response.dto';

/** Personal access token details. Never carries the secret. */
export class TokenResponseDto {
  /** Unique identifier of the personal access token */
  @ApiUuidProperty({ exemplified: true })
  id: string;

  /** Description or note for the token */
  @ApiProperty({ example: 'Deploy pipeline' })
  note: string;

  /** List of permissions granted to this token */
  @ApiProperty({ enum: PERMISSIONS, enumName: 'Permission', isArray: true, example: ['owner'] })
  permissions: Permission[];

  /** Whether the token has access to all projects */
  allProjects: boolean;

  /** List of projects the token has access to */
  @ApiProperty({ type: [ProjectResponseDto] })
  projects: ProjectResponseDto[];

  /** User who owns the token */
  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  /** Timestamp when the token was created */
  @ApiTimestampProperty()
  createdAt: string;

  /** Timestamp when the token was last updated */
  @ApiTimestampProperty()
  updatedAt: string;

  /** Timestamp when the token expires, null if indefinite */
  @ApiNullableTextProperty('2026-12-27T20:00:00.000Z')
  expiresAt: string | null;

  /** Timestamp of the token's last use (recorded at most once a minute), null if never used */
  @ApiNullableTextProperty()
  lastUsedAt: string | null;

  /** Client address of the token's last use, null if never used */
  @ApiNullableTextProperty()
  lastUsedIp: string | null;

  /** Client addresses and CIDRs the token may be used from; empty: anywhere */
  @ApiProperty({ type: [String], example: ['203.0.113.0/24'] })
  allowedIps: string[];

  /** The secret's last four characters, to tell tokens apart; not enough to use it */
  @ApiProperty({ example: 'x9Qa' })
  secretHint: string;
}

/** A token with its secret: answered once, by create and by regenerate. */
export class CreatedTokenResponseDto extends TokenResponseDto {
  /** The secret, shown this once: send it as `Authorization: Bearer <token>` */
  @ApiProperty({ example: 'opat_6Zm1yUjQ3d0h4VnBtS2JHa0x0RnN1YlpJd1h0TmhS0Mb3Qz' })
  token: string;
}

export const LOOKUP_STATUSES = ['active', 'expired', 'replaced'] as const;
export type LookupStatus = (typeof LOOKUP_STATUSES)[number];

/** Which token a leaked secret belongs to. */
export class TokenLookupResponseDto {
  /** `active`: the secret works; `expired`: it no longer does; `replaced`: a regenerate replaced it */
  @ApiProperty({ enum: LOOKUP_STATUSES, enumName: 'TokenLookupStatus' })
  status: LookupStatus;

  /** The token the secret belongs (or belonged) to, with its owner */
  @ApiProperty({ type: TokenResponseDto })
  token: TokenResponseDto;
}
