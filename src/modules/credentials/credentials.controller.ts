import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse } from '@nestjs/swagger';
import { ApiError } from '../../common/openapi/api-error';
import { FastifyRequest } from 'fastify';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { Public } from '../auth';
import { PersonalAccessTokensService } from '../personal-access-tokens/personal-access-tokens.service';
import { RevokeCredentialsDto, RevokeCredentialsResponseDto } from './dto/revoke-credentials.dto';
import { RevokeRateLimitGuard } from './revoke-rate-limit.guard';

@ApiTag('Credentials', 'Revocation of leaked secrets, for secret scanners (no token needed)')
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly tokens: PersonalAccessTokensService) {}

  /**
   * Revoke leaked secrets
   *
   * @remarks For secret scanners (GitHub secret scanning and the like) and anyone who finds a
   * secret exposed: no token needed. Every well-formed secret that is a live token is deleted at
   * once, recorded in its organisation's audit log as `token.revoked-leaked` and announced by
   * webhook. The answer is always 202 `{}` for a well-formed body, whatever was found, so it
   * reveals nothing.
   */
  @Post('revoke')
  @Public()
  @HttpCode(202)
  @UseGuards(RevokeRateLimitGuard)
  @ApiAcceptedResponse({
    description: 'Accepted; says nothing about what was found',
    type: RevokeCredentialsResponseDto,
  })
  @ApiError(400, 'Not a list of 1 to 1000 strings; the message names the field')
  @ApiError(429, 'More than REVOKE_RATE_LIMIT_PER_HOUR requests from this address; see Retry-After')
  async revokeCredentials(
    @Req() request: FastifyRequest,
    @Body() dto: RevokeCredentialsDto,
  ): Promise<RevokeCredentialsResponseDto> {
    await this.tokens.revokeLeaked(dto.credentials, request.ip);
    return {};
  }
}
