import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse } from '@nestjs/swagger';
import { ApiError } from '../../common/openapi/api-error';
import { ApiCreates } from '../../common/openapi/api-creates';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AnswersWithSecret } from '../../common/http/no-store.decorator';
import { EventActor } from '../../common/events/domain-event';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { PerAddressLimit } from '../../common/rate-limit';
import { AdminOnly, AuthenticatedUser, CurrentActor, CurrentUser, Public } from '../auth';
import { toCreatedTokenResponse } from '../personal-access-tokens/token.mapper';
import { toUserResponse } from '../users/user.mapper';
import {
  AcceptedInvitationResponseDto,
  AcceptInvitationDto,
  InvitedUserResponseDto,
  InviteUserDto,
} from './dto/invitation.dto';
import { invitationsConfig, InvitationsConfig } from './invitations.config';
import { InvitationsService } from './invitations.service';

const HOUR_MS = 60 * 60 * 1000;
/** Addresses whose attempts are counted at once; past that the oldest is forgotten. */
export const MAX_TRACKED_ADDRESSES = 10_000;

/** Inviting a person (admin only). */
@ApiTag('Users', "The organisation's people and service users (admin only)")
@Controller('users')
export class InviteUserController {
  constructor(private readonly invitations: InvitationsService) {}

  /**
   * Invite a person
   *
   * @remarks Creates a person of type `invited` and answers a one-time invitation code, valid
   * 7 days, shown this once (only its hash is kept). The person redeems it at
   * `POST /api/invitations/accept`, which gives them the type asked for here and their first token.
   */
  @Post()
  @AdminOnly()
  @ApiCreates('The invited person and the code to hand over', InvitedUserResponseDto)
  @ApiError(409, 'A user with this email already exists')
  async inviteUser(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Body() dto: InviteUserDto,
  ): Promise<InvitedUserResponseDto> {
    const { user, code, expiresAt } = await this.invitations.invite(
      caller.organisationId,
      dto,
      actor,
    );
    return {
      user: toUserResponse(user),
      invitation: { code, expiresAt: expiresAt.toISOString() },
    };
  }
}

/** Redeeming an invitation: the one route a person calls before they have a token. */
@ApiTag('Invitations', 'Joining the organisation with an invitation code (no token needed)')
@Controller('invitations')
export class InvitationsController {
  readonly attempts: PerAddressLimit;

  constructor(
    private readonly invitations: InvitationsService,
    @Inject(invitationsConfig.KEY) config: InvitationsConfig,
  ) {
    // Refused until the hour that began with the address's first attempt is over.
    this.attempts = new PerAddressLimit({
      limit: config.acceptLimitPerHour,
      windowMs: HOUR_MS,
      blockMs: 0,
      maxAddresses: MAX_TRACKED_ADDRESSES,
      refusal: 'Too many attempts to accept an invitation from this address; try again later',
    });
  }

  /**
   * Accept an invitation
   *
   * @remarks No token needed: the code is the credential. The invited person becomes active with
   * the type they were invited as, and gets their first token (its secret in `token.token`, shown
   * this once). A used, expired or unknown code answers 400 with one message. Attempts are limited
   * per client address (`INVITATION_ACCEPT_LIMIT_PER_HOUR`, default 20).
   */
  @Post('accept')
  @Public()
  @AnswersWithSecret()
  @ApiCreatedResponse({
    description: 'The person, now active, and their first token with its secret',
    type: AcceptedInvitationResponseDto,
  })
  @ApiError(400, 'Invalid input, or a used, expired or unknown code (one message for all three)')
  @ApiError(429, 'Too many attempts from this address; see Retry-After')
  async acceptInvitation(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: AcceptInvitationDto,
  ): Promise<AcceptedInvitationResponseDto> {
    this.attempts.count(request.ip, reply);
    const { user, token, secret } = await this.invitations.accept(dto, request.ip);
    return { user: toUserResponse(user), token: toCreatedTokenResponse(token, secret) };
  }
}
