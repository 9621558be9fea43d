import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { BoundedRateLimitStore } from '../../common/rate-limit';
import { AuthConfig } from '../../config/auth.config';
import {
  FailedAuthenticationThrottle,
  MAX_TRACKED_ADDRESSES,
} from './failed-authentication-throttle';

const config = {
  failureLimit: 2,
  failureWindowMs: 60_000,
  failureBlockMs: 60_000,
} as AuthConfig;

function throttle(storage: ThrottlerStorage = new BoundedRateLimitStore(MAX_TRACKED_ADDRESSES)) {
  return new FailedAuthenticationThrottle(storage, null, config);
}

describe('FailedAuthenticationThrottle', () => {
  it('should answer 0 up to the limit, then the seconds of the block', async () => {
    const subject = throttle();
    expect(await subject.recordFailure('192.0.2.1')).toBe(0);
    expect(await subject.recordFailure('192.0.2.1')).toBe(0);
    expect(await subject.recordFailure('192.0.2.1')).toBe(60);
    expect(await subject.recordFailure('192.0.2.2')).toBe(0);
  });

  it('should not count refusals from an address it knows is blocked, nor ask the store', async () => {
    const store = new BoundedRateLimitStore(10);
    const increment = jest.spyOn(store, 'increment');
    const subject = throttle(store);
    for (let i = 0; i < 3; i++) {
      await subject.recordFailure('192.0.2.1');
    }
    expect(increment).toHaveBeenCalledTimes(3);
    for (let i = 0; i < 100; i++) {
      expect(await subject.recordFailure('192.0.2.1')).toBeGreaterThan(0);
    }
    expect(increment).toHaveBeenCalledTimes(3);
  });

  it('should track at most MAX_TRACKED_ADDRESSES addresses, counts and blocks, however many send refused tokens', async () => {
    const store = new BoundedRateLimitStore(MAX_TRACKED_ADDRESSES);
    const subject = throttle(store);
    const addresses = MAX_TRACKED_ADDRESSES + 10_000;
    // Every address gets blocked, so that both the counts and the known blocks fill up.
    for (let i = 0; i < addresses; i++) {
      const ip = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      for (let attempt = 0; attempt <= config.failureLimit; attempt++) {
        await subject.recordFailure(ip);
      }
    }
    expect(store.size).toBe(MAX_TRACKED_ADDRESSES);
    expect(subject.trackedBlocks).toBe(MAX_TRACKED_ADDRESSES);
    // The newest block is still known; the oldest address was forgotten and counts from 0 again.
    const last = addresses - 1;
    expect(
      await subject.recordFailure(`10.${last >> 16}.${(last >> 8) & 255}.${last & 255}`),
    ).toBeGreaterThan(0);
    expect(await subject.recordFailure('10.0.0.0')).toBe(0);
  }, 60_000);

  it('should answer 0 (a plain 401), not throw, when its store fails', async () => {
    const broken: ThrottlerStorage = {
      increment: () => Promise.reject(new Error('connection refused')),
    };
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(await throttle(broken).recordFailure('192.0.2.1')).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
    warn.mockRestore();
  });
});
