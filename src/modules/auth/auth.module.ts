import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Redis } from 'ioredis';
import { BoundedRateLimitStore } from '../../common/rate-limit';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { BearerStrategy } from './bearer.strategy';
import { IpRefusals } from './ip-refusals';
import { LastUseRecorder } from './last-use-recorder';
import { VerifyController } from './verify.controller';
import { ClusterInvalidation } from './cluster-invalidation.service';
import {
  FAILED_AUTH_REDIS,
  FAILED_AUTH_STORAGE,
  FailedAuthenticationThrottle,
  MAX_TRACKED_ADDRESSES,
} from './failed-authentication-throttle';
import { AdminGuard } from './guards/access.guards';
import { BearerAuthGuard } from './guards/bearer-auth.guard';
import { PrincipalResolver } from './principal-resolver.service';
import { SecretHashingModule } from './secret-hashing.module';

export interface AuthModuleOptions {
  /**
   * The module that exports a PrincipalSource: where authentication reads stored tokens. The app
   * module names it, so that auth itself imports no feature.
   */
  principalSource: Type<unknown> | DynamicModule;
}

/**
 * Authentication and authorization for every route: the bearer strategy, the principal resolver
 * and its cache, the global guard (authenticate, then the declared access rule) and the
 * failed-authentication throttle.
 */
@Module({})
export class AuthModule {
  static forRoot({ principalSource }: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule, SecretHashingModule, principalSource],
      controllers: [VerifyController],
      providers: [
        BearerStrategy,
        PrincipalResolver,
        LastUseRecorder,
        ClusterInvalidation,
        FailedAuthenticationThrottle,
        AdminGuard,
        IpRefusals,
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
                  // A Redis that stops answering without closing must not hold a refusal for long.
                  commandTimeout: 1_000,
                })
              : null,
        },
        {
          provide: FAILED_AUTH_STORAGE,
          inject: [FAILED_AUTH_REDIS],
          useFactory: (redis: Redis | null) =>
            redis
              ? new ThrottlerStorageRedisService(redis)
              : new BoundedRateLimitStore(MAX_TRACKED_ADDRESSES),
        },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
      exports: [AdminGuard, PrincipalResolver, FailedAuthenticationThrottle],
    };
  }
}
