import {
  generateInvitationCode,
  hashInvitationCode,
  isWellFormedInvitationCode,
} from './invitation-code';

describe('invitation codes', () => {
  it('should generate distinct well-formed codes', () => {
    const codes = new Set(Array.from({ length: 100 }, generateInvitationCode));
    expect(codes.size).toBe(100);
    for (const code of codes) {
      expect(isWellFormedInvitationCode(code)).toBe(true);
    }
  });

  it('should refuse anything that is not a code', () => {
    const code = generateInvitationCode();
    expect(isWellFormedInvitationCode(code.slice(1))).toBe(false);
    expect(isWellFormedInvitationCode(`${code}x`)).toBe(false);
    expect(isWellFormedInvitationCode(code.replace('oinv_', 'opat_'))).toBe(false);
    expect(isWellFormedInvitationCode('')).toBe(false);
  });

  it('should hash a code to 64 hex characters that do not contain it', () => {
    const code = generateInvitationCode();
    const hash = hashInvitationCode(code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashInvitationCode(code));
    expect(hash).not.toBe(hashInvitationCode(generateInvitationCode()));
  });
});
