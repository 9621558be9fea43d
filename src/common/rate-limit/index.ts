export { BoundedRateLimitStore } from './bounded-rate-limit-store';
