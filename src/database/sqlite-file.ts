import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes the SQLite database file readable by its owner only before SQLite opens it: it holds
 * every token's hash and the webhooks' encrypted secrets. SQLite creates the -wal and -shm files
 * with the database file's permissions, so they follow. A new data folder is made 0700.
 */
export function secureSqliteFile(path: string): void {
  if (path === ':memory:' || path === '') {
    return;
  }
  const folder = dirname(path);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  }
  // 'a': create it if missing, never truncate one that exists.
  closeSync(openSync(path, 'a', 0o600));
  if ((statSync(path).mode & 0o077) !== 0) {
    chmodSync(path, 0o600);
  }
}
