import { ApiProperty } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** Each check's result, by the check's name. */
const INDICATORS: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', example: 'up' } },
    required: ['status'],
    additionalProperties: true,
  },
};

/** Terminus' health-check answer, which probes and dashboards read as it is. */
export class HealthCheckResultDto {
  /** `ok`, `error` (a check failed) or `shutting_down` */
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status: 'ok' | 'error' | 'shutting_down';

  /** The checks that passed, by name */
  @ApiProperty({ ...INDICATORS, example: { database: { status: 'up' } } })
  info?: Record<string, { status: string }>;

  /** The checks that failed, by name, with what went wrong */
  @ApiProperty({ ...INDICATORS, example: {} })
  error?: Record<string, { status: string }>;

  /** Every check, by name */
  @ApiProperty({ ...INDICATORS, example: { database: { status: 'up' } } })
  details: Record<string, { status: string }>;
}
