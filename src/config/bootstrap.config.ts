import { dirname, join } from 'node:path';
import { registerAs } from '@nestjs/config';
import { environment } from './environment';

export const bootstrapConfig = registerAs('bootstrap', () => {
  const env = environment();
  return {
    // As written: the users service keeps and looks up emails in their canonical form.
    adminEmail: env.BOOTSTRAP_ADMIN_EMAIL,
    organisationName: env.BOOTSTRAP_ORGANISATION_NAME,
    /** In production the first admin's token goes to this file: beside the data by default. */
    adminTokenFile:
      env.FIRST_ADMIN_TOKEN_FILE ??
      join(env.SQLITE_PATH === ':memory:' ? 'data' : dirname(env.SQLITE_PATH), 'first-admin-token'),
  };
});
export type BootstrapConfig = ReturnType<typeof bootstrapConfig>;
