import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AnswersWithSecret } from '../../common/http/no-store.decorator';
import { ApiError } from '../../common/openapi/api-error';
import { ApiCreates } from '../../common/openapi/api-creates';
import { CreatedTokenResponseDto } from './dto/token-response.dto';
import { Idempotent } from './idempotency/idempotent.decorator';

/**
 * A route that creates a token: it answers the token and its secret, which no cache may keep, as
 * 201, and 400 for an invalid body.
 */
export const IssuesToken = () =>
  applyDecorators(
    AnswersWithSecret(),
    ApiCreates('The new token, with its secret in `token`', CreatedTokenResponseDto),
  );

/**
 * A route that gives an existing token a new secret (regenerate, rotate): it answers the token and
 * its new secret, which no cache may keep; it takes an Idempotency-Key; and it answers 409 when a
 * concurrent renewal of the same token won (`race` words that for the document). The route says
 * `@HttpCode(200)` itself: the Swagger plugin reads it from the method to document the answer.
 */
export const RenewsSecret = (race: string) =>
  applyDecorators(
    AnswersWithSecret(),
    Idempotent(),
    ApiOkResponse({
      description: 'The token, with its new secret in `token`',
      type: CreatedTokenResponseDto,
    }),
    ApiError(409, race),
  );
