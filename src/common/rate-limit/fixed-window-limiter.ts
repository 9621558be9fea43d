/**
 * Counts attempts per key (a client address) in fixed windows, in memory, with a hard bound on
 * the keys it holds: when full, expired windows are dropped first, then the oldest. An attacker
 * with many addresses can push their own counts out, never grow the map.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts an attempt: 0 when it may go ahead, else the seconds until the window ends. */
  attempt(key: string, now = Date.now()): number {
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      this.makeRoom(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) {
      return 0;
    }
    return Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) {
      return;
    }
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) {
        this.windows.delete(key);
      }
    }
    // Oldest first: a Map iterates in insertion order.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) {
        break;
      }
      this.windows.delete(key);
    }
  }
}
