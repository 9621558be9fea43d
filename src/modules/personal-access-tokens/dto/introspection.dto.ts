import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** RFC 7662 §2.1, as a form (`token=…`) or as JSON. */
export class IntrospectTokenDto {
  /** The token secret to describe */
  @ApiProperty({ example: 'opat_6Zm1yUjQ3d0h4VnBtS2JHa0x0RnN1YlpJd1h0TmhS0Mb3Qz' })
  @IsString()
  @MaxLength(1000)
  token: string;

  /** Accepted and ignored: there is one kind of token */
  @ApiProperty({ required: false, example: 'access_token' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  token_type_hint?: string;
}

/**
 * RFC 7662 §2.2. For anything that is not a live token of the caller's organisation, exactly
 * `{"active": false}`.
 */
export class IntrospectionResponseDto {
  /** Whether the token is valid now */
  active: boolean;

  /** The token's user id */
  @ApiProperty({ required: false, format: 'uuid' })
  sub?: string;

  /** The token's user's email */
  @ApiProperty({ required: false, example: 'ci-bot@example.com' })
  username?: string;

  /** The token's permissions, space-separated: as granted, capped by what the user's type allows */
  @ApiProperty({ required: false, example: 'releases:deploy documents' })
  scope?: string;

  /** When the token expires, in seconds since the epoch; absent when it never does */
  @ApiProperty({ required: false, example: 1798401600 })
  exp?: number;

  /** When the token was created, in seconds since the epoch */
  @ApiProperty({ required: false, example: 1795809600 })
  iat?: number;

  /** Always `personal_access_token` */
  @ApiProperty({ required: false, enum: ['personal_access_token'] })
  token_type?: 'personal_access_token';

  /** The token's id */
  @ApiProperty({ required: false, format: 'uuid' })
  client_id?: string;

  /** `*` for every project, else the project ids */
  @ApiProperty({
    required: false,
    oneOf: [
      { type: 'string', enum: ['*'] },
      { type: 'array', items: { type: 'string', format: 'uuid' } },
    ],
  })
  projects?: '*' | string[];
}
