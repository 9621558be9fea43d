import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { databaseConfig, DatabaseConfig } from '../../config/database.config';

export const PEPPER_FILE_NAME = 'token-pepper';
/** As TOKEN_PEPPER must be. */
const MIN_PEPPER_LENGTH = 32;
/** What the pepper verifier is an HMAC of: no token secret looks like it. */
const VERIFIER_LABEL = 'pat-service pepper verifier v1';

/**
 * Hashes token secrets as HMAC-SHA256 under a server-side pepper, so that a copy of the database
 * alone cannot be used to check guesses. The pepper is TOKEN_PEPPER; on the embedded database
 * without one, a random pepper is created once and kept beside the database file.
 */
@Injectable()
export class SecretHasher {
  private readonly logger = new Logger(SecretHasher.name);
  private readonly pepper: Buffer;
  /** The pepper file in use (SQLite without TOKEN_PEPPER), for messages; null otherwise. */
  readonly pepperFile: string | null;

  constructor(
    @Inject(authConfig.KEY) auth: AuthConfig,
    @Inject(databaseConfig.KEY) database: DatabaseConfig,
  ) {
    this.pepperFile =
      auth.tokenPepper || database.sqlitePath === ':memory:'
        ? null
        : join(dirname(database.sqlitePath), PEPPER_FILE_NAME);
    this.pepper = auth.tokenPepper
      ? Buffer.from(auth.tokenPepper, 'utf8')
      : this.embeddedPepper(database);
  }

  /** An HMAC of a fixed label under the pepper: tells peppers apart, never reveals one. */
  pepperVerifier(): string {
    return createHmac('sha256', this.pepper).update(VERIFIER_LABEL, 'utf8').digest('hex');
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
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
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
    const pepper = readFileSync(file, 'utf8').trim();
    if (pepper.length < MIN_PEPPER_LENGTH) {
      // An empty or truncated file would hash every secret under a guessable key.
      throw new Error(
        `The pepper file ${file} must hold a random string of at least ${MIN_PEPPER_LENGTH} characters (it holds ${pepper.length}): restore it, or set TOKEN_PEPPER`,
      );
    }
    return Buffer.from(pepper, 'utf8');
  }
}
