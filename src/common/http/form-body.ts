import { RouteConfig } from '@nestjs/platform-fastify';
import { errorCodes, FastifyInstance } from 'fastify';

/** Fastify route config of a route that also takes `application/x-www-form-urlencoded`. */
interface FormBodyRouteConfig {
  formBody?: boolean;
}

/**
 * The route also takes a form-encoded body (RFC 7662 introspection clients send one). Every
 * other route keeps answering 415 to a form: the service speaks JSON.
 */
export const AcceptsFormBody = () => RouteConfig({ formBody: true } satisfies FormBodyRouteConfig);

/**
 * One form parser for the whole app, which refuses (415, as before it existed) on every route
 * that does not declare @AcceptsFormBody(). A repeated field keeps its first value.
 */
export function installFormBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (request, body, done) => {
      if (!(request.routeOptions.config as FormBodyRouteConfig).formBody) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/x-www-form-urlencoded'));
        return;
      }
      const fields: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        if (!Object.hasOwn(fields, name)) {
          Object.defineProperty(fields, name, { value, enumerable: true, writable: true });
        }
      }
      done(null, fields);
    },
  );
}
