import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IssuedToken } from './provisioning.service';

/**
 * Writes the first admin's token to `path`, readable by its owner only (0600), as one JSON object
 * like the command-line tool prints. Written to a new file beside it and renamed over it, so that
 * the secret never sits in a file someone else could read, even for a moment, and an older file
 * (from an admin since removed) is replaced whole. A missing folder is created 0700.
 */
export function writeFirstAdminToken(path: string, issued: IssuedToken): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.first-admin-token-${randomBytes(6).toString('hex')}`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(issued)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
