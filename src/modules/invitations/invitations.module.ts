import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module';
import { UsersModule } from '../users/users.module';
import { Invitation } from './entities/invitation.entity';
import { InvitationsController, InviteUserController } from './invitations.controller';
import { invitationsConfig } from './invitations.config';
import { InvitationsService } from './invitations.service';

/**
 * People joining: an admin invites a person (POST /api/users), who redeems the one-time code
 * (POST /api/invitations/accept) for an active account and a first token.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Invitation]),
    ConfigModule.forFeature(invitationsConfig),
    UsersModule,
    PersonalAccessTokensModule,
  ],
  controllers: [InviteUserController, InvitationsController],
  providers: [InvitationsService],
})
export class InvitationsModule {}
