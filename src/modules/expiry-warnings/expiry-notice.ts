const DAY_MS = 24 * 60 * 60 * 1000;

/** `token.expiring` at a threshold, or `token.expired` (threshold 0). */
export type DueNotice = { kind: 'expiring'; thresholdDays: number } | { kind: 'expired' };

/** The threshold that stands for `token.expired` in the record of what was sent. */
export const EXPIRED_THRESHOLD = 0;

/**
 * The one notice a token is due at `now`: `expired` once it has expired; otherwise `expiring`
 * at the nearest threshold already crossed (a token moved from a year to 6.5 days before expiry
 * has crossed 30 and 7, and is due the 7-day notice only); null before the first threshold.
 * `warningDays` is sorted ascending.
 */
export function dueNotice(
  expiresAt: Date,
  now: Date,
  warningDays: readonly number[],
): DueNotice | null {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) {
    return { kind: 'expired' };
  }
  const nearest = warningDays.find((days) => left <= days * DAY_MS);
  return nearest === undefined ? null : { kind: 'expiring', thresholdDays: nearest };
}

export function thresholdOf(notice: DueNotice): number {
  return notice.kind === 'expired' ? EXPIRED_THRESHOLD : notice.thresholdDays;
}
