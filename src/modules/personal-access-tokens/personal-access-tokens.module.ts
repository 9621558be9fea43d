import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrincipalSource, SecretHashingModule } from '../auth';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { PersonalAccessToken } from './entities/personal-access-token.entity';
import { ReplacedSecret } from './entities/replaced-secret.entity';
import { IdempotencyStore } from './idempotency/idempotency-store.service';
import { IdempotentAnswer } from './idempotency/idempotent-answer.entity';
import { PersonalAccessTokenRepository } from './personal-access-token.repository';
import { PersonalAccessTokensController } from './personal-access-tokens.controller';
import { PersonalAccessTokensService } from './personal-access-tokens.service';
import { ServiceUserTokensController } from './service-user-tokens.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([PersonalAccessToken, ReplacedSecret, IdempotentAnswer]),
    SecretHashingModule,
    UsersModule,
    ProjectsModule,
  ],
  controllers: [PersonalAccessTokensController, ServiceUserTokensController],
  providers: [
    PersonalAccessTokensService,
    PersonalAccessTokenRepository,
    IdempotencyStore,
    // What authentication reads stored tokens through (see AuthModule.forRoot in the app module).
    { provide: PrincipalSource, useExisting: PersonalAccessTokenRepository },
  ],
  exports: [PersonalAccessTokensService, PrincipalSource],
})
export class PersonalAccessTokensModule {}
