import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module';
import { TokenExpiryNotice } from './entities/token-expiry-notice.entity';
import { ExpiryScanner } from './expiry-scanner.service';
import { expiryWarningsConfig } from './expiry-warnings.config';

/**
 * Expiry warnings: a periodic scan publishes `token.expiring` at each threshold of
 * EXPIRY_WARNING_DAYS and `token.expired` once, each exactly once across instances. They reach
 * the audit log and the webhooks like every other event.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([TokenExpiryNotice]),
    ConfigModule.forFeature(expiryWarningsConfig),
    PersonalAccessTokensModule,
  ],
  providers: [ExpiryScanner],
})
export class ExpiryWarningsModule {}
