import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Redis } from 'ioredis';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module';
import { BearerStrategy } from './bearer.strategy';
import {
  FAILED_AUTH_REDIS,
  FAILED_AUTH_STORAGE,
  FailedAuthenticationThrottle,
} from './failed-authentication-throttle';
import { AccessRuleGuard, AdminGuard } from './guards/access.guards';
import { BearerAuthGuard } from './guards/bearer-auth.guard';

/**
 * Authentication and authorization for every route: the bearer strategy, the global guards
 * (authenticate, then the declared access rule) and the failed-authentication throttle.
 */
@Module({
  imports: [PassportModule, PersonalAccessTokensModule],
  providers: [
    BearerStrategy,
    FailedAuthenticationThrottle,
    AdminGuard,
    {
      provide: FAILED_AUTH_REDIS,
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) =>
        config.redisUrl
          ? // No offline queue: while Redis is down a count fails at once instead of waiting.
            new Redis(config.redisUrl, {
              maxRetriesPerRequest: 1,
              enableOfflineQueue: false,
              connectTimeout: 2_000,
            })
          : null,
    },
    {
      provide: FAILED_AUTH_STORAGE,
      inject: [FAILED_AUTH_REDIS],
      useFactory: (redis: Redis | null) =>
        redis ? new ThrottlerStorageRedisService(redis) : new ThrottlerStorageService(),
    },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: AccessRuleGuard },
  ],
  exports: [AdminGuard],
})
export class AuthModule {}
