import { randomBytes } from 'node:crypto';
import { isValidIdempotencyKey, requestFingerprint, seal, unseal } from './idempotency-key';

describe('idempotency keys', () => {
  it.each(['a', '3c90c3cc-0d44-4b50-8888-8dd25736052a', 'x'.repeat(255)])(
    'should accept %j',
    (key) => {
      expect(isValidIdempotencyKey(key)).toBe(true);
    },
  );

  it.each(['', 'x'.repeat(256), 'with space', 'tab\t', 'é'])('should refuse %j', (key) => {
    expect(isValidIdempotencyKey(key)).toBe(false);
  });

  it('should tell requests apart by method, path and body', () => {
    const base = requestFingerprint('POST', '/a', { expiry: 'week' });
    expect(requestFingerprint('POST', '/a', { expiry: 'week' })).toBe(base);
    expect(requestFingerprint('POST', '/a', { expiry: 'month' })).not.toBe(base);
    expect(requestFingerprint('POST', '/b', { expiry: 'week' })).not.toBe(base);
    expect(requestFingerprint('POST', '/a', undefined)).toBe(requestFingerprint('POST', '/a', {}));
  });

  it('should seal an answer so that only the same key opens it, and never as plain text', () => {
    const key = randomBytes(32);
    const sealed = seal(key, '{"token":"opat_secret"}');

    expect(sealed).not.toContain('opat_secret');
    expect(Buffer.from(sealed, 'base64url').toString('utf8')).not.toContain('opat_secret');
    expect(unseal(key, sealed)).toBe('{"token":"opat_secret"}');
    expect(unseal(randomBytes(32), sealed)).toBeNull();
    expect(unseal(key, `${sealed.slice(0, -2)}AA`)).toBeNull();
  });
});
