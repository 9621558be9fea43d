import {
  applyDecorators,
  BadRequestException,
  createParamDecorator,
  ExecutionContext,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader } from '@nestjs/swagger';
import { ApiError } from '../../../common/openapi/api-error';
import { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY_HEADER, isValidIdempotencyKey } from './idempotency-key';
import { IdempotentRequest, IdempotentRouteConfig } from './idempotency-store.service';

/**
 * The route takes an Idempotency-Key: its answer is remembered for a few minutes, and a retry with
 * the same key (even from the secret it replaced) gets the same answer again.
 */
export const Idempotent = () =>
  applyDecorators(
    RouteConfig({ idempotent: true } satisfies IdempotentRouteConfig),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique value (a UUID, say), 1 to 255 visible ASCII characters. A retry with the same key within 5 minutes, with the same secret (even once replaced) and body, answers the same new secret again instead of making another.',
    }),
    ApiError(422, 'The Idempotency-Key was already used for another request'),
  );

/** What the answer is remembered under, or undefined without an Idempotency-Key. */
export const IdempotencyRequest = createParamDecorator(
  (_: unknown, context: ExecutionContext): IdempotentRequest | undefined => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) {
      return undefined;
    }
    if (typeof key !== 'string' || !isValidIdempotencyKey(key)) {
      throw new BadRequestException(
        'Idempotency-Key must be 1 to 255 visible ASCII characters, given once',
      );
    }
    // The global guard authenticated this very header.
    const presentedSecret = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')![1];
    return { key, presentedSecret, method: request.method, path: request.url, body: request.body };
  },
);
