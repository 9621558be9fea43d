import { Module } from '@nestjs/common';
import { SecretHasher } from './secret-hasher.service';

/**
 * The secret hasher on its own, so that the module storing tokens (which hashes new secrets) and
 * authentication (which hashes presented ones) share one instance, and one pepper, without
 * importing each other.
 */
@Module({
  providers: [SecretHasher],
  exports: [SecretHasher],
})
export class SecretHashingModule {}
