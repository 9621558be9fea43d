import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PrincipalSource, ReplacedSecretRecord, StoredPrincipal } from '../auth';
import { PersonalAccessToken } from './entities/personal-access-token.entity';
import { ReplacedSecret } from './entities/replaced-secret.entity';

/**
 * Every read of a stored token, and the writes authentication makes. Services keep the rules;
 * this class keeps the queries. Provided to auth as its PrincipalSource.
 */
@Injectable()
export class PersonalAccessTokenRepository implements PrincipalSource {
  constructor(
    @InjectRepository(PersonalAccessToken) private readonly tokens: Repository<PersonalAccessToken>,
    @InjectRepository(ReplacedSecret) private readonly replacedSecrets: Repository<ReplacedSecret>,
  ) {}

  /** The token and its user in one query; project ids come in the same query, one row each. */
  async findBySecretHash(secretHash: string): Promise<StoredPrincipal | null> {
    const token = await this.tokens
      .createQueryBuilder('token')
      .innerJoin('token.user', 'user')
      .leftJoin('token.projects', 'project')
      .select([
        'token.id',
        'token.permissions',
        'token.allProjects',
        'token.expiresAt',
        'token.allowedIps',
        'user.id',
        'user.organisationId',
        'user.email',
        'user.type',
        'user.status',
        'user.isService',
        'user.firstName',
        'user.lastName',
        'user.createdAt',
        'user.updatedAt',
        'project.id',
      ])
      .where('token.secretHash = :secretHash', { secretHash })
      .getOne();
    if (!token?.user) {
      return null;
    }
    const { user } = token;
    return {
      user: {
        id: user.id,
        organisationId: user.organisationId,
        email: user.email,
        type: user.type,
        status: user.status,
        isService: user.isService,
        firstName: user.firstName,
        lastName: user.lastName,
        createdAt: user.createdAt,
        updatedAt: user.updatedAt,
      },
      token: {
        id: token.id,
        permissions: token.permissions,
        allProjects: token.allProjects,
        projectIds: (token.projects ?? []).map((project) => project.id),
        expiresAt: token.expiresAt,
        allowedIps: token.allowedIps,
      },
    };
  }

  async findReplacedSecret(secretHash: string): Promise<ReplacedSecretRecord | null> {
    const replaced = await this.replacedSecrets
      .createQueryBuilder('replaced')
      .innerJoin('replaced.token', 'token')
      .innerJoin('token.user', 'user')
      .select([
        'replaced.tokenId',
        'replaced.replacedAt',
        'token.id',
        'user.id',
        'user.organisationId',
      ])
      .where('replaced.secretHash = :secretHash', { secretHash })
      .getOne();
    const user = replaced?.token?.user;
    if (!replaced || !user) {
      return null;
    }
    return {
      tokenId: replaced.tokenId,
      userId: user.id,
      organisationId: user.organisationId,
      replacedAt: replaced.replacedAt,
    };
  }

  /** The condition in SQL keeps several instances from writing it more often between them. */
  async recordUse(tokenId: string, ip: string, at: Date, unlessAfter: Date): Promise<void> {
    await this.tokens
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at, lastUsedIp: ip })
      .where('id = :tokenId', { tokenId })
      .andWhere('(last_used_at IS NULL OR last_used_at <= :threshold)', {
        threshold: this.tokens.manager.connection.driver.preparePersistentValue(
          unlessAfter,
          this.tokens.metadata.findColumnWithPropertyName('lastUsedAt')!,
        ) as unknown,
      })
      .execute();
  }
}
