import { registerAs } from '@nestjs/config';
import { registerSettings } from '../../config/environment';
import { About, IntegerSetting } from '../../config/settings';

/** The leaked-secret revocation's settings, validated at start-up like the core's. */
class CredentialsSettings {
  @About('Requests to POST /api/credentials/revoke per client address per hour')
  @IntegerSetting({ min: 1, max: 100_000 })
  REVOKE_RATE_LIMIT_PER_HOUR = 60;
}

const readSettings = registerSettings(CredentialsSettings);

export const credentialsConfig = registerAs('credentials', () => ({
  revokeLimitPerHour: readSettings().REVOKE_RATE_LIMIT_PER_HOUR,
}));
export type CredentialsConfig = ReturnType<typeof credentialsConfig>;
