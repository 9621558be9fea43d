import { ApiProperty } from '@nestjs/swagger';

/** The body of every 4xx and 5xx answer. */
export class ErrorResponseDto {
  /** The HTTP status code */
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;

  /** What was wrong: one message, or one per invalid field (each names the field) */
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['note must be shorter than or equal to 100 characters'],
  })
  message: string | string[];

  /** The status text */
  @ApiProperty({ example: 'Bad Request' })
  error: string;
}
