export const TOKEN_EXPIRIES = ['week', 'month', 'three_months', 'year', 'indefinite'] as const;
export type TokenExpiry = (typeof TOKEN_EXPIRIES)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lifetime in days of each expiry; `indefinite` never expires. */
export const EXPIRY_DAYS: Readonly<Record<TokenExpiry, number | null>> = {
  week: 7,
  month: 30,
  three_months: 90,
  year: 365,
  indefinite: null,
};

/** The `expiresAt` of a token created (or regenerated) at `now` with `expiry`; null for never. */
export function expiresAtFor(expiry: TokenExpiry, now: Date): Date | null {
  const days = EXPIRY_DAYS[expiry];
  return days === null ? null : new Date(now.getTime() + days * DAY_MS);
}

/** True when `expiry` is longer than the configured maximum lifetime (null: no maximum). */
export function exceedsMaxLifetime(expiry: TokenExpiry, maxLifetimeDays: number | null): boolean {
  if (maxLifetimeDays === null) {
    return false;
  }
  const days = EXPIRY_DAYS[expiry];
  return days === null || days > maxLifetimeDays;
}

export function isExpired(expiresAt: Date | null, now: number = Date.now()): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now;
}
