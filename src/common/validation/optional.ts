import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but when present it must be valid: unlike @IsOptional(), an explicit
 * null is validated (and so refused) rather than skipped.
 */
export const IsOmittable = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
