import { Param } from '@nestjs/common';
import { ApiUuidParam } from '../openapi/api-uuid-param';
import { ParseUuidPipe } from '../pipes/parse-uuid.pipe';

/**
 * A uuid path parameter, said once: the route's argument (validated and lower-cased by
 * ParseUuidPipe) and its documentation (ApiUuidParam, with the 400 and 404 when `notFound` is
 * given).
 */
export const UuidParam =
  (name: string, description: string, options: { notFound?: string } = {}): ParameterDecorator =>
  (target, method, index) => {
    Param(name, ParseUuidPipe)(target, method, index);
    if (method !== undefined) {
      ApiUuidParam(name, description, options)(
        target,
        method,
        Object.getOwnPropertyDescriptor(target, method),
      );
    }
  };
