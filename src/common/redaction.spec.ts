import { generateTokenSecret } from './tokens/token-secret';
import { redactTokenSecrets } from './redaction';

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
