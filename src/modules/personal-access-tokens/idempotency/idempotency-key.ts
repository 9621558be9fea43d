import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** How long a retry with the same key answers the same secret. */
export const IDEMPOTENCY_WINDOW_MS = 5 * 60 * 1000;

/** Visible ASCII, 1 to 255 characters (a UUID, say). */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_SHAPE.test(key);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What makes two requests the same: method, path and body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return sha256(`${method} ${path} ${JSON.stringify(body ?? {})}`);
}

/** AES-256-GCM with a fresh IV: base64url(iv | tag | ciphertext). */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plaintext, or null when the sealed text was not sealed under this key (or was altered). */
export function unseal(key: Buffer, sealed: string): string | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
