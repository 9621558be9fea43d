import { registerAs } from '@nestjs/config';
import { environment } from './environment';

export const bootstrapConfig = registerAs('bootstrap', () => {
  const env = environment();
  return {
    // As written: the users service keeps and looks up emails in their canonical form.
    adminEmail: env.BOOTSTRAP_ADMIN_EMAIL,
    organisationName: env.BOOTSTRAP_ORGANISATION_NAME,
  };
});
export type BootstrapConfig = ReturnType<typeof bootstrapConfig>;
