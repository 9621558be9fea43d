import { registerAs } from '@nestjs/config';
import { ConfigValidationError, environment } from './environment';
import { readTrustProxy, TrustProxy } from './trust-proxy';

export const appConfig = registerAs('app', () => {
  const env = environment();
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
  };
});
export type AppConfig = ReturnType<typeof appConfig>;

/** Fastify's `trustProxy` from a validated TRUST_PROXY. */
export function parseTrustProxy(value: string): TrustProxy {
  const read = readTrustProxy(value);
  if ('problem' in read) {
    throw new ConfigValidationError(`Invalid configuration: ${read.problem}`);
  }
  return read.value;
}
