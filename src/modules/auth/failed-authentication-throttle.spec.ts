import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
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

  describe('with REDIS_URL set', () => {
    /** What the throttle uses of an ioredis connection: its status and its events. */
    class FakeRedis extends EventEmitter {
      status = 'connecting';
      duplicate = () => new FakeRedis();
      subscribe = () => Promise.resolve(1);
      publish = () => Promise.resolve(0);
      quit = () => Promise.resolve('OK');
      disconnect = () => undefined;
      goes(status: 'ready' | 'reconnecting') {
        this.status = status;
        if (status === 'ready') {
          this.emit('ready');
        } else {
          this.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
          this.emit('close');
        }
      }
    }
    let logs: { warn: jest.SpyInstance; log: jest.SpyInstance };

    beforeEach(() => {
      logs = {
        warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
        log: jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined),
      };
    });

    afterEach(() => jest.restoreAllMocks());

    function subject() {
      const redis = new FakeRedis();
      const shared = new BoundedRateLimitStore(10);
      const increment = jest.spyOn(shared, 'increment');
      const throttle = new FailedAuthenticationThrottle(shared, redis as unknown as Redis, config);
      throttle.onModuleInit();
      return { redis, throttle, increment };
    }

    it('should count in Redis while it answers, and say so', async () => {
      const { redis, throttle, increment } = subject();
      redis.goes('ready');
      await throttle.recordFailure('192.0.2.1');
      expect(increment).toHaveBeenCalledTimes(1);
      expect(throttle.state()).toEqual({ store: 'redis' });
      expect(logs.warn).not.toHaveBeenCalled();
    });

    it('should count in memory, without asking Redis, while it is down, and still block', async () => {
      const { redis, throttle, increment } = subject();
      redis.goes('ready');
      redis.goes('reconnecting');
      const answers = [];
      for (let i = 0; i < 3; i++) {
        answers.push(await throttle.recordFailure('192.0.2.1'));
      }
      expect(answers).toEqual([0, 0, 60]);
      expect(increment).not.toHaveBeenCalled();
      expect(throttle.state()).toEqual({
        store: 'memory',
        degraded: expect.stringContaining('Redis does not answer') as string,
      });
    });

    it('should log each change once, however many reconnections fail or refusals come in between', async () => {
      const { redis, throttle } = subject();
      redis.goes('ready');
      for (let i = 0; i < 10; i++) {
        redis.goes('reconnecting');
        await throttle.recordFailure(`192.0.2.${i}`);
      }
      expect(logs.warn).toHaveBeenCalledTimes(1);
      expect(logs.warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
      redis.goes('ready');
      redis.goes('ready');
      expect(logs.log).toHaveBeenCalledTimes(1);
      expect(logs.log).toHaveBeenCalledWith(expect.stringContaining('Redis answers again'));
      expect(throttle.state()).toEqual({ store: 'redis' });
    });

    it('should fall back to memory when a command fails on an open connection, and try Redis again later', async () => {
      const { redis, throttle, increment } = subject();
      redis.goes('ready');
      increment.mockRejectedValue(new Error('Command timed out'));
      expect(await throttle.recordFailure('192.0.2.1', 0)).toBe(0);
      expect(throttle.state().store).toBe('memory');
      expect(logs.warn).toHaveBeenCalledWith(expect.stringContaining('Command timed out'));
      // Not on every refusal: the next ones within a few seconds stay in memory.
      await throttle.recordFailure('192.0.2.1');
      await throttle.recordFailure('192.0.2.1');
      expect(increment).toHaveBeenCalledTimes(1);
      expect(await throttle.recordFailure('192.0.2.1')).toBe(60);
    });
  });
});
