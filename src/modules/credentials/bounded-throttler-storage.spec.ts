import { BoundedThrottlerStorage } from './bounded-throttler-storage';

describe('BoundedThrottlerStorage', () => {
  const HOUR = 60 * 60 * 1000;

  it('should never track more keys than its bound, forgetting the oldest', async () => {
    const storage = new BoundedThrottlerStorage(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await storage.increment(key, HOUR, 10, HOUR, 'revoke');
    }
    expect(storage.size).toBe(3);
    expect([...storage.storage.keys()]).toEqual(['c', 'd', 'e']);
    storage.onApplicationShutdown();
  });

  it('should block a key past its limit, as the base storage does', async () => {
    const storage = new BoundedThrottlerStorage(3);
    const results = [];
    for (let i = 0; i < 3; i += 1) {
      results.push(await storage.increment('a', HOUR, 2, HOUR, 'revoke'));
    }
    expect(results.map((result) => result.isBlocked)).toEqual([false, false, true]);
    storage.onApplicationShutdown();
  });
});
