import { applyDecorators, Type } from '@nestjs/common';
import { ApiCreatedResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from './api-error';

/**
 * A route that creates something from its body: the 201 answering what it made (`description`,
 * `type`) and the 400 an invalid body gets.
 */
export const ApiCreates = (description: string, type: Type<unknown>) =>
  applyDecorators(ApiCreatedResponse({ description, type }), ApiError(400, INVALID_INPUT));
