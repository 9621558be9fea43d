import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { DomainEvent, DomainEvents } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { grantMask } from '../auth/permissions';
import { Principal, PrincipalResolver } from '../auth/principal';
import { PersonalAccessToken } from './entities/personal-access-token.entity';
import { ReplacedSecret } from './entities/replaced-secret.entity';
import { ClusterInvalidation, Invalidation } from './cluster-invalidation.service';
import { PrincipalCache } from './principal-cache';
import { SecretHasher } from './secret-hasher.service';
import { isExpired } from './token-expiry';
import { isWellFormedTokenSecret } from './token-secret';

/**
 * Turns a bearer secret into the principal it authenticates: shape and checksum first (no
 * database), then one query by the secret's HMAC, then a short-lived cache. A token works only
 * while it exists, is unexpired and its user is active.
 */
@Injectable()
export class TokenAuthenticationService implements PrincipalResolver, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenAuthenticationService.name);
  private readonly cache: PrincipalCache;
  /** When each token's last use was last written, to write it at most once per interval. */
  private readonly lastUseWrites = new Map<string, number>();
  /** Last-use writes in flight: shutdown waits for them before the database pool closes. */
  private readonly pendingWrites = new Set<Promise<unknown>>();

  constructor(
    @InjectRepository(PersonalAccessToken) private readonly tokens: Repository<PersonalAccessToken>,
    @InjectRepository(ReplacedSecret) private readonly replacedSecrets: Repository<ReplacedSecret>,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
    private readonly hasher: SecretHasher,
    private readonly publisher: DomainEventPublisher,
    private readonly cluster: ClusterInvalidation,
  ) {
    this.cache = new PrincipalCache(auth.principalCacheTtlMs);
    cluster.onInvalidation((invalidation) => this.apply(invalidation));
  }

  async resolve(secret: string, ip: string): Promise<Principal | null> {
    if (!isWellFormedTokenSecret(secret)) {
      return null;
    }
    const hash = this.hasher.hash(secret);
    const now = Date.now();
    let principal = this.cache.get(hash, now);
    if (!principal) {
      const generation = this.cache.currentGeneration();
      principal = (await this.load(hash)) ?? undefined;
      if (!principal) {
        await this.reportIfReplaced(hash, ip);
        return null;
      }
      // Cached only while this instance hears the others' invalidations.
      if (this.cluster.reliable) {
        this.cache.set(hash, principal, now, generation);
      }
    }
    if (isExpired(principal.token.expiresAt, now) || principal.user.status !== 'active') {
      return null;
    }
    if (principal.user.type === 'invited') {
      return null;
    }
    this.recordUse(principal.token.id, ip, now);
    return principal;
  }

  @OnEvent(DomainEvents.TokenDeleted)
  @OnEvent(DomainEvents.TokenRegenerated)
  forgetToken(event: DomainEvent): void {
    this.forget({ kind: 'token', id: event.targetId });
  }

  @OnEvent(DomainEvents.UserUpdated)
  forgetUser(event: DomainEvent): void {
    this.forget({ kind: 'user', id: event.targetId });
  }

  /** A deleted project leaves token scopes: simplest is to forget everything (deletes are rare). */
  @OnEvent(DomainEvents.ProjectDeleted)
  forgetAll(): void {
    this.forget({ kind: 'all' });
  }

  /** At once here (before the change is answered), and on the other instances through the cluster. */
  private forget(invalidation: Invalidation): void {
    this.apply(invalidation);
    this.cluster.publish(invalidation);
  }

  private apply(invalidation: Invalidation): void {
    switch (invalidation.kind) {
      case 'token':
        this.cache.invalidateToken(invalidation.id);
        break;
      case 'user':
        this.cache.invalidateUser(invalidation.id);
        break;
      case 'all':
        this.cache.clear();
        break;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pendingWrites]);
  }

  /** The token and its user in one query; project ids come in the same query, one row each. */
  private async load(secretHash: string): Promise<Principal | null> {
    const token = await this.tokens
      .createQueryBuilder('token')
      .innerJoin('token.user', 'user')
      .leftJoin('token.projects', 'project')
      .select([
        'token.id',
        'token.permissions',
        'token.allProjects',
        'token.expiresAt',
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
        permissionMask: grantMask(token.permissions),
        allProjects: token.allProjects,
        projectIds: new Set((token.projects ?? []).map((project) => project.id)),
        expiresAt: token.expiresAt,
      },
    };
  }

  /**
   * Writes `lastUsedAt`/`lastUsedIp` at most once per interval per token, off the request's path.
   * The condition in SQL keeps several instances from writing it more often between them.
   */
  private recordUse(tokenId: string, ip: string, now: number): void {
    const interval = this.auth.lastUsedIntervalMs;
    if (now - (this.lastUseWrites.get(tokenId) ?? 0) < interval) {
      return;
    }
    if (this.lastUseWrites.size >= 50_000) {
      this.pruneLastUseWrites(now, interval);
    }
    this.lastUseWrites.set(tokenId, now);
    const write = this.tokens
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: new Date(now), lastUsedIp: ip })
      .where('id = :tokenId', { tokenId })
      .andWhere('(last_used_at IS NULL OR last_used_at <= :threshold)', {
        threshold: this.tokens.manager.connection.driver.preparePersistentValue(
          new Date(now - interval),
          this.tokens.metadata.findColumnWithPropertyName('lastUsedAt')!,
        ) as unknown,
      })
      .execute()
      .catch((error: unknown) =>
        this.logger.warn(`Could not record the last use of token ${tokenId}: ${String(error)}`),
      );
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private pruneLastUseWrites(now: number, interval: number): void {
    for (const [tokenId, writtenAt] of this.lastUseWrites) {
      if (now - writtenAt >= interval) {
        this.lastUseWrites.delete(tokenId);
      }
    }
  }

  /** A secret that a regenerate replaced may have leaked: say so, naming the token, never the secret. */
  private async reportIfReplaced(secretHash: string, ip: string): Promise<void> {
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
    const organisationId = replaced?.token?.user?.organisationId;
    if (!replaced || !organisationId) {
      return;
    }
    this.logger.warn(
      `A replaced secret of token ${replaced.tokenId} was presented from ${ip}; it may have leaked`,
    );
    await this.publisher.publish({
      name: DomainEvents.ReplacedSecretUsed,
      organisationId,
      actor: { userId: replaced.token!.user!.id, tokenId: replaced.tokenId, ip },
      targetType: 'token',
      targetId: replaced.tokenId,
      details: { replacedAt: replaced.replacedAt.toISOString() },
    });
  }
}
