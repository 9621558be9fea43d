export { BoundedRateLimitStore } from './bounded-rate-limit-store';
export { LruMap } from './lru-map';
