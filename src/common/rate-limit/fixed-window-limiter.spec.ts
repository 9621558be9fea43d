import { FixedWindowLimiter } from './fixed-window-limiter';

describe('FixedWindowLimiter', () => {
  it('should let `limit` attempts through per window and refuse the next with the seconds left', () => {
    const limiter = new FixedWindowLimiter(3, 60_000);
    expect([0, 1, 2].map(() => limiter.attempt('a', 1_000))).toEqual([0, 0, 0]);
    expect(limiter.attempt('a', 1_000)).toBe(60);
    expect(limiter.attempt('a', 31_000)).toBe(30);
  });

  it('should count each key on its own', () => {
    const limiter = new FixedWindowLimiter(1, 60_000);
    expect(limiter.attempt('a', 0)).toBe(0);
    expect(limiter.attempt('b', 0)).toBe(0);
    expect(limiter.attempt('a', 0)).toBeGreaterThan(0);
  });

  it('should start a new window once the old one ends', () => {
    const limiter = new FixedWindowLimiter(1, 60_000);
    expect(limiter.attempt('a', 0)).toBe(0);
    expect(limiter.attempt('a', 59_999)).toBe(1);
    expect(limiter.attempt('a', 60_000)).toBe(0);
  });

  it('should never hold more than maxKeys keys', () => {
    const limiter = new FixedWindowLimiter(1, 60_000, 100);
    for (let i = 0; i < 1_000; i++) {
      limiter.attempt(`address-${i}`, i);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The newest keys are kept.
    expect(limiter.attempt('address-999', 1_000)).toBeGreaterThan(0);
  });
});
