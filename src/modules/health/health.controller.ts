import {
  Controller,
  Get,
  Header,
  OnModuleInit,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { FastifyReply } from 'fastify';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { FailedAuthenticationThrottle, Public } from '../auth';
import { HealthCheckResultDto } from './health-check-result.dto';

/** A probe's answer is never cached on the way (as terminus' @HealthCheck() says too). */
const NoCache = () => Header('Cache-Control', 'no-cache, no-store, must-revalidate');

@ApiTag('Health', 'Liveness and readiness (no token needed)')
@Public()
@Controller('health')
export class HealthController implements OnModuleInit {
  private throttle?: FailedAuthenticationThrottle;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly modules: ModuleRef,
  ) {}

  onModuleInit(): void {
    // Provided by the auth module, which the app module sets up (forRoot) for the whole app.
    this.throttle = this.modules.get(FailedAuthenticationThrottle, { strict: false });
  }

  /**
   * Liveness
   *
   * @remarks 200 while the process serves requests, whatever the database does (no token needed).
   */
  @Get()
  @NoCache()
  @ApiOkResponse({ description: 'The process serves requests', type: HealthCheckResultDto })
  liveness(): HealthCheckResult {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  /**
   * Readiness
   *
   * @remarks 200 when the database answers within 1.5 s, else 503; the service keeps running and
   * turns ready again by itself when the database is back (no token needed). `failedAuthThrottle`
   * says where failed authentications are counted (`store`: `redis` or `memory`); with REDIS_URL
   * set and Redis not answering it carries `degraded` and the instance stays ready, counting in
   * its own memory.
   */
  @Get('ready')
  @NoCache()
  @ApiOkResponse({ description: 'The database answers', type: HealthCheckResultDto })
  @ApiServiceUnavailableResponse({
    description: 'The database does not answer (or the instance is shutting down)',
    type: HealthCheckResultDto,
  })
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1500 }),
        // Always up: without Redis the service still throttles, each instance on its own.
        () => this.indicators.check('failedAuthThrottle').up({ ...this.throttle?.state() }),
      ]);
    } catch (error) {
      // Terminus' own body, which probes and dashboards read, rather than the error body.
      if (error instanceof ServiceUnavailableException) {
        void reply.status(503);
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
