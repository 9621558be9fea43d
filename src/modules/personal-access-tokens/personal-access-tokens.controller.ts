import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import { AnswersWithSecret } from '../../common/http/no-store.decorator';
import { ErrorResponseDto } from '../../common/dto/error-response.dto';
import { EventActor } from '../../common/events/domain-event';
import { ApiUuidParam } from '../../common/openapi/api-uuid-param';
import { ParseUuidPipe } from '../../common/pipes/parse-uuid.pipe';
import { AdminOnly, Authenticated, CurrentActor, CurrentPrincipal, Principal } from '../auth';
import { CreateTokenDto, LookupTokenDto, RegenerateTokenDto } from './dto/token-requests.dto';
import {
  CreatedTokenResponseDto,
  TokenLookupResponseDto,
  TokenResponseDto,
} from './dto/token-response.dto';
import { PersonalAccessTokensService } from './personal-access-tokens.service';
import { toCreatedTokenResponse, toTokenResponse } from './token.mapper';

const NOT_FOUND = { description: 'No such token among yours', type: ErrorResponseDto };
const ESCALATION = {
  description:
    'The token used cannot grant this: more permissions, projects or lifetime than itself',
  type: ErrorResponseDto,
};
const INVALID = {
  description: 'Invalid input; the message names the field',
  type: ErrorResponseDto,
};
const PAT_ID = 'Personal access token ID';

/** The caller's own tokens. A token can only manage tokens no broader than itself. */
@ApiTag('Personal access tokens', "The caller's own tokens")
@Authenticated()
@Controller('personal-access-tokens')
export class PersonalAccessTokensController {
  constructor(private readonly tokensService: PersonalAccessTokensService) {}

  /**
   * List your tokens
   *
   * @remarks Every token of the calling user, newest first. Secrets are never answered.
   */
  @Get()
  @ApiOkResponse({ description: 'Your tokens, newest first', type: [TokenResponseDto] })
  async listTokens(@CurrentPrincipal() caller: Principal): Promise<TokenResponseDto[]> {
    return (await this.tokensService.list(caller.user)).map(toTokenResponse);
  }

  /**
   * Create a token
   *
   * @remarks The answer carries the secret in `token`, this once. The new token cannot have more
   * permissions, projects or lifetime than the token used to create it.
   */
  @Post()
  @AnswersWithSecret()
  @ApiCreatedResponse({
    description: 'The new token, with its secret in `token`',
    type: CreatedTokenResponseDto,
  })
  @ApiBadRequestResponse(INVALID)
  @ApiForbiddenResponse(ESCALATION)
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
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse({
    description: 'No token of the organisation has this secret',
    type: ErrorResponseDto,
  })
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
   * Get one of your tokens
   *
   * @remarks A token of the calling user, with its projects; never its secret.
   */
  @Get(':patId')
  @ApiUuidParam('patId', PAT_ID)
  @ApiOkResponse({ description: 'Personal access token details', type: TokenResponseDto })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse(NOT_FOUND)
  async getToken(
    @CurrentPrincipal() caller: Principal,
    @Param('patId', ParseUuidPipe) patId: string,
  ): Promise<TokenResponseDto> {
    return toTokenResponse(await this.tokensService.get(caller.user, patId));
  }

  /**
   * Delete one of your tokens
   *
   * @remarks Answers the deleted token; its secret stops working at once.
   */
  @Delete(':patId')
  @ApiUuidParam('patId', PAT_ID)
  @ApiOkResponse({ description: 'The deleted token', type: TokenResponseDto })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiForbiddenResponse(ESCALATION)
  async deleteToken(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @Param('patId', ParseUuidPipe) patId: string,
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
  @AnswersWithSecret()
  @HttpCode(200)
  @ApiUuidParam('patId', PAT_ID)
  @ApiOkResponse({
    description: 'The token, with its new secret in `token`',
    type: CreatedTokenResponseDto,
  })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiForbiddenResponse(ESCALATION)
  @ApiConflictResponse({
    description: 'Another regenerate of the same token won; try again',
    type: ErrorResponseDto,
  })
  async regenerateToken(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @Param('patId', ParseUuidPipe) patId: string,
    @Body() dto: RegenerateTokenDto,
  ): Promise<CreatedTokenResponseDto> {
    const { token, secret } = await this.tokensService.regenerate(
      caller.user,
      patId,
      dto,
      caller.token,
      actor,
    );
    return toCreatedTokenResponse(token, secret);
  }
}
