import { LRUCache } from 'lru-cache';
import { Principal } from './principal';

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Authenticated principals by secret hash, for at most `ttlMs` (AUTH_CACHE_TTL_MS), and at most
 * `maxEntries` of them. A change invalidates the affected entries at once: made on this instance,
 * by an in-process event; made on another, by its notification (ClusterInvalidation, which turns
 * the cache off while it cannot hear them). Failed lookups are never cached.
 */
export class PrincipalCache {
  /** Bounded, least recently used first out, in O(1) (a Map's oldest key slows once many are deleted). */
  private readonly entries: LRUCache<string, Entry>;
  /** Bumped by every invalidation: a load that began before it must not be cached after it. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    maxEntries = 10_000,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get size(): number {
    return this.entries.size;
  }

  currentGeneration(): number {
    return this.generation;
  }

  get(secretHash: string, now: number): Principal | undefined {
    const entry = this.entries.get(secretHash);
    if (!entry) {
      return undefined;
    }
    if (entry.expiresAt <= now) {
      this.entries.delete(secretHash);
      return undefined;
    }
    return entry.principal;
  }

  /** Caches a principal loaded when the generation was `loadedAt`, unless invalidated since. */
  set(secretHash: string, principal: Principal, now: number, loadedAt: number): void {
    if (this.ttlMs <= 0 || loadedAt !== this.generation) {
      return;
    }
    this.entries.set(secretHash, { principal, expiresAt: now + this.ttlMs });
  }

  invalidateToken(tokenId: string): void {
    this.invalidate((principal) => principal.token.id === tokenId);
  }

  invalidateUser(userId: string): void {
    this.invalidate((principal) => principal.user.id === userId);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private invalidate(matches: (principal: Principal) => boolean): void {
    this.generation++;
    const stale: string[] = [];
    for (const [hash, entry] of this.entries.entries()) {
      if (matches(entry.principal)) {
        stale.push(hash);
      }
    }
    for (const hash of stale) {
      this.entries.delete(hash);
    }
  }
}
