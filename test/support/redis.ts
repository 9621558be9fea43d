import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The Redis the tests may use: TEST_REDIS_URL, or the default port of 127.0.0.1. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** REQUIRE_REDIS=1 (CI) makes a missing Redis an error instead of a skip. */
export const REQUIRE_REDIS = process.env.REQUIRE_REDIS === '1';

/** Whether a Redis answers PING at `url`, asked synchronously (so that a describe can decide). */
export function redisAnswers(url: string): boolean {
  const probe = [
    "const Redis = require('ioredis');",
    'const redis = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 1000,',
    '  maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });',
    "redis.on('error', () => {});",
    'redis.connect().then(() => redis.ping()).then(',
    "  (answer) => process.exit(answer === 'PONG' ? 0 : 1), () => process.exit(1));",
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', probe, url], {
    cwd: join(__dirname, '..', '..'),
    stdio: 'ignore',
    timeout: 5000,
  });
  return result.status === 0;
}
