/** Settings every end-to-end test file starts from; a test may change them before it boots an app. */
export function applyTestEnvironment(): void {
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
  process.env.LOG_FORMAT = 'json';
  // Tests that are about the throttle lower it themselves.
  process.env.AUTH_FAILURE_LIMIT = '100000';
  delete process.env.REDIS_URL;
  delete process.env.TOKEN_MAX_LIFETIME_DAYS;
  delete process.env.BOOTSTRAP_ADMIN_EMAIL;
}
