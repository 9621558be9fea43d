import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PepperVerifier } from './entities/pepper-verifier.entity';
import { PepperCheck } from './pepper-check.service';
import { SecretHasher } from './secret-hasher.service';

/**
 * The secret hasher on its own, so that the module storing tokens (which hashes new secrets) and
 * authentication (which hashes presented ones) share one instance, and one pepper, without
 * importing each other; and the check, on start, that the pepper is the one the database knows.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PepperVerifier])],
  providers: [SecretHasher, PepperCheck],
  exports: [SecretHasher],
})
export class SecretHashingModule {}
