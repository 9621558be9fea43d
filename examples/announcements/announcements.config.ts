import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { registerSettings } from '../../src/config/environment';

const LIMIT_MESSAGE = 'ANNOUNCEMENTS_PER_ORGANISATION must be an integer between 1 and 10000';

/** The announcements' own settings, checked at start-up with the core's. */
class AnnouncementSettings {
  /** How many announcements an organisation keeps at most; publishing more answers 409. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value,
  )
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(10_000, { message: LIMIT_MESSAGE })
  ANNOUNCEMENTS_PER_ORGANISATION = 100;
}

const readSettings = registerSettings(AnnouncementSettings);

export const announcementsConfig = registerAs('announcements', () => ({
  perOrganisation: readSettings().ANNOUNCEMENTS_PER_ORGANISATION,
}));
export type AnnouncementsConfig = ReturnType<typeof announcementsConfig>;
