import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../dto/error-response.dto';

/** The error statuses an operation may document. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;

/**
 * An error answer of an operation (on a method), or of every operation of a controller (on the
 * class), with the error body every 4xx and 5xx answer has. The one way to document one.
 */
export const ApiError = (status: ErrorStatus, description: string) =>
  ApiResponse({ status, description, type: ErrorResponseDto });

/** The words of a 400 whose message names the invalid field, as ValidationPipe's does. */
export const INVALID_INPUT = 'Invalid input; the message names the field';
