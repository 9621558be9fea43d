import { ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/**
 * @nestjs/throttler's in-memory storage with a hard bound on the addresses it tracks: its own
 * sweep only forgets a key once its window has passed, so a flood of new addresses within the
 * window would grow it without limit. Past the bound, the address seen longest ago is forgotten.
 */
export class BoundedThrottlerStorage extends ThrottlerStorageService {
  constructor(private readonly maxKeys: number) {
    super();
  }

  override increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (!this.storage.has(key) && this.storage.size >= this.maxKeys) {
      const oldest = this.storage.keys().next().value;
      if (oldest !== undefined) {
        this.storage.delete(oldest);
        // Private in the base class: its per-key hit list goes with the key.
        (this['hitExpirations'] as Map<string, unknown>).delete(oldest);
      }
    }
    return super.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  get size(): number {
    return this.storage.size;
  }
}
