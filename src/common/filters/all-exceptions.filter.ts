import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../../database/database-errors';
import { ErrorResponseDto } from '../dto/error-response.dto';
import { STATUS_TEXT } from '../http/status-text';
import { redactTokenSecrets } from '../redaction';

/**
 * Every error answer has the same body: `{statusCode, message, error}`. HTTP exceptions pass
 * through; an unreachable database answers 503; anything else is logged with its stack and
 * answers a plain 500 that reveals nothing of the internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    // Nest's "Cannot GET <url>" for an unknown route quotes the query string too, where a client
    // may have put a token (?access_token=…): answer the path only, as the request log does.
    if (body.statusCode === 404 && typeof body.message === 'string') {
      body.message = body.message.replace(/^(Cannot [A-Z]+ [^?]*)\?.*$/s, '$1');
    }
    // A message may name what the client sent (an unknown field, a path): never a secret.
    body.message = Array.isArray(body.message)
      ? body.message.map(redactTokenSecrets)
      : redactTokenSecrets(body.message);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorResponseDto {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : ((response as { message?: string | string[] }).message ?? exception.message);
      return { statusCode: status, message, error: STATUS_TEXT[status] ?? exception.name };
    }
    const clientError = asClientError(exception);
    if (clientError) {
      return clientError;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Database unavailable: ${(exception as Error).message}`);
      return {
        statusCode: 503,
        message: 'The database is unavailable; try again shortly',
        error: STATUS_TEXT[503],
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return { statusCode: 500, message: 'Internal server error', error: STATUS_TEXT[500] };
  }
}

/** Fastify's own 4xx errors (bad JSON, body too large, unsupported media type) keep their status. */
function asClientError(exception: unknown): ErrorResponseDto | undefined {
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) {
    return undefined;
  }
  return {
    statusCode,
    message: (exception as Error).message,
    error: STATUS_TEXT[statusCode] ?? HttpStatus[statusCode] ?? 'Error',
  };
}
