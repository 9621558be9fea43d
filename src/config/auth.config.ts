import { registerAs } from '@nestjs/config';
import { environment } from './environment';

export const authConfig = registerAs('auth', () => {
  const env = environment();
  return {
    /** Unset on the embedded database: a random pepper is then kept in the data directory. */
    tokenPepper: env.TOKEN_PEPPER,
    tokenMaxLifetimeDays: env.TOKEN_MAX_LIFETIME_DAYS ?? null,
    lastUsedIntervalMs: env.TOKEN_LAST_USED_INTERVAL_SECONDS * 1000,
    principalCacheTtlMs: env.AUTH_CACHE_TTL_MS,
    failureLimit: env.AUTH_FAILURE_LIMIT,
    failureWindowMs: env.AUTH_FAILURE_WINDOW_SECONDS * 1000,
    failureBlockMs: env.AUTH_FAILURE_BLOCK_SECONDS * 1000,
    redisUrl: env.REDIS_URL,
  };
});
export type AuthConfig = ReturnType<typeof authConfig>;
