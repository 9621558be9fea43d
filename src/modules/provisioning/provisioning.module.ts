import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module';
import { UsersModule } from '../users/users.module';
import { ProvisioningService } from './provisioning.service';

@Module({
  imports: [OrganisationsModule, UsersModule, PersonalAccessTokensModule],
  providers: [ProvisioningService],
  exports: [ProvisioningService],
})
export class ProvisioningModule {}
