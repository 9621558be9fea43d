import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrincipalResolver } from '../auth/principal';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { ClusterInvalidation } from './cluster-invalidation.service';
import { PersonalAccessToken } from './entities/personal-access-token.entity';
import { ReplacedSecret } from './entities/replaced-secret.entity';
import { PersonalAccessTokensController } from './personal-access-tokens.controller';
import { PersonalAccessTokensService } from './personal-access-tokens.service';
import { SecretHasher } from './secret-hasher.service';
import { ServiceUserTokensController } from './service-user-tokens.controller';
import { TokenAuthenticationService } from './token-authentication.service';
import { TokenReader } from './token-reader';

@Module({
  imports: [
    TypeOrmModule.forFeature([PersonalAccessToken, ReplacedSecret]),
    UsersModule,
    ProjectsModule,
  ],
  controllers: [PersonalAccessTokensController, ServiceUserTokensController],
  providers: [
    PersonalAccessTokensService,
    SecretHasher,
    TokenAuthenticationService,
    ClusterInvalidation,
    TokenReader,
    { provide: PrincipalResolver, useExisting: TokenAuthenticationService },
  ],
  exports: [PersonalAccessTokensService, PrincipalResolver],
})
export class PersonalAccessTokensModule {}
