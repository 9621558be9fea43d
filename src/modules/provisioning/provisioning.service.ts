import { Inject, Injectable, Logger } from '@nestjs/common';
import { bootstrapConfig, BootstrapConfig } from '../../config/bootstrap.config';
import { SYSTEM_ACTOR } from '../../common/events/domain-event';
import { Organisation } from '../organisations/entities/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import { CreateTokenDto } from '../personal-access-tokens/dto/token-requests.dto';
import { PersonalAccessTokensService } from '../personal-access-tokens/personal-access-tokens.service';
import { TokenExpiry } from '../../common/tokens/token-expiry';
import { UserType } from '../../common/users/user-types';
import { User } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';

/** What the command-line tool prints: enough to use and to manage the token. */
export interface IssuedToken {
  userId: string;
  tokenId: string;
  token: string;
}

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/** A token for the user with this email: the fields of a token requested over HTTP. */
export type TokenRequest = CreateTokenDto & { email: string };

/**
 * Creates the first organisation and admin, and issues tokens outside HTTP: for the first start
 * and for the command-line tool. Acts as the system (no actor).
 */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger(ProvisioningService.name);

  constructor(
    @Inject(bootstrapConfig.KEY) private readonly config: BootstrapConfig,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly tokens: PersonalAccessTokensService,
  ) {}

  /**
   * On first start: the organisation, and an owner with an owner token when the organisation has
   * no active admin. Answers the token issued, or null when nothing had to be done.
   */
  async firstStart(): Promise<IssuedToken | null> {
    const organisation = await this.organisations.ensureDefault(this.config.organisationName);
    if (await this.users.hasActiveAdmin(organisation.id)) {
      return null;
    }
    const existing = await this.users.findByEmail(organisation.id, this.config.adminEmail);
    if (existing) {
      this.logger.warn(
        `No active admin, and ${this.config.adminEmail} exists but is not one: run \`npm run cli -- create-admin --email <another email>\``,
      );
      return null;
    }
    return this.createAdmin(
      { email: this.config.adminEmail, type: 'owner', expiry: 'month' },
      organisation,
    );
  }

  /** A new admin (or owner) person with an owner token on all projects. */
  async createAdmin(
    input: { email: string; type: Extract<UserType, 'owner' | 'admin'>; expiry: TokenExpiry },
    organisation?: Organisation,
  ): Promise<IssuedToken> {
    const target = organisation ?? (await this.defaultOrganisation());
    if (await this.users.findByEmail(target.id, input.email)) {
      throw new ProvisioningError(
        `A user with email ${input.email} already exists; use create-token to give them a token`,
      );
    }
    const user = await this.users.create(
      { organisationId: target.id, email: input.email, type: input.type, isService: false },
      SYSTEM_ACTOR,
    );
    return this.issue(user, {
      permissions: ['owner'],
      allProjects: true,
      projects: [],
      expiry: input.expiry,
      note: 'Admin token (command-line tool)',
    });
  }

  /** A token for an existing user (a person's first token, say). */
  async createToken({ email, ...request }: TokenRequest): Promise<IssuedToken> {
    const organisation = await this.defaultOrganisation();
    const user = await this.users.findByEmail(organisation.id, email);
    if (!user) {
      throw new ProvisioningError(`No user with email ${email}`);
    }
    return this.issue(user, request);
  }

  private async issue(user: User, request: CreateTokenDto): Promise<IssuedToken> {
    const { token, secret } = await this.tokens.create(user, request, null, SYSTEM_ACTOR);
    return { userId: user.id, tokenId: token.id, token: secret };
  }

  private async defaultOrganisation(): Promise<Organisation> {
    return this.organisations.ensureDefault(this.config.organisationName);
  }
}
