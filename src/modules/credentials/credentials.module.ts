import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module';
import { credentialsConfig } from './credentials.config';
import { CredentialsController } from './credentials.controller';
import { RevokeRateLimitGuard } from './revoke-rate-limit.guard';

/** `POST /api/credentials/revoke`: leaked secrets reported by scanners, revoked at once. */
@Module({
  imports: [ConfigModule.forFeature(credentialsConfig), PersonalAccessTokensModule],
  controllers: [CredentialsController],
  providers: [RevokeRateLimitGuard],
})
export class CredentialsModule {}
