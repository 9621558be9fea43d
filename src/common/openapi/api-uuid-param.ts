import { ApiParam } from '@nestjs/swagger';

/**
 * Documents a path parameter that ParseUuidPipe validates: a required string in uuid format. Put
 * it on the class when every route of the controller has the parameter, else on the method.
 */
export const ApiUuidParam = (name: string, description: string) =>
  ApiParam({ name, description, required: true, schema: { type: 'string', format: 'uuid' } });
