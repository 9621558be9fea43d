import { ValidateBy } from 'class-validator';

/**
 * A whole number from `min` to `max`, with one message for every way to miss it (`abc`, `1.5`,
 * `0`, `101`): IsInt, Min and Max would answer up to three about one value. Put
 * `minimum`/`maximum` in the field's @ApiProperty, which cannot read this rule.
 */
export const IsIntegerBetween = (min: number, max: number) =>
  ValidateBy({
    name: 'isIntegerBetween',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) =>
        typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
      defaultMessage: (args) => `${args?.property} must be an integer between ${min} and ${max}`,
    },
  });
