import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('should give back what it sealed, and never the plaintext in the sealed text', () => {
    const sealed = box.seal('whsec_abc', 'endpoint-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed, 'endpoint-1')).toBe('whsec_abc');
  });

  it('should seal the same text differently each time', () => {
    expect(box.seal('whsec_abc', 'e')).not.toBe(box.seal('whsec_abc', 'e'));
  });

  it('should refuse to open under another key, for another endpoint, or when tampered with', () => {
    const sealed = box.seal('whsec_abc', 'endpoint-1');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'endpoint-1')).toThrow();
    expect(() => box.open(sealed, 'endpoint-2')).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    parts[3] = flipped.toString('base64url');
    expect(() => box.open(parts.join('.'), 'endpoint-1')).toThrow();
    expect(() => box.open('garbage', 'endpoint-1')).toThrow();
  });
});
