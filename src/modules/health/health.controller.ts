import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { FastifyReply } from 'fastify';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { Public } from '../auth';
import { HealthCheckResultDto } from './health-check-result.dto';

/** A probe's answer is never cached on the way (as terminus' @HealthCheck() says too). */
const NoCache = () => Header('Cache-Control', 'no-cache, no-store, must-revalidate');

@ApiTag('Health', 'Liveness and readiness (no token needed)')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

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
   * turns ready again by itself when the database is back (no token needed).
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
