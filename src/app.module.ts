import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { appConfig } from './config/app.config';
import { authConfig } from './config/auth.config';
import { bootstrapConfig } from './config/bootstrap.config';
import { databaseConfig } from './config/database.config';
import { EventsModule } from './common/events/domain-event-publisher';
import { environment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { AuditLogModule } from './modules/audit-log/audit-log.module';
import { CredentialsModule } from './modules/credentials/credentials.module';
import { ExpiryWarningsModule } from './modules/expiry-warnings/expiry-warnings.module';
import { AuthModule } from './modules/auth';
import { InvitationsModule } from './modules/invitations/invitations.module';
import { HealthModule } from './modules/health/health.module';
import { OrganisationsModule } from './modules/organisations/organisations.module';
import { PersonalAccessTokensModule } from './modules/personal-access-tokens/personal-access-tokens.module';
import { ProjectsModule } from './modules/projects/projects.module';
import { ProvisioningModule } from './modules/provisioning/provisioning.module';
import { UsersModule } from './modules/users/users.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // `.env` is loaded by src/config/load-env-file before anything else; validation is here.
      ignoreEnvFile: true,
      validate: (env) => environment(env),
      load: [appConfig, authConfig, bootstrapConfig, databaseConfig],
    }),
    EventEmitterModule.forRoot(),
    EventsModule,
    DatabaseModule,
    AuthModule.forRoot({ principalSource: PersonalAccessTokensModule }),
    HealthModule,
    OrganisationsModule,
    UsersModule,
    ProjectsModule,
    PersonalAccessTokensModule,
    ProvisioningModule,
    AuditLogModule,
    InvitationsModule,
    WebhooksModule,
    ExpiryWarningsModule,
    CredentialsModule,
  ],
})
export class AppModule {}
