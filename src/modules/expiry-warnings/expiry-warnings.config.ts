import { registerAs } from '@nestjs/config';
import { registerSettings } from '../../config/environment';
import { About, IntegerSetting, NumberListSetting } from '../../config/settings';

/** The expiry scan's settings, validated at start-up like the core's. */
class ExpiryWarningSettings {
  @About('How often each instance looks for tokens that are about to expire or have expired')
  @IntegerSetting({ min: 1, max: 86400 })
  EXPIRY_SCAN_INTERVAL_SECONDS = 3600;

  @About('Days before expiry at which `token.expiring` is sent')
  @NumberListSetting({
    min: 1,
    max: 3650,
    count: { min: 1, max: 10 },
    integers: true,
    distinct: true,
    expects: '1 to 10 different whole numbers of days (1 to 3650), comma-separated',
  })
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
