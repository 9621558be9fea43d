import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { AnswersWithSecret } from '../../common/http/no-store.decorator';
import { EventActor } from '../../common/events/domain-event';
import { ApiUuidParam } from '../../common/openapi/api-uuid-param';
import { ParseUuidPipe } from '../../common/pipes/parse-uuid.pipe';
import { AdminOnly, AuthenticatedUser, CurrentActor, CurrentUser } from '../auth';
import { UsersService } from '../users/users.service';
import { CreateTokenDto, ListTokensQueryDto, RegenerateTokenDto } from './dto/token-requests.dto';
import { CreatedTokenResponseDto, TokenResponseDto } from './dto/token-response.dto';
import { PersonalAccessTokensService } from './personal-access-tokens.service';
import { IdempotencyRequest } from './idempotency/idempotent.decorator';
import { IdempotentRequest } from './idempotency/idempotency-store.service';
import { RenewsSecret } from './renews-secret.decorator';
import { toCreatedTokenResponse, toTokenResponse } from './token.mapper';

const NOT_FOUND = 'No such service user in the organisation, or no such token of theirs';
const PAT_ID = 'Personal access token ID';
/** The service user a route acts on, described per operation (the documented page words the get). */
const ServiceUserParam = (what: string) =>
  ApiUuidParam('userId', `Service user ID ${what} (admin only)`);

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
  @ServiceUserParam('whose tokens to list')
  @Get()
  @ApiOkResponse({ description: "The service user's tokens", type: [TokenResponseDto] })
  async listServiceUserTokens(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', ParseUuidPipe) userId: string,
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
  @ServiceUserParam('to create the token for')
  @Post()
  @AnswersWithSecret()
  @ApiCreatedResponse({
    description: 'The new token, with its secret in `token`',
    type: CreatedTokenResponseDto,
  })
  async createServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Param('userId', ParseUuidPipe) userId: string,
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
  @ServiceUserParam('to get token for')
  @Get(':patId')
  @ApiUuidParam('patId', PAT_ID)
  @ApiOkResponse({ description: 'Personal access token details', type: TokenResponseDto })
  async getServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('userId', ParseUuidPipe) userId: string,
    @Param('patId', ParseUuidPipe) patId: string,
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
  @ServiceUserParam('whose token to delete')
  @Delete(':patId')
  @ApiUuidParam('patId', PAT_ID)
  @ApiOkResponse({ description: 'The deleted token', type: TokenResponseDto })
  async deleteServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Param('userId', ParseUuidPipe) userId: string,
    @Param('patId', ParseUuidPipe) patId: string,
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
  @ServiceUserParam('whose token to regenerate')
  @Post(':patId/regenerate')
  @HttpCode(200)
  @RenewsSecret('Another regenerate of the same token won; try again')
  @ApiUuidParam('patId', PAT_ID)
  async regenerateServiceUserToken(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Param('userId', ParseUuidPipe) userId: string,
    @Param('patId', ParseUuidPipe) patId: string,
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
