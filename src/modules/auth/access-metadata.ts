/** Route metadata written by the access decorators and read by the global guards. */
export const IS_PUBLIC_KEY = 'auth:public';
export const ACCESS_RULE_KEY = 'auth:access-rule';
