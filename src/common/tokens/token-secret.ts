import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Token secrets look like `opat_<43 base62 chars of 32 random bytes><6 base62 chars of CRC32>`:
 * 54 characters. The fixed prefix makes a leaked token easy to spot (secret scanners, log greps);
 * the checksum lets the service and scanners reject a look-alike without a database lookup.
 */
export const TOKEN_PREFIX = 'opat';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_BYTES = 32;
/** ceil(256 / log2(62)): enough base62 digits for any 32-byte value. */
const RANDOM_CHARS = 43;
const CHECKSUM_CHARS = 6;
export const TOKEN_SECRET_LENGTH = TOKEN_PREFIX.length + 1 + RANDOM_CHARS + CHECKSUM_CHARS;

const SHAPE = new RegExp(`^${TOKEN_PREFIX}_[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

function toBase62(value: bigint, width: number): string {
  let out = '';
  for (let rest = value; rest > 0n; rest /= 62n) {
    out = ALPHABET[Number(rest % 62n)] + out;
  }
  return out.padStart(width, ALPHABET[0]);
}

function checksumOf(body: string): string {
  return toBase62(BigInt(crc32(body)), CHECKSUM_CHARS);
}

export function generateTokenSecret(): string {
  const random = toBase62(BigInt(`0x${randomBytes(RANDOM_BYTES).toString('hex')}`), RANDOM_CHARS);
  return `${TOKEN_PREFIX}_${random}${checksumOf(random)}`;
}

/** True when the string has the token shape and a matching checksum. No database needed. */
export function isWellFormedTokenSecret(candidate: string): boolean {
  if (candidate.length !== TOKEN_SECRET_LENGTH || !SHAPE.test(candidate)) {
    return false;
  }
  const body = candidate.slice(TOKEN_PREFIX.length + 1);
  const random = body.slice(0, RANDOM_CHARS);
  return body.slice(RANDOM_CHARS) === checksumOf(random);
}

/** The last four characters: a hint that tells tokens apart in a list. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}
