import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { DomainEvent, DomainEvents } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { isExpired } from '../../common/tokens/token-expiry';
import { isWellFormedTokenSecret } from '../../common/tokens/token-secret';
import { ClusterInvalidation, Invalidation } from './cluster-invalidation.service';
import { IpAllowList } from './ip-allow-list';
import { LastUseRecorder } from './last-use-recorder';
import { effectiveMask } from './user-type-ceilings';
import { Principal } from './principal';
import { PrincipalCache } from './principal-cache';
import { PrincipalSource, StoredPrincipal } from './principal-source';
import { SecretHasher } from './secret-hasher.service';

/** A secret of a token that has expired: the one refusal told apart from the others. */
export interface ExpiredToken {
  expiredAt: Date;
}

/**
 * Turns a bearer secret into the principal it authenticates: shape and checksum first (no
 * database), then one query by the secret's HMAC, then a short-lived cache. A token works only
 * while it exists, is unexpired and its user is active.
 */
@Injectable()
export class PrincipalResolver {
  private readonly logger = new Logger(PrincipalResolver.name);
  private readonly cache: PrincipalCache;

  constructor(
    private readonly source: PrincipalSource,
    @Inject(authConfig.KEY) auth: AuthConfig,
    private readonly hasher: SecretHasher,
    private readonly publisher: DomainEventPublisher,
    private readonly cluster: ClusterInvalidation,
    private readonly lastUse: LastUseRecorder,
  ) {
    this.cache = new PrincipalCache(auth.principalCacheTtlMs);
    cluster.onInvalidation((invalidation) => this.apply(invalidation));
  }

  /**
   * The principal the secret authenticates now; for a token of an active user that has expired,
   * when it expired (its holder can act on that); else null (unknown, malformed, deleted,
   * replaced, its user not active: one answer for all, revealing nothing).
   */
  async resolve(secret: string, ip: string): Promise<Principal | ExpiredToken | null> {
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
    if (principal.user.status !== 'active' || principal.user.type === 'invited') {
      return null;
    }
    if (isExpired(principal.token.expiresAt, now)) {
      return { expiredAt: principal.token.expiresAt! };
    }
    this.lastUse.record(principal.token.id, ip, now);
    return principal;
  }

  @OnEvent(DomainEvents.TokenDeleted)
  @OnEvent(DomainEvents.TokenRegenerated)
  @OnEvent(DomainEvents.TokenRevokedLeaked)
  forgetToken(event: DomainEvent): void {
    this.forget({ kind: 'token', id: event.targetId });
  }

  @OnEvent(DomainEvents.UserUpdated)
  @OnEvent(DomainEvents.UserDeleted)
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

  private async load(secretHash: string): Promise<Principal | null> {
    const stored = await this.source.findBySecretHash(secretHash);
    return stored && toPrincipal(stored);
  }

  /** A secret that a regenerate replaced may have leaked: say so, naming the token, never the secret. */
  private async reportIfReplaced(secretHash: string, ip: string): Promise<void> {
    const replaced = await this.source.findReplacedSecret(secretHash);
    if (!replaced) {
      return;
    }
    this.logger.warn(
      `A replaced secret of token ${replaced.tokenId} was presented from ${ip}; it may have leaked`,
    );
    await this.publisher.publish({
      name: DomainEvents.ReplacedSecretUsed,
      organisationId: replaced.organisationId,
      actor: { userId: replaced.userId, tokenId: replaced.tokenId, ip },
      targetType: 'token',
      targetId: replaced.tokenId,
      details: { replacedAt: replaced.replacedAt.toISOString() },
    });
  }
}

/**
 * The permission mask and project set are computed once here, not on every access check. The mask
 * is the token's permissions capped by what its user's type allows now.
 */
function toPrincipal({ user, token }: StoredPrincipal): Principal {
  return {
    user,
    token: {
      ...token,
      permissionMask: effectiveMask(token.permissions, user.type),
      projectIds: new Set(token.projectIds),
      allowedIps: IpAllowList.from(token.allowedIps),
    },
  };
}
