import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { registerSettings } from '../../config/environment';

/** The audit log's own settings, validated like the core's: a bad value names the variable. */
class AuditLogSettings {
  /** Entries older than this many days are deleted; 0 keeps them forever. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  )
  @IsInt({
    message: 'AUDIT_LOG_RETENTION_DAYS must be a whole number of days (0 keeps entries forever)',
  })
  @Min(0, {
    message: 'AUDIT_LOG_RETENTION_DAYS must be a whole number of days (0 keeps entries forever)',
  })
  @Max(36500, {
    message: 'AUDIT_LOG_RETENTION_DAYS must be a whole number of days (0 keeps entries forever)',
  })
  AUDIT_LOG_RETENTION_DAYS = 365;
}

const readSettings = registerSettings(AuditLogSettings);

export const auditLogConfig = registerAs('auditLog', () => {
  const settings = readSettings();
  return { retentionDays: settings.AUDIT_LOG_RETENTION_DAYS };
});
export type AuditLogConfig = ReturnType<typeof auditLogConfig>;
