import { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggingConfig, LoggingConfig } from '../../config/logging.config';

/** Paths of every header or field that may carry a secret, censored in every log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.secret',
  '*.password',
];

/** The raw request, with the route pattern that the app factory's onRequest hook records. */
export type RoutedRequest = IncomingMessage & { id?: string; routePattern?: string };

/**
 * Structured logs through pino: JSON in production, readable lines in development, the request
 * id (Fastify's, see the app factory) on every line, and one line per request with method, route,
 * path, status and duration. Query strings are never logged: a client may put anything there,
 * secrets included.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [loggingConfig.KEY],
      useFactory: (config: LoggingConfig) => ({
        pinoHttp: {
          level: config.level,
          transport:
            config.format === 'pretty'
              ? {
                  target: 'pino-pretty',
                  options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
                }
              : undefined,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // The exception filter logs a 500's real error; drop pino-http's synthetic one.
          customErrorObject: (
            _request: IncomingMessage,
            _response: ServerResponse,
            _error: Error,
            value: Record<string, unknown>,
          ) => ({
            req: value.req,
            res: value.res,
            responseTime: value.responseTime,
          }),
          customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
            error || response.statusCode >= 500
              ? 'error'
              : response.statusCode >= 400
                ? 'warn'
                : 'info',
          serializers: {
            req: (request: { id: string; method: string; url: string; raw: RoutedRequest }) => ({
              id: request.id,
              method: request.method,
              route: request.raw.routePattern ?? null,
              path: request.url.split('?')[0],
            }),
            res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
