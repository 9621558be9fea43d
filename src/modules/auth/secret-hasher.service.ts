import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { databaseConfig, DatabaseConfig } from '../../config/database.config';

export const PEPPER_FILE_NAME = 'token-pepper';

/**
 * Hashes token secrets as HMAC-SHA256 under a server-side pepper, so that a copy of the database
 * alone cannot be used to check guesses. The pepper is TOKEN_PEPPER; on the embedded database
 * without one, a random pepper is created once and kept beside the database file.
 */
@Injectable()
export class SecretHasher {
  private readonly logger = new Logger(SecretHasher.name);
  private readonly pepper: Buffer;

  constructor(
    @Inject(authConfig.KEY) auth: AuthConfig,
    @Inject(databaseConfig.KEY) database: DatabaseConfig,
  ) {
    this.pepper = auth.tokenPepper
      ? Buffer.from(auth.tokenPepper, 'utf8')
      : this.embeddedPepper(database);
  }

  hash(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret, 'utf8').digest('hex');
  }

  /** A 32-byte key for another use, derived from the pepper (HKDF-SHA256): no second secret to keep. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.pepper, Buffer.alloc(0), purpose, 32));
  }

  private embeddedPepper(database: DatabaseConfig): Buffer {
    if (database.kind !== 'sqlite') {
      // Configuration validation refuses this; kept as a guard for code that skips it.
      throw new Error('TOKEN_PEPPER must be set when DATABASE_URL points at PostgreSQL');
    }
    if (database.sqlitePath === ':memory:') {
      return randomBytes(32);
    }
    const file = join(dirname(database.sqlitePath), PEPPER_FILE_NAME);
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      try {
        writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
        this.logger.log(
          `Created a token pepper in ${file}: keep it with the database, or set TOKEN_PEPPER`,
        );
      } catch (error) {
        // Another process (the command-line tool, say) created it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw error;
        }
      }
    }
    chmodSync(file, 0o600);
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  }
}
