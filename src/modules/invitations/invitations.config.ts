import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { registerSettings } from '../../config/environment';

const MESSAGE = 'INVITATION_ACCEPT_LIMIT_PER_HOUR must be a whole number from 1 to 10000';

class InvitationSettings {
  /** Attempts to accept an invitation per client address per hour; past it, 429. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: MESSAGE })
  @Min(1, { message: MESSAGE })
  @Max(10_000, { message: MESSAGE })
  INVITATION_ACCEPT_LIMIT_PER_HOUR = 20;
}

const readSettings = registerSettings(InvitationSettings);

export const invitationsConfig = registerAs('invitations', () => ({
  acceptLimitPerHour: readSettings().INVITATION_ACCEPT_LIMIT_PER_HOUR,
}));
export type InvitationsConfig = ReturnType<typeof invitationsConfig>;
