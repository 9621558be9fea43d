import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { registerSettings } from '../../config/environment';

const WARNING_DAYS_MESSAGE =
  'EXPIRY_WARNING_DAYS must be 1 to 10 different whole numbers of days (1 to 3650), comma-separated';
const INTERVAL_MESSAGE = 'EXPIRY_SCAN_INTERVAL_SECONDS must be an integer between 1 and 86400';

/** The expiry scan's settings, validated at start-up like the core's. */
class ExpiryWarningSettings {
  /** How often each instance looks for tokens that are about to expire or have expired. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value,
  )
  @IsInt({ message: INTERVAL_MESSAGE })
  @Min(1, { message: INTERVAL_MESSAGE })
  @Max(86400, { message: INTERVAL_MESSAGE })
  EXPIRY_SCAN_INTERVAL_SECONDS = 3600;

  /** Days before expiry at which `token.expiring` is sent. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(value)
      ? value.split(',').map(Number)
      : value,
  )
  @ValidateBy(
    {
      name: 'warningDays',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length >= 1 &&
          value.length <= 10 &&
          new Set(value).size === value.length &&
          value.every((days) => Number.isInteger(days) && days >= 1 && days <= 3650),
      },
    },
    { message: WARNING_DAYS_MESSAGE },
  )
  EXPIRY_WARNING_DAYS: number[] = [30, 7, 1];
}

const readSettings = registerSettings(ExpiryWarningSettings);

export const expiryWarningsConfig = registerAs('expiryWarnings', () => {
  const settings = readSettings();
  return {
    scanIntervalMs: settings.EXPIRY_SCAN_INTERVAL_SECONDS * 1000,
    warningDays: [...settings.EXPIRY_WARNING_DAYS].sort((a, b) => a - b),
  };
});
export type ExpiryWarningsConfig = ReturnType<typeof expiryWarningsConfig>;
