import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from './api-error';

/**
 * Documents a path parameter that ParseUuidPipe validates: a required string in uuid format. Used
 * through UuidParam, which declares the argument and its documentation at once. With `notFound`, the route acts on the one thing the parameter names: it also documents the 400
 * a malformed id gets and the 404 (`notFound` words it) when there is no such thing.
 */
export const ApiUuidParam = (
  name: string,
  description: string,
  { notFound }: { notFound?: string } = {},
) => {
  const param = ApiParam({
    name,
    description,
    required: true,
    schema: { type: 'string', format: 'uuid' },
  });
  return notFound === undefined
    ? param
    : applyDecorators(param, ApiError(400, INVALID_INPUT), ApiError(404, notFound));
};
