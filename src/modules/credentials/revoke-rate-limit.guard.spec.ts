import { ExecutionContext, HttpException } from '@nestjs/common';
import { MAX_TRACKED_ADDRESSES, RevokeRateLimitGuard } from './revoke-rate-limit.guard';

function context(ip: string, headers: Record<string, string> = {}): ExecutionContext {
  return {
    switchToHttp: () => ({
      getRequest: () => ({ ip }),
      getResponse: () => ({ header: (name: string, value: string) => (headers[name] = value) }),
    }),
  } as unknown as ExecutionContext;
}

describe('RevokeRateLimitGuard', () => {
  it('should answer 429 with Retry-After past the limit from one address', () => {
    const guard = new RevokeRateLimitGuard({ revokeLimitPerHour: 2 });
    expect(guard.canActivate(context('192.0.2.1'))).toBe(true);
    expect(guard.canActivate(context('192.0.2.1'))).toBe(true);
    const headers: Record<string, string> = {};
    expect(() => guard.canActivate(context('192.0.2.1', headers))).toThrow(HttpException);
    expect(headers['Retry-After']).toBe('3600');
    expect(guard.canActivate(context('192.0.2.2'))).toBe(true);
  });

  it('should track at most MAX_TRACKED_ADDRESSES addresses, forgetting the oldest', () => {
    const guard = new RevokeRateLimitGuard({ revokeLimitPerHour: 1 });
    const ip = (i: number) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
    guard.canActivate(context(ip(0)));
    for (let i = 1; i < MAX_TRACKED_ADDRESSES + 1_000; i++) {
      guard.canActivate(context(ip(i)));
    }
    expect(guard.limit.trackedAddresses).toBe(MAX_TRACKED_ADDRESSES);
    // The first address was forgotten: its next request is its first again. The newest is not.
    expect(guard.canActivate(context(ip(0)))).toBe(true);
    expect(() => guard.canActivate(context(ip(MAX_TRACKED_ADDRESSES + 999)))).toThrow(
      HttpException,
    );
  });
});
