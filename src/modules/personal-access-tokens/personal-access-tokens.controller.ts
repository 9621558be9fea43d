import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiConsumes, ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { EventActor } from '../../common/events/domain-event';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { AdminOnly, Authenticated, CurrentActor, CurrentPrincipal, Principal } from '../auth';
import { AcceptsFormBody } from '../../common/http/form-body';
import {
  CreateTokenDto,
  ListTokensQueryDto,
  LookupTokenDto,
  RegenerateTokenDto,
  RotateTokenDto,
} from './dto/token-requests.dto';
import { IntrospectionResponseDto, IntrospectTokenDto } from './dto/introspection.dto';
import { IdempotentRequest } from './idempotency/idempotency-store.service';
import { IdempotencyRequest } from './idempotency/idempotent.decorator';
import {
  CreatedTokenResponseDto,
  TokenLookupResponseDto,
  TokenResponseDto,
} from './dto/token-response.dto';
import { PersonalAccessTokensService } from './personal-access-tokens.service';
import { IssuesToken, RenewsSecret } from './renews-secret.decorator';
import { toCreatedTokenResponse, toTokenResponse } from './token.mapper';

const ESCALATION =
  'The token used cannot grant this: more permissions, projects or lifetime than itself';
/** The caller's token the route acts on, named in the path. */
const PatId = () =>
  UuidParam('patId', 'Personal access token ID', { notFound: 'No such token among yours' });

/** The caller's own tokens. A token can only manage tokens no broader than itself. */
@ApiTag('Personal access tokens', "The caller's own tokens")
@Authenticated()
@Controller('personal-access-tokens')
export class PersonalAccessTokensController {
  constructor(private readonly tokensService: PersonalAccessTokensService) {}

  /**
   * List your tokens
   *
   * @remarks Every token of the calling user, newest first; `expiringWithinDays` keeps those that
   * expire within that many days and have not expired yet. Secrets are never answered.
   */
  @Get()
  @ApiOkResponse({ description: 'Your tokens, newest first', type: [TokenResponseDto] })
  @ApiError(400, INVALID_INPUT)
  async listTokens(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ListTokensQueryDto,
  ): Promise<TokenResponseDto[]> {
    return (await this.tokensService.list(caller.user, query)).map(toTokenResponse);
  }

  /**
   * Create a token
   *
   * @remarks The answer carries the secret in `token`, this once. The new token cannot have more
   * permissions, projects or lifetime than the token used to create it.
   */
  @Post()
  @IssuesToken()
  @ApiError(403, ESCALATION)
  async createToken(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @Body() dto: CreateTokenDto,
  ): Promise<CreatedTokenResponseDto> {
    const { token, secret } = await this.tokensService.create(
      caller.user,
      dto,
      caller.token,
      actor,
    );
    return toCreatedTokenResponse(token, secret);
  }

  /**
   * Look up a leaked secret
   *
   * @remarks Admin only. Answers which token of the organisation a secret belongs (or, after a
   * regenerate, belonged) to, so that it can be deleted.
   */
  @Post('lookup')
  @HttpCode(200)
  @AdminOnly()
  @ApiOkResponse({
    description: 'The token the secret belongs (or belonged) to, and whether it still works',
    type: TokenLookupResponseDto,
  })
  @ApiError(400, INVALID_INPUT)
  @ApiError(404, 'No token of the organisation has this secret')
  async lookupToken(
    @CurrentPrincipal() caller: Principal,
    @Body() dto: LookupTokenDto,
  ): Promise<TokenLookupResponseDto> {
    const { status, token } = await this.tokensService.lookup(
      caller.user.organisationId,
      dto.token,
    );
    return { status, token: toTokenResponse(token) };
  }

  /**
   * Introspect a token (RFC 7662)
   *
   * @remarks Admin only. Takes `token=…` form-encoded (as RFC 7662 clients send it) or JSON
   * `{"token": …}`. Answers what the token is when it is a live token of the organisation, and
   * exactly `{"active": false}` for anything else (unknown, malformed, expired, deleted,
   * replaced, its user not active, another organisation's).
   */
  @Post('introspect')
  @HttpCode(200)
  @AdminOnly()
  @AcceptsFormBody()
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({
    description: 'What the token is, or {"active": false}',
    type: IntrospectionResponseDto,
  })
  @ApiError(400, 'No token parameter')
  async introspectToken(
    @CurrentPrincipal() caller: Principal,
    @Body() dto: IntrospectTokenDto,
  ): Promise<IntrospectionResponseDto> {
    return this.tokensService.introspect(caller.user.organisationId, dto.token);
  }

  /**
   * Get the token making the request
   *
   * @remarks The token whose secret authenticates this request; never its secret.
   */
  @Get('self')
  @ApiOkResponse({ description: 'The token making the request', type: TokenResponseDto })
  async getSelf(@CurrentPrincipal() caller: Principal): Promise<TokenResponseDto> {
    return toTokenResponse(await this.tokensService.get(caller.user, caller.token.id));
  }

  /**
   * Delete the token making the request
   *
   * @remarks Answers the deleted token; its secret stops working at once.
   */
  @Delete('self')
  @ApiOkResponse({ description: 'The deleted token', type: TokenResponseDto })
  async deleteSelf(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
  ): Promise<TokenResponseDto> {
    return toTokenResponse(
      await this.tokensService.delete(caller.user, caller.token.id, caller.token, actor),
    );
  }

  /**
   * Rotate the token making the request
   *
   * @remarks A new secret for the same token id, with `expiry` (default: the token's own
   * preset), counted from now; the old secret stops working at once. A token may always renew
   * itself with any preset the lifetime policy allows, so a CI token can renew itself before it
   * expires. An expired, deleted or replaced secret cannot rotate (401). With an
   * `Idempotency-Key`, a retry whose answer was lost gets the same new secret again.
   */
  @Post('self/rotate')
  @HttpCode(200)
  @RenewsSecret('Another rotation of the same token won; try again')
  @ApiError(400, INVALID_INPUT)
  async rotateSelf(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @Body() dto: RotateTokenDto,
    @IdempotencyRequest() idempotency: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedTokenResponseDto> {
    const { token, secret } = await this.tokensService.regenerate(
      caller.user,
      caller.token.id,
      { expiry: dto?.expiry },
      caller.token,
      actor,
      idempotency,
    );
    // The token's expiry as it is now, not as it was when the request authenticated.
    if (token.expiresAt) {
      void reply.header('X-Token-Expires-At', token.expiresAt.toISOString());
    } else {
      void reply.removeHeader('X-Token-Expires-At');
    }
    return toCreatedTokenResponse(token, secret);
  }

  /**
   * Get one of your tokens
   *
   * @remarks A token of the calling user, with its projects; never its secret.
   */
  @Get(':patId')
  @ApiOkResponse({ description: 'Personal access token details', type: TokenResponseDto })
  async getToken(
    @CurrentPrincipal() caller: Principal,
    @PatId() patId: string,
  ): Promise<TokenResponseDto> {
    return toTokenResponse(await this.tokensService.get(caller.user, patId));
  }

  /**
   * Delete one of your tokens
   *
   * @remarks Answers the deleted token; its secret stops working at once.
   */
  @Delete(':patId')
  @ApiOkResponse({ description: 'The deleted token', type: TokenResponseDto })
  @ApiError(403, ESCALATION)
  async deleteToken(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @PatId() patId: string,
  ): Promise<TokenResponseDto> {
    return toTokenResponse(
      await this.tokensService.delete(caller.user, patId, caller.token, actor),
    );
  }

  /**
   * Regenerate one of your tokens
   *
   * @remarks A new secret and expiry for the same token id; the old secret stops working at once.
   */
  @Post(':patId/regenerate')
  @HttpCode(200)
  @RenewsSecret('Another regenerate of the same token won; try again')
  @ApiError(403, ESCALATION)
  async regenerateToken(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @PatId() patId: string,
    @Body() dto: RegenerateTokenDto,
    @IdempotencyRequest() idempotency: IdempotentRequest | undefined,
  ): Promise<CreatedTokenResponseDto> {
    const { token, secret } = await this.tokensService.regenerate(
      caller.user,
      patId,
      dto,
      caller.token,
      actor,
      idempotency,
    );
    return toCreatedTokenResponse(token, secret);
  }
}
