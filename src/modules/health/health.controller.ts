import { Controller, Get } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiServiceUnavailableResponse } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth';

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
  @HealthCheck()
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness
   *
   * @remarks 200 when the database answers within 1.5 s, else 503; the service keeps running and
   * turns ready again by itself when the database is back (no token needed).
   */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 })]);
  }
}
