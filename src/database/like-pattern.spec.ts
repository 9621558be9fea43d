import { likePattern } from './like-pattern';

describe('likePattern', () => {
  it('should wrap the lower-cased text in %, matching everything for an empty search', () => {
    expect(likePattern('deploy')).toBe('%deploy%');
    expect(likePattern('Deploy PIPELINE')).toBe('%deploy pipeline%');
    expect(likePattern('')).toBe('%%');
  });

  it('should escape every %, _ and \\, so that \\ cannot escape what follows', () => {
    expect(likePattern('100%')).toBe('%100\\%%');
    expect(likePattern('a_b')).toBe('%a\\_b%');
    expect(likePattern('a\\b')).toBe('%a\\\\b%');
    expect(likePattern('\\%')).toBe('%\\\\\\%%');
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
