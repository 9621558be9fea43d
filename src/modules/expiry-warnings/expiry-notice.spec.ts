import { dueNotice, thresholdOf } from './expiry-notice';

const DAY_MS = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-30T12:00:00.000Z');
const inDays = (days: number) => new Date(now.getTime() + days * DAY_MS);
const THRESHOLDS = [1, 7, 30];

describe('dueNotice', () => {
  it('should be due nothing before the farthest threshold', () => {
    expect(dueNotice(inDays(365), now, THRESHOLDS)).toBeNull();
    expect(dueNotice(inDays(30.001), now, THRESHOLDS)).toBeNull();
  });

  it('should be due only the nearest of the thresholds crossed', () => {
    expect(dueNotice(inDays(6.5), now, THRESHOLDS)).toEqual({ kind: 'expiring', thresholdDays: 7 });
    expect(dueNotice(inDays(0.5), now, THRESHOLDS)).toEqual({ kind: 'expiring', thresholdDays: 1 });
    expect(dueNotice(inDays(29), now, THRESHOLDS)).toEqual({ kind: 'expiring', thresholdDays: 30 });
  });

  it('should count a threshold as crossed at the exact instant', () => {
    expect(dueNotice(inDays(7), now, THRESHOLDS)).toEqual({ kind: 'expiring', thresholdDays: 7 });
  });

  it('should be due expired at and after the expiry instant', () => {
    expect(dueNotice(now, now, THRESHOLDS)).toEqual({ kind: 'expired' });
    expect(dueNotice(inDays(-3), now, THRESHOLDS)).toEqual({ kind: 'expired' });
  });

  it('should record expired as threshold 0', () => {
    expect(thresholdOf({ kind: 'expired' })).toBe(0);
    expect(thresholdOf({ kind: 'expiring', thresholdDays: 7 })).toBe(7);
  });
});
