import { registerAs } from '@nestjs/config';
import { environment } from './environment';
import { canonicalEmail } from '../modules/users/email';

export const bootstrapConfig = registerAs('bootstrap', () => {
  const env = environment();
  return {
    adminEmail: canonicalEmail(env.BOOTSTRAP_ADMIN_EMAIL),
    organisationName: env.BOOTSTRAP_ORGANISATION_NAME,
  };
});
export type BootstrapConfig = ReturnType<typeof bootstrapConfig>;
