import { BadRequestException, Injectable } from '@nestjs/common';
import { IsNull, MoreThan } from 'typeorm';
import { DomainEvents, eventAbout, EventActor } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { PersonalAccessTokensService } from '../personal-access-tokens/personal-access-tokens.service';
import { LoadedToken } from '../personal-access-tokens/token.mapper';
import { User } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { AcceptInvitationDto, InviteUserDto } from './dto/invitation.dto';
import { Invitation } from './entities/invitation.entity';
import {
  generateInvitationCode,
  hashInvitationCode,
  INVITATION_LIFETIME_MS,
  isWellFormedInvitationCode,
} from './invitation-code';

/** One message for every code that cannot be redeemed: it tells a guesser nothing. */
export const INVALID_INVITATION =
  'code is not a valid invitation: unknown, already used or expired';

@Injectable()
export class InvitationsService {
  constructor(
    private readonly publisher: DomainEventPublisher,
    private readonly users: UsersService,
    private readonly tokens: PersonalAccessTokensService,
  ) {}

  /**
   * A person of type `invited` and their one-time code, in one transaction: the code is answered
   * once and only its hash is kept.
   */
  async invite(
    organisationId: string,
    dto: InviteUserDto,
    actor: EventActor,
  ): Promise<{ user: User; code: string; expiresAt: Date }> {
    const code = generateInvitationCode();
    return this.publisher.transaction(async (tx) => {
      const user = await this.users.create(
        {
          organisationId,
          email: dto.email,
          type: 'invited',
          isService: false,
          firstName: dto.firstName ?? null,
          lastName: dto.lastName ?? null,
        },
        actor,
        tx,
      );
      const createdAt = new Date();
      const expiresAt = new Date(createdAt.getTime() + INVITATION_LIFETIME_MS);
      await tx.manager.insert(
        Invitation,
        tx.manager.create(Invitation, {
          userId: user.id,
          organisationId,
          codeHash: hashInvitationCode(code),
          type: dto.type,
          expiresAt,
          acceptedAt: null,
          createdAt,
          updatedAt: createdAt,
        }),
      );
      tx.publish(
        eventAbout('user', { id: user.id, organisationId }, DomainEvents.InvitationCreated, actor, {
          email: user.email,
          type: dto.type,
          expiresAt: expiresAt.toISOString(),
        }),
      );
      return { user, code, expiresAt };
    });
  }

  /**
   * Redeems a code: the person becomes active with the type they were invited as, and gets their
   * first token, all in one transaction. The code is claimed by a conditional update, so two
   * requests with the same code cannot both succeed.
   */
  async accept(
    dto: AcceptInvitationDto,
    ip: string,
  ): Promise<{ user: User; token: LoadedToken; secret: string }> {
    if (!isWellFormedInvitationCode(dto.code)) {
      throw new BadRequestException(INVALID_INVITATION);
    }
    const codeHash = hashInvitationCode(dto.code);
    return this.publisher.transaction(async (tx) => {
      const now = new Date();
      const invitation = await tx.manager.findOne(Invitation, {
        where: { codeHash, acceptedAt: IsNull(), expiresAt: MoreThan(now) },
      });
      if (!invitation) {
        throw new BadRequestException(INVALID_INVITATION);
      }
      const claimed = await tx.manager.update(
        Invitation,
        { id: invitation.id, acceptedAt: IsNull() },
        { acceptedAt: now, updatedAt: now },
      );
      if (claimed.affected !== 1) {
        throw new BadRequestException(INVALID_INVITATION);
      }
      const actor: EventActor = { userId: invitation.userId, tokenId: null, ip };
      const user = await this.users.acceptInvitation(tx, {
        userId: invitation.userId,
        organisationId: invitation.organisationId,
        type: invitation.type,
        firstName: dto.firstName,
        lastName: dto.lastName,
        actor,
      });
      if (!user) {
        // Disabled or locked by an admin since the invitation was made.
        throw new BadRequestException(INVALID_INVITATION);
      }
      tx.publish(
        eventAbout(
          'user',
          { id: user.id, organisationId: invitation.organisationId },
          DomainEvents.InvitationAccepted,
          actor,
          { type: invitation.type, invitationId: invitation.id },
        ),
      );
      const { token, secret } = await this.tokens.create(user, dto.token, null, actor, tx);
      return { user, token, secret };
    });
  }
}
