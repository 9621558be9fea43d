import { ApiProperty, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsEmail, IsIn, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CreateTokenDto } from '../../personal-access-tokens/dto/token-requests.dto';
import { CreatedTokenResponseDto } from '../../personal-access-tokens/dto/token-response.dto';
import { UpdateUserDto } from '../../users/dto/user-requests.dto';
import { UserResponseDto } from '../../users/dto/user-response.dto';
import { canonicalEmail } from '../../users/email';
import { INVITED_USER_TYPES, InvitedUserType } from '../invitation-code';

const toCanonicalEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? canonicalEmail(value) : value;

export class InviteUserDto extends PickType(UpdateUserDto, ['firstName', 'lastName'] as const) {
  /** Email address of the person, unique in the organisation */
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(toCanonicalEmail)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email: string;

  /** The type the person gets when they accept: `admin`, `author` or `member` */
  @ApiProperty({ enum: INVITED_USER_TYPES, enumName: 'InvitedUserType', example: 'member' })
  @IsIn(INVITED_USER_TYPES)
  type: InvitedUserType;
}

/** The one-time code to hand to the person, out of band. */
export class InvitationCodeDto {
  /** The code, shown this once: the person redeems it at POST /api/invitations/accept */
  @ApiProperty({ example: 'oinv_Yk3n0cJ5mV2s8QbXw1hT9rLp4uAeZ7dGf6iKjN0oPqE' })
  code: string;

  /** Until when the code can be redeemed (7 days) */
  @ApiProperty({ example: '2026-12-07T20:00:00.000Z' })
  expiresAt: string;
}

export class InvitedUserResponseDto {
  /** The new person, of type `invited` until they accept */
  user: UserResponseDto;

  invitation: InvitationCodeDto;
}

export class AcceptInvitationDto extends PickType(UpdateUserDto, [
  'firstName',
  'lastName',
] as const) {
  /** The invitation code an admin handed over */
  @ApiProperty({ example: 'oinv_Yk3n0cJ5mV2s8QbXw1hT9rLp4uAeZ7dGf6iKjN0oPqE' })
  @IsString()
  @MaxLength(100)
  code: string;

  /** The person's first token */
  @ApiProperty({
    type: CreateTokenDto,
    example: {
      note: 'Laptop',
      permissions: ['documents'],
      allProjects: true,
      projects: [],
      expiry: 'month',
    },
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => CreateTokenDto)
  token: CreateTokenDto;
}

export class AcceptedInvitationResponseDto {
  /** The person, now active with the type they were invited as */
  user: UserResponseDto;

  /** Their first token, with its secret in `token` (shown this once) */
  token: CreatedTokenResponseDto;
}
