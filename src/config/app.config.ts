import { registerAs } from '@nestjs/config';
import { environment } from './environment';

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

/** Fastify's `trustProxy`: a boolean, a hop count or a list of trusted addresses. */
export function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') {
    return true;
  }
  if (value === 'false') {
    return false;
  }
  if (/^\d+$/.test(value)) {
    return Number(value);
  }
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}
