import { generateTokenSecret } from './tokens/token-secret';
import { redactPath, redactTokenSecrets } from './redaction';

describe('redactTokenSecrets', () => {
  it('should replace every token-shaped string, wherever it stands', () => {
    const first = generateTokenSecret();
    const second = generateTokenSecret();
    const text = `property ${first} should not exist; Cannot GET /api/${second}/x`;
    const redacted = redactTokenSecrets(text);
    expect(redacted).toBe(
      'property opat_[redacted] should not exist; Cannot GET /api/opat_[redacted]/x',
    );
    expect(redacted).not.toContain(first.slice(5));
    expect(redacted).not.toContain(second.slice(5));
  });

  it('should leave text without a token alone', () => {
    expect(redactTokenSecrets('note must be shorter than or equal to 100 characters')).toBe(
      'note must be shorter than or equal to 100 characters',
    );
  });
});

describe('redactPath', () => {
  it('should redact a secret in a path', () => {
    const secret = generateTokenSecret();
    expect(redactPath(`/api/personal-access-tokens/${secret}`)).toBe(
      '/api/personal-access-tokens/opat_[redacted]',
    );
  });

  it('should redact a percent-encoded secret in a path', () => {
    const secret = generateTokenSecret();
    const encoded = `/api/x/${encodeURIComponent(secret).replace('_', '%5F').replace('o', '%6F')}`;
    const redacted = redactPath(encoded);
    expect(redacted).toBe('/api/x/opat_[redacted]');
    expect(redacted).not.toContain(secret.slice(5));
  });

  it('should leave a path without a secret as it came, malformed encoding included', () => {
    expect(redactPath('/api/projects/%E0%A4%A')).toBe('/api/projects/%E0%A4%A');
    expect(redactPath('/api/projects/a%20b')).toBe('/api/projects/a%20b');
  });
});
