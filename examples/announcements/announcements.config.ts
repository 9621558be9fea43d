import { registerAs } from '@nestjs/config';
import { registerSettings } from '../../src/config/environment';
import { About, IntegerSetting } from '../../src/config/settings';

/** The announcements' own settings, checked at start-up with the core's. */
class AnnouncementSettings {
  @About('How many announcements an organisation keeps at most; publishing more answers 409')
  @IntegerSetting({ min: 1, max: 10_000 })
  ANNOUNCEMENTS_PER_ORGANISATION = 100;
}

const readSettings = registerSettings(AnnouncementSettings);

export const announcementsConfig = registerAs('announcements', () => ({
  perOrganisation: readSettings().ANNOUNCEMENTS_PER_ORGANISATION,
}));
export type AnnouncementsConfig = ReturnType<typeof announcementsConfig>;
