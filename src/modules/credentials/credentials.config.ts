import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { registerSettings } from '../../config/environment';

const LIMIT_MESSAGE = 'REVOKE_RATE_LIMIT_PER_HOUR must be an integer between 1 and 100000';

/** The leaked-secret revocation's settings, validated at start-up like the core's. */
class CredentialsSettings {
  /** Requests to POST /api/credentials/revoke per client address per hour. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value,
  )
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(100000, { message: LIMIT_MESSAGE })
  REVOKE_RATE_LIMIT_PER_HOUR = 60;
}

const readSettings = registerSettings(CredentialsSettings);

export const credentialsConfig = registerAs('credentials', () => ({
  revokeLimitPerHour: readSettings().REVOKE_RATE_LIMIT_PER_HOUR,
}));
export type CredentialsConfig = ReturnType<typeof credentialsConfig>;
