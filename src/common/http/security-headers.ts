import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

const OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // Swagger UI at /docs needs inline styles and its inline initialiser.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      // Served over plain HTTP on a developer's machine: do not force https for the docs' assets.
      upgradeInsecureRequests: null,
    },
  },
};

/**
 * helmet's response headers, worked out once at start-up. The headers do not depend on the
 * request, and building them per request (as helmet's Fastify plugin does) cost about a tenth
 * of a simple authenticated request.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    removeHeader: (name: string) => delete headers[name],
  };
  helmet(OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}
