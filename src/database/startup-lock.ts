import { DataSource } from 'typeorm';

/** An arbitrary constant naming this service's start-up lock among PostgreSQL advisory locks. */
const STARTUP_LOCK_KEY = 72_835_110_407;

/**
 * Runs `work` while holding a PostgreSQL advisory lock, so that several instances starting at
 * once run migrations and first-start provisioning one after the other instead of racing.
 * SQLite serves one instance: the work runs as is.
 */
export async function withStartupLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
  if (dataSource.options.type !== 'postgres') {
    return work();
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
