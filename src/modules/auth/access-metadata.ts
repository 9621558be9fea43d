/** Route metadata written by the access decorators and read by the global guard. */
export const IS_PUBLIC_KEY = 'auth:public';
export const ACCESS_RULE_KEY = 'auth:access-rule';
/** Marks the gateway check: a refusal is always 401 or 403 there, never 429 (see @GatewayCheck). */
export const GATEWAY_CHECK_KEY = 'auth:gateway-check';
