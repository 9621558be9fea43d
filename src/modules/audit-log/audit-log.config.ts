import { registerAs } from '@nestjs/config';
import { registerSettings } from '../../config/environment';
import { About, IntegerSetting } from '../../config/settings';

/** The audit log's own settings, validated like the core's: a bad value names the variable. */
class AuditLogSettings {
  @About('Audit entries older than this many days are deleted')
  @IntegerSetting({
    min: 0,
    max: 36500,
    expects: 'a whole number of days (0 keeps entries forever)',
  })
  AUDIT_LOG_RETENTION_DAYS = 365;
}

const readSettings = registerSettings(AuditLogSettings);

export const auditLogConfig = registerAs('auditLog', () => {
  const settings = readSettings();
  return { retentionDays: settings.AUDIT_LOG_RETENTION_DAYS };
});
export type AuditLogConfig = ReturnType<typeof auditLogConfig>;
