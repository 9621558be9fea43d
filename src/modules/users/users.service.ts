import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { DomainEvents, eventAbout, EventActor } from '../../common/events/domain-event';
import { DomainEventPublisher, EventTransaction } from '../../common/events/domain-event-publisher';
import { orNotFound } from '../../common/http/not-found';
import { Page } from '../../common/dto/pagination.dto';
import { isUniqueViolation } from '../../database/database-errors';
import { containsText } from '../../database/like-pattern';
import { findPage } from '../../database/page-query';
import { SERVICE_USER_TYPES, UserType } from '../../common/users/user-types';
import { canonicalEmail } from './email';
import { User } from './entities/user.entity';
import {
  CreateServiceUserDto,
  ListUsersQueryDto,
  UpdateProfileDto,
  UpdateUserDto,
} from './dto/user-requests.dto';

export interface NewUser {
  organisationId: string;
  email: string;
  type: UserType;
  isService: boolean;
  firstName?: string | null;
  lastName?: string | null;
}

/** The acting user, as far as user management needs to know. */
export interface UserActor extends EventActor {
  userId: string;
  type: UserType;
  organisationId: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly publisher: DomainEventPublisher,
  ) {}

  async list(organisationId: string, query: ListUsersQueryDto): Promise<Page<User>> {
    const builder = this.users
      .createQueryBuilder('user')
      .where('user.organisationId = :organisationId', { organisationId });
    if (query.search) {
      builder.andWhere(
        containsText(['user.email', 'user.firstName', 'user.lastName'], query.search),
      );
    }
    if (query.isService !== undefined) {
      builder.andWhere('user.isService = :isService', { isService: query.isService });
    }
    return findPage(builder, 'user.createdAt', query);
  }

  async findInOrganisation(organisationId: string, id: string): Promise<User> {
    return orNotFound(await this.users.findOneBy({ id, organisationId }), 'User not found');
  }

  /** A service user of the organisation; a person's id, an unknown id or another organisation's: 404. */
  async findServiceUser(organisationId: string, id: string): Promise<User> {
    return orNotFound(
      await this.users.findOneBy({ id, organisationId, isService: true }),
      'Service user not found',
    );
  }

  findByEmail(organisationId: string, email: string): Promise<User | null> {
    return this.users.findOneBy({ organisationId, email: canonicalEmail(email) });
  }

  /** True when the organisation has an active owner or admin (the first-start check). */
  async hasActiveAdmin(organisationId: string): Promise<boolean> {
    const count = await this.users
      .createQueryBuilder('user')
      .where('user.organisationId = :organisationId', { organisationId })
      .andWhere('user.type IN (:...types)', { types: ['owner', 'admin'] })
      .andWhere("user.status = 'active'")
      .getCount();
    return count > 0;
  }

  /** A new user; within `tx` when given (an invitation creates its person with it), else on its own. */
  async create(input: NewUser, actor: EventActor, tx?: EventTransaction): Promise<User> {
    const user = this.users.create({
      organisationId: input.organisationId,
      email: canonicalEmail(input.email),
      type: input.type,
      status: 'active',
      isService: input.isService,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
    });
    const insert = async (within: EventTransaction) => {
      await within.manager.insert(User, user).catch((error: unknown) => {
        throw isUniqueViolation(error)
          ? new ConflictException('A user with this email already exists in the organisation')
          : error;
      });
      within.publish(eventAbout('user', user, DomainEvents.UserCreated, actor, described(user)));
    };
    await (tx ? insert(tx) : this.publisher.transaction(insert));
    return user;
  }

  /**
   * An invited person accepts: active, with the type they were invited as and the names they
   * give. Null when the person is no longer an active invited user (an admin disabled them).
   */
  async acceptInvitation(
    tx: EventTransaction,
    invitation: {
      userId: string;
      organisationId: string;
      type: UserType;
      firstName?: string | null;
      lastName?: string | null;
      actor: EventActor;
    },
  ): Promise<User | null> {
    const user = await tx.manager.findOneBy(User, {
      id: invitation.userId,
      organisationId: invitation.organisationId,
      type: 'invited',
      status: 'active',
    });
    if (!user) {
      return null;
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {
      type: { from: user.type, to: invitation.type },
    };
    for (const field of ['firstName', 'lastName'] as const) {
      const next = invitation[field];
      if (next !== undefined && next !== user[field]) {
        changes[field] = { from: user[field], to: next };
        user[field] = next;
      }
    }
    user.type = invitation.type;
    user.updatedAt = new Date();
    await tx.manager.update(
      User,
      { id: user.id, type: 'invited' },
      {
        type: user.type,
        firstName: user.firstName,
        lastName: user.lastName,
        updatedAt: user.updatedAt,
      },
    );
    tx.publish(eventAbout('user', user, DomainEvents.UserUpdated, invitation.actor, { changes }));
    return user;
  }

  /**
   * Deletes a user of the organisation and, with it, their tokens (the foreign keys cascade), and
   * answers the user as it was. Not oneself; an owner only by an owner; never the last active
   * owner, checked in the DELETE itself with the organisation's active owners locked first on
   * PostgreSQL, so that two owners deleting each other at once cannot both succeed.
   */
  async remove(actor: UserActor, id: string): Promise<User> {
    if (actor.userId === id) {
      throw new ForbiddenException('You cannot delete yourself');
    }
    return this.publisher.transaction(async (tx) => {
      const { manager } = tx;
      const user = orNotFound(
        await manager.findOneBy(User, { id, organisationId: actor.organisationId }),
        'User not found',
      );
      if (user.type === 'owner' && actor.type !== 'owner') {
        throw new ForbiddenException('Only an owner can delete an owner');
      }
      await this.lockActiveOwners(manager, user.organisationId);
      const result = await manager
        .createQueryBuilder()
        .delete()
        .from(User)
        .where('id = :id', { id: user.id })
        .andWhere(
          new Brackets((keep) =>
            keep
              .where("NOT (type = 'owner' AND status = 'active')")
              .orWhere(
                "EXISTS (SELECT 1 FROM users other WHERE other.organisation_id = :organisationId AND other.type = 'owner' AND other.status = 'active' AND other.id != :id)",
                { organisationId: user.organisationId, id: user.id },
              ),
          ),
        )
        .execute();
      if (result.affected !== 1) {
        throw new ConflictException('The organisation must keep at least one active owner');
      }
      tx.publish(eventAbout('user', user, DomainEvents.UserDeleted, actor, described(user)));
      return user;
    });
  }

  createServiceUser(organisationId: string, dto: CreateServiceUserDto, actor: EventActor) {
    return this.create(
      { organisationId, email: dto.email, type: dto.type ?? 'member', isService: true },
      actor,
    );
  }

  async update(actor: UserActor, id: string, dto: UpdateUserDto): Promise<User> {
    const user = await this.findInOrganisation(actor.organisationId, id);
    const changesRole =
      (dto.type !== undefined && dto.type !== user.type) ||
      (dto.status !== undefined && dto.status !== user.status);
    if (changesRole) {
      this.assertMayChangeRole(actor, user, dto);
    }
    const staysActiveOwner =
      (dto.type ?? user.type) === 'owner' && (dto.status ?? user.status) === 'active';
    const leavesOwners = user.type === 'owner' && user.status === 'active' && !staysActiveOwner;
    return this.write(user, dto, actor, { changesRole, leavesOwners });
  }

  /** The caller's own names: never their type or status, whatever they read at the start. */
  async updateProfile(
    user: { id: string; organisationId: string },
    dto: UpdateProfileDto,
    actor: EventActor,
  ): Promise<User> {
    const current = await this.findInOrganisation(user.organisationId, user.id);
    return this.write(current, { firstName: dto.firstName, lastName: dto.lastName }, actor, {
      changesRole: false,
      leavesOwners: false,
    });
  }

  private assertMayChangeRole(actor: UserActor, user: User, dto: UpdateUserDto): void {
    if (actor.userId === user.id) {
      throw new ForbiddenException('You cannot change your own type or status');
    }
    if (dto.type === 'invited') {
      throw new BadRequestException('type cannot be set to invited: invitations set it');
    }
    if (
      user.isService &&
      dto.type !== undefined &&
      !(SERVICE_USER_TYPES as readonly string[]).includes(dto.type)
    ) {
      throw new BadRequestException(
        `type of a service user must be one of ${SERVICE_USER_TYPES.join(', ')}`,
      );
    }
    if ((user.type === 'owner' || dto.type === 'owner') && actor.type !== 'owner') {
      throw new ForbiddenException('Only an owner can make or change an owner');
    }
  }

  /**
   * On PostgreSQL, locks the organisation's active owners until the transaction ends, so that a
   * second change that could leave no owner waits for the first and sees it. (SQLite runs one
   * transaction at a time.)
   */
  private async lockActiveOwners(manager: EntityManager, organisationId: string): Promise<void> {
    if (manager.connection.options.type !== 'postgres') {
      return;
    }
    await manager
      .createQueryBuilder(User, 'owner')
      .select('owner.id')
      .where('owner.organisationId = :organisationId', { organisationId })
      .andWhere("owner.type = 'owner'")
      .andWhere("owner.status = 'active'")
      .orderBy('owner.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Writes only the columns the request changes, so that two requests changing different fields
   * of one user (an admin disabling them while they rename themselves) both stand. A change of
   * type or status is also conditional on the type and status it was decided on: when another
   * request changed them in between, it answers 409 instead of undoing that change.
   *
   * An active owner who stops being one is written only if another active owner remains, checked
   * in the UPDATE itself: checked before it, two owners demoting each other at the same time would
   * both pass and leave none. On PostgreSQL the organisation's active owners are locked first, so
   * that the second of two such writes waits for the first and sees it.
   */
  private async write(
    user: User,
    dto: UpdateUserDto,
    actor: EventActor,
    options: { changesRole: boolean; leavesOwners: boolean },
  ): Promise<User> {
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set: Partial<Pick<User, 'firstName' | 'lastName' | 'status' | 'type' | 'updatedAt'>> = {};
    for (const field of ['firstName', 'lastName', 'status', 'type'] as const) {
      const next = dto[field];
      if (next !== undefined && next !== user[field]) {
        changes[field] = { from: user[field], to: next };
        Object.assign(set, { [field]: next });
      }
    }
    if (Object.keys(changes).length === 0) {
      return user;
    }
    set.updatedAt = new Date();
    return this.publisher.transaction(async (tx) => {
      if (options.leavesOwners) {
        await this.lockActiveOwners(tx.manager, user.organisationId);
      }
      const update = tx.manager
        .createQueryBuilder()
        .update(User)
        .set(set)
        .where('id = :id', { id: user.id });
      if (options.changesRole) {
        update.andWhere('type = :readType AND status = :readStatus', {
          readType: user.type,
          readStatus: user.status,
        });
      }
      if (options.leavesOwners) {
        update.andWhere(
          "EXISTS (SELECT 1 FROM users other WHERE other.organisation_id = :organisationId AND other.type = 'owner' AND other.status = 'active' AND other.id != :id)",
          { organisationId: user.organisationId },
        );
      }
      const result = await update.execute();
      const current = orNotFound(
        await tx.manager.findOneBy(User, { id: user.id, organisationId: user.organisationId }),
        'User not found',
      );
      if (result.affected !== 1) {
        throw current.type !== user.type || current.status !== user.status
          ? new ConflictException(
              "The user's type or status was changed by another request meanwhile: read the user again, then decide",
            )
          : new ConflictException('The organisation must keep at least one active owner');
      }
      tx.publish(eventAbout('user', user, DomainEvents.UserUpdated, actor, { changes }));
      return current;
    });
  }
}

/** What the events of a user's creation and deletion say about them. */
function described(user: User): Record<string, unknown> {
  return { email: user.email, type: user.type, isService: user.isService };
}
