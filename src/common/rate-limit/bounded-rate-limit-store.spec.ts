import { BoundedRateLimitStore } from './bounded-rate-limit-store';

const MINUTE = 60_000;

describe('BoundedRateLimitStore', () => {
  it('should let `limit` hits through per window, then block for the block duration', () => {
    const store = new BoundedRateLimitStore(10);
    const hits = [0, 1, 2].map(() => store.hit('a', MINUTE, 3, 2 * MINUTE, 1_000));
    expect(hits.map((hit) => hit.isBlocked)).toEqual([false, false, false]);
    const fourth = store.hit('a', MINUTE, 3, 2 * MINUTE, 1_000);
    expect(fourth).toMatchObject({ isBlocked: true, timeToBlockExpire: 120, totalHits: 4 });
    // Still blocked after the window, until the block ends; hits while blocked are not counted.
    expect(store.hit('a', MINUTE, 3, 2 * MINUTE, 100_000)).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 21,
      totalHits: 4,
    });
    expect(store.hit('a', MINUTE, 3, 2 * MINUTE, 121_000)).toMatchObject({
      isBlocked: false,
      totalHits: 1,
    });
  });

  it('should start a new window once the old one ends', () => {
    const store = new BoundedRateLimitStore(10);
    expect(store.hit('a', MINUTE, 1, MINUTE, 0).isBlocked).toBe(false);
    expect(store.hit('a', MINUTE, 1, MINUTE, 59_999).isBlocked).toBe(true);
    const other = new BoundedRateLimitStore(10);
    expect(other.hit('a', MINUTE, 1, MINUTE, 0).isBlocked).toBe(false);
    expect(other.hit('a', MINUTE, 1, MINUTE, 60_000)).toMatchObject({
      isBlocked: false,
      totalHits: 1,
    });
  });

  it('should refuse until the window ends when there is no block duration', () => {
    const store = new BoundedRateLimitStore(10);
    store.hit('a', MINUTE, 1, 0, 0);
    expect(store.hit('a', MINUTE, 1, 0, 30_000)).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 30,
    });
    expect(store.hit('a', MINUTE, 1, 0, 60_000).isBlocked).toBe(false);
  });

  it('should count each key on its own', () => {
    const store = new BoundedRateLimitStore(10);
    expect(store.hit('a', MINUTE, 1, MINUTE, 0).isBlocked).toBe(false);
    expect(store.hit('b', MINUTE, 1, MINUTE, 0).isBlocked).toBe(false);
    expect(store.hit('a', MINUTE, 1, MINUTE, 0).isBlocked).toBe(true);
  });

  it('should never hold more keys than its capacity, forgetting the key hit longest ago', () => {
    const store = new BoundedRateLimitStore(100);
    store.hit('kept', MINUTE, 1, MINUTE, 0);
    for (let i = 0; i < 10_000; i++) {
      store.hit(`address-${i}`, MINUTE, 1, MINUTE, i);
      // A key hit again is the newest: it survives the flood.
      if (i % 50 === 0) {
        store.hit('kept', MINUTE, 1000, MINUTE, i);
      }
      expect(store.size).toBeLessThanOrEqual(100);
    }
    expect(store.size).toBe(100);
    // The oldest were forgotten: address-0 starts again from nothing...
    expect(store.hit('address-0', MINUTE, 1, MINUTE, 10_000).totalHits).toBe(1);
    // ...the newest are still counted...
    expect(store.hit('address-9999', MINUTE, 1, MINUTE, 10_000).isBlocked).toBe(true);
    // ...and so is the key that kept being hit.
    expect(store.hit('kept', MINUTE, 1000, MINUTE, 10_000).totalHits).toBeGreaterThan(100);
  });

  it('should take constant time per new key when full: no scan of the stored keys', () => {
    // At capacity every new key evicts one. A store that scanned its keys for each new one (as
    // the earlier fixed-window limiter did) needs 10,000 steps per key here, minutes in all.
    const store = new BoundedRateLimitStore(10_000);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 300_000; i++) {
      store.hit(`address-${i}`, MINUTE, 5, MINUTE, 1_000);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(store.size).toBe(10_000);
    expect(ms).toBeLessThan(5_000);
  });

  it('should answer as @nestjs/throttler storage does, through increment()', async () => {
    const store = new BoundedRateLimitStore(10);
    const first = await store.increment('a', MINUTE, 1, MINUTE, 'any');
    const second = await store.increment('a', MINUTE, 1, MINUTE, 'any');
    expect(first).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect(second).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
  });
});
