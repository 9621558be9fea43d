import { Logger } from '@nestjs/common';
import type { PoolClient, QueryConfig } from 'pg';
import { DataSource } from 'typeorm';

/** An arbitrary constant naming this service's start-up lock among PostgreSQL advisory locks. */
export const STARTUP_LOCK_KEY = 72_835_110_407;

/** How long an instance waits for another's migrations before giving up. */
const WAIT_LIMIT_MS = 10 * 60 * 1000;

/**
 * Runs `work` while holding a PostgreSQL advisory lock, so that several instances starting at
 * once run migrations and first-start provisioning one after the other instead of racing.
 * Waiting for the lock is exempt from the usual 15 s query timeout (up to ten minutes), so that a
 * long migration elsewhere does not make this instance give up. SQLite serves one instance: the
 * work runs as is.
 */
export async function withStartupLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
  if (dataSource.options.type !== 'postgres') {
    return work();
  }
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    const [attempt] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
      STARTUP_LOCK_KEY,
    ])) as {
      locked: boolean;
    }[];
    if (!attempt.locked) {
      new Logger('StartupLock').log('Waiting for another instance to finish starting');
      // node-postgres reads a per-query `query_timeout` that its typings do not declare.
      const waitForLock = {
        text: 'SELECT pg_advisory_lock($1)',
        values: [STARTUP_LOCK_KEY],
        query_timeout: WAIT_LIMIT_MS,
      };
      await client.query(waitForLock as QueryConfig);
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
