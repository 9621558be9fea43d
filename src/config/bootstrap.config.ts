import { registerAs } from '@nestjs/config';
import { environment } from './environment';

export const bootstrapConfig = registerAs('bootstrap', () => {
  const env = environment();
  return {
    adminEmail: env.BOOTSTRAP_ADMIN_EMAIL.toLowerCase(),
    organisationName: env.BOOTSTRAP_ORGANISATION_NAME,
  };
});
export type BootstrapConfig = ReturnType<typeof bootstrapConfig>;
