import { buildPrincipal } from './testing/principal-builder';
import { PrincipalCache } from './principal-cache';

const NOW = 1_800_000_000_000;

const principal = (tokenId: string, userId: string) => buildPrincipal({ tokenId, userId });

/** A cache holding three principals: tokens t1 and t2 of user u1, token t3 of user u2. */
function filledCache(ttlMs = 1000): PrincipalCache {
  const cache = new PrincipalCache(ttlMs);
  const generation = cache.currentGeneration();
  cache.set('h1', principal('t1', 'u1'), NOW, generation);
  cache.set('h2', principal('t2', 'u1'), NOW, generation);
  cache.set('h3', principal('t3', 'u2'), NOW, generation);
  return cache;
}

describe('PrincipalCache', () => {
  it('should answer a cached principal within its ttl', () => {
    const cache = new PrincipalCache(1000);
    const cached = principal('t1', 'u1');
    cache.set('h1', cached, NOW, cache.currentGeneration());
    expect(cache.get('h1', NOW)).toBe(cached);
    expect(cache.get('h1', NOW + 999)).toBe(cached);
  });

  it('should answer nothing for a hash it never cached', () => {
    const cache = filledCache();
    expect(cache.get('unknown', NOW)).toBeUndefined();
  });

  it('should forget an entry once its ttl has passed, from the exact millisecond', () => {
    const cache = new PrincipalCache(1000);
    cache.set('h1', principal('t1', 'u1'), NOW, cache.currentGeneration());
    expect(cache.get('h1', NOW + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
    // Gone for good, even if asked about an earlier time afterwards.
    expect(cache.get('h1', NOW)).toBeUndefined();
  });

  it('should count the ttl from the time given to set', () => {
    const cache = new PrincipalCache(500);
    cache.set('h1', principal('t1', 'u1'), NOW + 10_000, cache.currentGeneration());
    expect(cache.get('h1', NOW + 10_499)).toBeDefined();
    expect(cache.get('h1', NOW + 10_500)).toBeUndefined();
  });

  it('should replace the entry when the same hash is set again', () => {
    const cache = new PrincipalCache(1000);
    const first = principal('t1', 'u1');
    const second = principal('t1', 'u1');
    cache.set('h1', first, NOW, cache.currentGeneration());
    cache.set('h1', second, NOW + 800, cache.currentGeneration());
    expect(cache.size).toBe(1);
    expect(cache.get('h1', NOW + 1500)).toBe(second);
  });

  it.each([0, -1])('should cache nothing when the ttl is %i', (ttl) => {
    const cache = new PrincipalCache(ttl);
    cache.set('h1', principal('t1', 'u1'), NOW, cache.currentGeneration());
    expect(cache.size).toBe(0);
    expect(cache.get('h1', NOW)).toBeUndefined();
  });

  describe('invalidation', () => {
    it('should forget every entry of a token, and only those, on invalidateToken', () => {
      const cache = filledCache();
      cache.invalidateToken('t1');
      expect(cache.get('h1', NOW)).toBeUndefined();
      expect(cache.get('h2', NOW)?.token.id).toBe('t2');
      expect(cache.get('h3', NOW)?.token.id).toBe('t3');
      expect(cache.size).toBe(2);
    });

    it('should forget every token of a user, and only those, on invalidateUser', () => {
      const cache = filledCache();
      cache.invalidateUser('u1');
      expect(cache.get('h1', NOW)).toBeUndefined();
      expect(cache.get('h2', NOW)).toBeUndefined();
      expect(cache.get('h3', NOW)?.user.id).toBe('u2');
      expect(cache.size).toBe(1);
    });

    it('should not match a user id against token ids, or the other way round', () => {
      const cache = new PrincipalCache(1000);
      cache.set('h1', principal('same-id', 'u1'), NOW, cache.currentGeneration());
      cache.set('h2', principal('t2', 'same-id'), NOW, cache.currentGeneration());
      cache.invalidateUser('same-id');
      expect(cache.get('h1', NOW)).toBeDefined();
      expect(cache.get('h2', NOW)).toBeUndefined();
    });

    it('should forget everything on clear', () => {
      const cache = filledCache();
      cache.clear();
      expect(cache.size).toBe(0);
      for (const hash of ['h1', 'h2', 'h3']) {
        expect(cache.get(hash, NOW)).toBeUndefined();
      }
    });

    it.each<[string, (cache: PrincipalCache) => void]>([
      ['invalidateToken', (cache) => cache.invalidateToken('t9')],
      ['invalidateUser', (cache) => cache.invalidateUser('u9')],
      ['clear', (cache) => cache.clear()],
    ])(
      'should not cache a load that began before %s, even of an unrelated entry',
      (_name, invalidate) => {
        const cache = new PrincipalCache(1000);
        const loadedAt = cache.currentGeneration();
        invalidate(cache);
        cache.set('h1', principal('t1', 'u1'), NOW, loadedAt);
        expect(cache.size).toBe(0);
        expect(cache.get('h1', NOW)).toBeUndefined();
      },
    );

    it('should cache a load that began after the last invalidation', () => {
      const cache = new PrincipalCache(1000);
      cache.invalidateToken('t1');
      cache.invalidateUser('u1');
      cache.clear();
      cache.set('h1', principal('t1', 'u1'), NOW, cache.currentGeneration());
      expect(cache.get('h1', NOW)?.token.id).toBe('t1');
    });

    it('should move to a new generation on every invalidation', () => {
      const cache = new PrincipalCache(1000);
      const seen = new Set([cache.currentGeneration()]);
      cache.invalidateToken('t1');
      seen.add(cache.currentGeneration());
      cache.invalidateUser('u1');
      seen.add(cache.currentGeneration());
      cache.clear();
      seen.add(cache.currentGeneration());
      expect(seen.size).toBe(4);
    });

    it('should keep the generation while only reading and caching', () => {
      const cache = new PrincipalCache(1000);
      const generation = cache.currentGeneration();
      cache.set('h1', principal('t1', 'u1'), NOW, generation);
      cache.get('h1', NOW);
      cache.get('h1', NOW + 5000);
      expect(cache.currentGeneration()).toBe(generation);
    });
  });

  describe('eviction', () => {
    it('should drop the oldest entry to make room when full', () => {
      const cache = new PrincipalCache(1000, 3);
      const generation = cache.currentGeneration();
      for (const n of [1, 2, 3, 4]) {
        cache.set(`h${n}`, principal(`t${n}`, 'u1'), NOW + n, generation);
      }
      expect(cache.size).toBe(3);
      expect(cache.get('h1', NOW)).toBeUndefined();
      expect(cache.get('h2', NOW)?.token.id).toBe('t2');
      expect(cache.get('h3', NOW)?.token.id).toBe('t3');
      expect(cache.get('h4', NOW)?.token.id).toBe('t4');
    });

    it('should never hold more than maxEntries', () => {
      const cache = new PrincipalCache(1000, 5);
      for (let n = 0; n < 50; n++) {
        cache.set(`h${n}`, principal(`t${n}`, 'u1'), NOW, cache.currentGeneration());
        expect(cache.size).toBeLessThanOrEqual(5);
      }
      expect(cache.size).toBe(5);
      expect(cache.get('h49', NOW)).toBeDefined();
      expect(cache.get('h44', NOW)).toBeUndefined();
    });

    it('should hold up to 10 000 entries by default', () => {
      const cache = new PrincipalCache(1000);
      const generation = cache.currentGeneration();
      const shared = principal('t', 'u');
      for (let n = 0; n < 10_001; n++) {
        cache.set(`h${n}`, shared, NOW, generation);
      }
      expect(cache.size).toBe(10_000);
      expect(cache.get('h0', NOW)).toBeUndefined();
      expect(cache.get('h1', NOW)).toBeDefined();
    });

    it('should evict nothing for a load it refuses to cache', () => {
      const cache = new PrincipalCache(1000, 2);
      const stale = cache.currentGeneration();
      cache.clear();
      const generation = cache.currentGeneration();
      cache.set('h1', principal('t1', 'u1'), NOW, generation);
      cache.set('h2', principal('t2', 'u1'), NOW, generation);
      cache.set('h3', principal('t3', 'u1'), NOW, stale);
      expect(cache.get('h1', NOW)).toBeDefined();
      expect(cache.get('h2', NOW)).toBeDefined();
      expect(cache.get('h3', NOW)).toBeUndefined();
    });
  });
});
