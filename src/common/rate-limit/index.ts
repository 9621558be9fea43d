export { BoundedRateLimitStore } from './bounded-rate-limit-store';
export { PerAddressLimit, PerAddressRule } from './per-address-limit';
