import { likePattern } from './like-pattern';

describe('likePattern', () => {
  it('should wrap plain text in % on both sides', () => {
    expect(likePattern('deploy')).toBe('%deploy%');
  });

  it('should lower-case the text', () => {
    expect(likePattern('Deploy PIPELINE')).toBe('%deploy pipeline%');
  });

  it('should match everything for an empty search', () => {
    expect(likePattern('')).toBe('%%');
  });

  it('should escape %', () => {
    expect(likePattern('100%')).toBe('%100\\%%');
  });

  it('should escape _', () => {
    expect(likePattern('a_b')).toBe('%a\\_b%');
  });

  it('should escape \\ itself, so that it cannot escape what follows', () => {
    expect(likePattern('a\\b')).toBe('%a\\\\b%');
    expect(likePattern('\\%')).toBe('%\\\\\\%%');
  });

  it('should escape every wildcard, not just the first', () => {
    expect(likePattern('%_%_')).toBe('%\\%\\_\\%\\_%');
  });

  it('should leave other special characters alone', () => {
    expect(likePattern("o'neil [x] *.?")).toBe("%o'neil [x] *.?%");
  });

  it('should give a pattern that, read as LIKE with ESCAPE \\, matches the text literally', () => {
    // A small LIKE interpreter: % any run, _ any one character, \ takes the next literally.
    const toRegExp = (pattern: string) => {
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const char = pattern[i];
        if (char === '\\') {
          source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        } else if (char === '%') {
          source += '.*';
        } else if (char === '_') {
          source += '.';
        } else {
          source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }
      }
      return new RegExp(`^${source}$`, 's');
    };
    const pattern = toRegExp(likePattern('50%_off\\'));
    expect(pattern.test('get 50%_off\\ today')).toBe(true);
    expect(pattern.test('get 50 percent off\\ today')).toBe(false);
    expect(pattern.test('50%xoff\\')).toBe(false);
    expect(pattern.test('50%_off')).toBe(false);
  });
});
