import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { useValidClientAddress } from './common/http/client-address';
import { installFormBodyParser } from './common/http/form-body';
import { malformedRequestHandler } from './common/http/malformed-requests';
import { securityHeaders } from './common/http/security-headers';
import { RejectUnsafeInputPipe } from './common/pipes/reject-unsafe-input.pipe';
import {
  loggerOptions,
  NestPinoLogger,
  RequestLogController,
  requestLogContext,
} from './common/logging/logging';
import {
  buildOpenApiDocument,
  DOCS_JSON_PATH,
  DOCS_PATH,
  serveOpenApiDocument,
} from './common/openapi/openapi';
import { serialiseAnswersByTheirSchema } from './common/openapi/response-serialisers';
import { parseTrustProxy } from './config/app.config';
import { validateAllSettings } from './config/environment';
import { TOKEN_PREFIX } from './common/tokens/token-secret';
import { ModuleFoldersModule } from './database/database.module';

export const API_PREFIX = 'api';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** What Fastify's own routing errors answer, instead of its messages that quote the whole URL. */
const FRAMEWORK_ERRORS: Record<string, { message: string; error: string }> = {
  FST_ERR_BAD_URL: { message: 'The URL has a malformed percent-encoding', error: 'Bad Request' },
  FST_ERR_MAX_PARAM_LENGTH: { message: 'A path parameter is too long', error: 'URI Too Long' },
};

export interface AppOptions {
  /**
   * Modules added after the core's, as more entries at the end of `imports` in app.module.ts
   * would be. The tests add the example module this way (docs/EXTENDING.md).
   */
  imports?: Type[];
  /** The folders of added modules kept outside src/: their migrations are found there. */
  moduleFolders?: string[];
}

/**
 * Builds the whole HTTP application, ready to listen: used by main.ts and by the end-to-end
 * tests, so that the tests run exactly what production runs. Throws ConfigValidationError on a
 * bad setting.
 */
export async function createApp(options: AppOptions = {}): Promise<NestFastifyApplication> {
  // Every setting, the modules' included, before anything starts: one line on a bad value.
  const settings = validateAllSettings();
  const requestLog = new RequestLogController();
  const headers = securityHeaders();
  const adapter: FastifyAdapter = new FastifyAdapter({
    logger: loggerOptions(settings),
    logController: requestLog,
    bodyLimit: settings.BODY_LIMIT_BYTES,
    trustProxy: parseTrustProxy(settings.TRUST_PROXY),
    // While closing, requests on kept-alive connections answer 503 instead of hanging.
    return503OnClosing: true,
    // A caller's X-Request-Id is kept when it looks like one; otherwise a new UUID.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const incoming = request.headers['x-request-id'];
      // An id that looks like a token is not echoed into every log line.
      return typeof incoming === 'string' &&
        REQUEST_ID.test(incoming) &&
        !incoming.includes(`${TOKEN_PREFIX}_`)
        ? incoming
        : randomUUID();
    },
    // A malformed URL or an over-long path parameter is answered by Fastify before any hook, with
    // the URL (query string and all, where a client may have put a token) in the message.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const statusCode = error.statusCode ?? 400;
      const known = FRAMEWORK_ERRORS[error.code] ?? {
        message: 'Bad request',
        error: 'Bad Request',
      };
      // Answered before routing, where Fastify writes no request line: this one writes it.
      reply.raw.once('finish', () => requestLog.requestCompleted(null, request, reply));
      void reply
        .code(statusCode)
        .header('X-Request-Id', request.id)
        .send({ statusCode, ...known });
    },
    // What Node's HTTP parser refuses before Fastify sees it (a raw non-ASCII byte in the URL).
    clientErrorHandler: malformedRequestHandler(headers, () => adapter.getInstance().log),
  });
  acceptEmptyJsonBodies(adapter);
  // Form bodies only where a route declares @AcceptsFormBody() (RFC 7662 introspection).
  installFormBodyParser(adapter.getInstance(), settings.BODY_LIMIT_BYTES);
  adapter.getInstance().addHook('onRequest', useValidClientAddress);
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    void reply.header('X-Request-Id', request.id);
    // What Nest's loggers write while handling this request carries its id.
    requestLogContext.run(request.log, done);
  });
  // Once closing (SIGTERM), a request still in flight is answered with `Connection: close`: else its
  // kept-alive connection would hold the server open until the keep-alive timeout (72 s).
  let closing = false;
  adapter.getInstance().addHook('preClose', (done) => {
    closing = true;
    done();
  });
  adapter.getInstance().addHook('onSend', (_request, reply, payload, done) => {
    if (closing) {
      void reply.header('Connection', 'close');
    }
    done(null, payload);
  });
  const { imports = [], moduleFolders = [] } = options;
  const root =
    imports.length + moduleFolders.length === 0
      ? AppModule
      : { module: AppModule, imports: [...imports, ModuleFoldersModule.register(moduleFolders)] };
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    bufferLogs: true,
    // A failure while the modules start (the database cannot be reached, say) is reported by the
    // caller in one line: Nest would print the buffered log and the error's stack before it.
    autoFlushLogs: false,
    abortOnError: false,
    // JSON bodies only (Fastify's own parser, within BODY_LIMIT_BYTES): Nest would also parse
    // url-encoded forms everywhere; a form answers 415 except where a route takes one (form-body.ts).
    bodyParser: false,
  });
  app.useLogger(new NestPinoLogger(adapter.getInstance().log));
  app.flushLogs();
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready'] });
  app.useGlobalPipes(
    new RejectUnsafeInputPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  const document = buildOpenApiDocument(app);
  serialiseAnswersByTheirSchema(adapter.getInstance(), document);
  serveOpenApiDocument(app, document);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Many generated clients send `Content-Type: application/json` on every request, a DELETE or a
 * regenerate without a body included: an empty body is read as no body, not refused. Any other
 * body goes through Fastify's own parser (prototype poisoning refused, BODY_LIMIT_BYTES).
 */
function acceptEmptyJsonBodies(adapter: FastifyAdapter): void {
  const fastify = adapter.getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (
      request: FastifyRequest,
      body: string,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      if (body === '') {
        done(null, undefined);
        return;
      }
      void parseJson(request, body, (error, parsed) =>
        error ? done(unreadableJson(body)) : done(null, parsed),
      );
    },
  );
}

/**
 * Why Fastify's parser refused a body, said so that the client can fix it: Fastify says "not
 * valid JSON" for a `__proto__` key too (refused against prototype poisoning), and JSON.parse's
 * own message may quote the body, where a secret can be: only the position is kept.
 */
function unreadableJson(body: string): Error {
  let message: string;
  try {
    JSON.parse(body);
    message =
      'The request body must not have a "__proto__" or "constructor.prototype" key (refused against prototype poisoning)';
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    message = `The request body is not valid JSON${position ? ` (at character ${Number(position) + 1})` : ''}`;
  }
  return Object.assign(new Error(message), { statusCode: 400 });
}

export const DOCS_PATHS = { ui: `/${DOCS_PATH}`, json: `/${DOCS_JSON_PATH}` };
