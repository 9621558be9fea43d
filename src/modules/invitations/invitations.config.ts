import { registerAs } from '@nestjs/config';
import { registerSettings } from '../../config/environment';
import { About, IntegerSetting } from '../../config/settings';

class InvitationSettings {
  @About('Attempts to accept an invitation per client address per hour; past it, 429')
  @IntegerSetting({ min: 1, max: 10_000, expects: 'a whole number from 1 to 10000' })
  INVITATION_ACCEPT_LIMIT_PER_HOUR = 20;
}

const readSettings = registerSettings(InvitationSettings);

export const invitationsConfig = registerAs('invitations', () => ({
  acceptLimitPerHour: readSettings().INVITATION_ACCEPT_LIMIT_PER_HOUR,
}));
export type InvitationsConfig = ReturnType<typeof invitationsConfig>;
