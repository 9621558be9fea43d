import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { EventActor } from '../../common/events/domain-event';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { AdminOnly, AuthenticatedUser, CurrentActor, CurrentUser } from '../auth';
import { UsersService } from '../users/users.service';
import { CreateTokenDto, ListTokensQueryDto, RegenerateTokenDto } from './dto/token-requests.dto';
import { CreatedTokenResponseDto, TokenResponseDto } from './dto/token-response.dto';
import { PersonalAccessTokensService } from './personal-access-tokens.service';
import { IdempotencyRequest } from './idempotency/idempotent.decorator';
import { IdempotentRequest } from './idempotency/idempotency-store.service';
import { IssuesToken, RenewsSecret } from './renews-secret.decorator';
import { toCreatedTokenResponse, toTokenResponse } from './token.mapper';

const NOT_FOUND = 'No such service user in the organisation, or no such token of theirs';
/** The service user a route acts on, described per operation (the documented page words the get). */
const ServiceUserId = (what: string) => UuidParam('userId', `Service user ID ${what} (admin only)`);
/** The service user's token the route acts on. */
const PatId = () => UuidParam('patId', 'Personal access token ID');

/** A service user's tokens, managed by an admin. */
@ApiTag('Service user tokens', "A service user's tokens, managed by an admin")
@AdminOnly()
@ApiError(400, INVALID_INPUT)
@ApiError(404, NOT_FOUND)
@Controller('users/service/:userId/personal-access-tokens')
export class ServiceUserTokensController {
  constructor(
    private readonly tokensService: PersonalAccessTokensService,
    private readonly usersService: UsersService,
  ) {}

  /**
   * List a service user's tokens
   *
   * @remarks Every token of the service user, newest first (admin only); `expiringWithinDays`
   * keeps those that expire within that many days and have not expired yet.
   */
  @Get()
  @ApiOkResponse({ description: "The service user's tokens", type: [TokenResponseDto] })
  async listServiceUserTokens(
    @CurrentUser() caller: AuthenticatedUser,
    @ServiceUserId('whose tokens to list') userId: string,
    @Query() query: ListTokensQueryDto,
  ): Promise<TokenResponseDto[]> {
    const owner = await this.usersService.findServiceUser(caller.organisationId, userId);
    return (await this.tokensService.list(owner, query)).map(toTokenResponse);
  }

  /**
   * Create a token for a service user
   *
   * @remarks Admin only. The answer carries the secret in `token`, this once. Only an `admin`
   * service user's token with `owner` on all projects passes the admin rule.
   */
  @Post()
  @IssuesToken()
  async createServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @ServiceUserId('to create the token for') userId: string,
    @Body() dto: CreateTokenDto,
  ): Promise<CreatedTokenResponseDto> {
    const owner = await this.usersService.findServiceUser(caller.organisationId, userId);
    const { token, secret } = await this.tokensService.create(owner, dto, null, actor);
    return toCreatedTokenResponse(token, secret);
  }

  /**
   * Get token
   *
   * @remarks A service user's personal access token (admin only).
   */
  @Get(':patId')
  @ApiOkResponse({ description: 'Personal access token details', type: TokenResponseDto })
  async getServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @ServiceUserId('to get token for') userId: string,
    @PatId() patId: string,
  ): Promise<TokenResponseDto> {
    return toTokenResponse(
      await this.tokensService.getServiceUserToken(caller.organisationId, userId, patId),
    );
  }

  /**
   * Delete a service user's token
   *
   * @remarks Answers the deleted token; its secret stops working at once (admin only).
   */
  @Delete(':patId')
  @ApiOkResponse({ description: 'The deleted token', type: TokenResponseDto })
  async deleteServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @ServiceUserId('whose token to delete') userId: string,
    @PatId() patId: string,
  ): Promise<TokenResponseDto> {
    const owner = await this.usersService.findServiceUser(caller.organisationId, userId);
    return toTokenResponse(await this.tokensService.delete(owner, patId, null, actor));
  }

  /**
   * Regenerate a service user's token
   *
   * @remarks A new secret and expiry for the same token id; the old secret stops working at once
   * (admin only).
   */
  @Post(':patId/regenerate')
  @HttpCode(200)
  @RenewsSecret('Another regenerate of the same token won; try again')
  async regenerateServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @ServiceUserId('whose token to regenerate') userId: string,
    @PatId() patId: string,
    @Body() dto: RegenerateTokenDto,
    @IdempotencyRequest() idempotency: IdempotentRequest | undefined,
  ): Promise<CreatedTokenResponseDto> {
    const owner = await this.usersService.findServiceUser(caller.organisationId, userId);
    const { token, secret } = await this.tokensService.regenerate(
      owner,
      patId,
      dto,
      null,
      actor,
      idempotency,
    );
    return toCreatedTokenResponse(token, secret);
  }
}
