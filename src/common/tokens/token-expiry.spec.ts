import { exceedsMaxLifetime, expiresAtFor, isExpired, TokenExpiry } from './token-expiry';

const DAY_MS = 86_400_000;

describe('token expiry', () => {
  describe('expiresAtFor', () => {
    const now = new Date('2026-03-01T12:34:56.789Z');

    it.each<[TokenExpiry, number]>([
      ['week', 7],
      ['month', 30],
      ['three_months', 90],
      ['year', 365],
    ])('should expire a %s token exactly %i days after now', (expiry, days) => {
      expect(expiresAtFor(expiry, now)?.getTime()).toBe(now.getTime() + days * DAY_MS);
    });

    it('should count days of 24 hours, not calendar months or years', () => {
      const leapYearStart = new Date('2024-01-01T00:00:00.000Z');
      expect(expiresAtFor('year', leapYearStart)?.toISOString()).toBe('2024-12-31T00:00:00.000Z');
      expect(expiresAtFor('month', new Date('2026-02-01T00:00:00.000Z'))?.toISOString()).toBe(
        '2026-03-03T00:00:00.000Z',
      );
    });

    it('should never expire an indefinite token', () => {
      expect(expiresAtFor('indefinite', now)).toBeNull();
    });

    it('should not change the date it is given', () => {
      const given = new Date(now);
      expiresAtFor('year', given);
      expect(given.getTime()).toBe(now.getTime());
    });
  });

  describe('exceedsMaxLifetime', () => {
    it.each<TokenExpiry>(['week', 'month', 'three_months', 'year', 'indefinite'])(
      'should allow %s when there is no maximum',
      (expiry) => {
        expect(exceedsMaxLifetime(expiry, null)).toBe(false);
      },
    );

    it.each<[TokenExpiry, number, boolean]>([
      ['week', 7, false],
      ['month', 7, true],
      ['month', 29, true],
      ['month', 30, false],
      ['three_months', 30, true],
      ['three_months', 90, false],
      ['year', 364, true],
      ['year', 365, false],
      ['year', 3650, false],
      ['indefinite', 7, true],
      ['indefinite', 3650, true],
    ])('should decide %s against a maximum of %i days: exceeds=%p', (expiry, max, exceeds) => {
      expect(exceedsMaxLifetime(expiry, max)).toBe(exceeds);
    });
  });

  describe('isExpired', () => {
    const expiresAt = new Date('2026-06-01T00:00:00.000Z');

    it('should never expire a token without an expiry', () => {
      expect(isExpired(null, 0)).toBe(false);
      expect(isExpired(null, Number.MAX_SAFE_INTEGER)).toBe(false);
      expect(isExpired(null)).toBe(false);
    });

    it('should not be expired a millisecond before the expiry', () => {
      expect(isExpired(expiresAt, expiresAt.getTime() - 1)).toBe(false);
    });

    it('should be expired at the very millisecond of the expiry', () => {
      expect(isExpired(expiresAt, expiresAt.getTime())).toBe(true);
    });

    it('should be expired after the expiry', () => {
      expect(isExpired(expiresAt, expiresAt.getTime() + 1)).toBe(true);
      expect(isExpired(expiresAt, expiresAt.getTime() + 365 * DAY_MS)).toBe(true);
    });

    it('should compare with the current time by default', () => {
      jest.useFakeTimers({ now: expiresAt.getTime() - 1 });
      try {
        expect(isExpired(expiresAt)).toBe(false);
        jest.setSystemTime(expiresAt.getTime());
        expect(isExpired(expiresAt)).toBe(true);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
