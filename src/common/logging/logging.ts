import { AsyncLocalStorage } from 'node:async_hooks';
import { LoggerService } from '@nestjs/common';
import { FastifyBaseLogger, FastifyReply, FastifyRequest, LogController } from 'fastify';
import type { LoggerOptions } from 'pino';
import { EnvironmentVariables } from '../../config/environment';
import { redactPath } from '../redaction';

/*
 * Logs go through the pino logger that Fastify creates for the app: one per process, with a child
 * per request carrying its id. Nest's own messages reach the same logger through NestPinoLogger,
 * with the request id when they are written during a request. (nestjs-pino does this through an
 * Express-style middleware per request; measured here, that machinery alone cost about 40 µs of
 * CPU per request, halving the throughput of a trivial route. These hooks cost about 10 µs.)
 */

/** Paths of every header or field that may carry a secret, censored in every log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'headers.authorization',
  'token',
  'secret',
  'password',
];

/** pino's settings: JSON in production, readable lines in development; LOG_LEVEL. */
export function loggerOptions(settings: EnvironmentVariables): LoggerOptions {
  const format = settings.LOG_FORMAT ?? (settings.NODE_ENV === 'development' ? 'pretty' : 'json');
  return {
    level: settings.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    transport:
      format === 'pretty'
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
  };
}

/**
 * Fastify's request log lines: one per request, when it completes, with method, route pattern,
 * path (never the query string, where a client may put anything; a secret in the path redacted),
 * status and duration.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {
    // One line per request: written when it completes.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      path: redactPath(request.url.split('?')[0]),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error || reply.statusCode >= 500) {
      reply.log.error(line, 'request failed');
    } else if (reply.statusCode >= 400) {
      reply.log.warn(line, 'request refused');
    } else {
      reply.log.info(line, 'request completed');
    }
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info(
      { method: request.method, path: redactPath(request.url.split('?')[0]) },
      'route not found',
    );
  }
}

/** The request's logger (with its id) while a request is being handled. */
export const requestLogContext = new AsyncLocalStorage<FastifyBaseLogger>();

type Level = 'info' | 'warn' | 'debug' | 'trace' | 'fatal';

/** Nest's contexts that log the routes it maps at start-up. */
const ROUTE_MAPPING = new Set(['RoutesResolver', 'RouterExplorer']);

/** Nest's LoggerService on pino: `context` becomes a field; the request id comes with the request. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: FastifyBaseLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    // Nest maps every route at each start (one line per route, ~60): worth seeing when debugging.
    const level = ROUTE_MAPPING.has(String(rest[rest.length - 1])) ? 'debug' : 'info';
    this.write(level, message, rest);
  }

  /** Nest calls error(message, stack?, context?). */
  error(message: unknown, ...rest: unknown[]): void {
    const [stack, context] = rest.length >= 2 ? rest : [undefined, rest[0]];
    const fields = {
      context: typeof context === 'string' ? context : undefined,
      stack: typeof stack === 'string' ? stack : undefined,
    };
    const logger = this.current();
    if (message instanceof Error) {
      logger.error({ ...fields, err: message }, message.message);
    } else {
      logger.error(fields, describe(message));
    }
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private current(): FastifyBaseLogger {
    return requestLogContext.getStore() ?? this.root;
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    this.current()[level]({ context }, describe(message));
  }
}

function describe(message: unknown): string {
  if (typeof message === 'string') {
    return message;
  }
  if (message instanceof Error) {
    return message.message;
  }
  return JSON.stringify(message) ?? String(message);
}
