import { ConfigValidationError, validateSettings } from './environment';
import {
  BooleanSetting,
  IntegerSetting,
  NumberListSetting,
  OneOfSetting,
  TextSetting,
} from './settings';

class Sample {
  @IntegerSetting({ min: 1, max: 60 })
  TIMEOUT_SECONDS = 10;

  @IntegerSetting({ min: 7, max: 3650, unit: 'days', optional: true })
  LIFETIME_DAYS?: number;

  @IntegerSetting({ min: 1024, unit: 'bytes' })
  LIMIT_BYTES = 2048;

  @BooleanSetting()
  ENABLED = false;

  @OneOfSetting(['json', 'pretty'], { optional: true })
  FORMAT?: 'json' | 'pretty';

  @TextSetting({ minLength: 4, maxLength: 8, pattern: /^[a-z]+$/, expects: '4 to 8 letters' })
  WORD = 'word';

  @NumberListSetting({
    min: 1,
    max: 100,
    count: { min: 1, max: 3 },
    integers: true,
    distinct: true,
    expects: '1 to 3 different whole numbers (1 to 100), comma-separated',
  })
  DAYS: number[] = [7, 1];
}

/** The one line a bad environment gets, or "ok". */
function problem(env: Record<string, string>): string {
  try {
    validateSettings(Sample, env);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message.replace(/^Invalid configuration: /, '');
  }
}

describe('settings described once', () => {
  it('should read every kind from its text, with the defaults for what is unset', () => {
    expect({ ...validateSettings(Sample, {}) }).toEqual({
      TIMEOUT_SECONDS: 10,
      LIMIT_BYTES: 2048,
      ENABLED: false,
      WORD: 'word',
      DAYS: [7, 1],
    });
    const read = validateSettings(Sample, {
      TIMEOUT_SECONDS: ' 60 ',
      LIFETIME_DAYS: '7',
      ENABLED: 'Yes',
      FORMAT: 'pretty',
      WORD: 'abcdefgh',
      DAYS: '30, 7,1',
    });
    expect(read).toMatchObject({
      TIMEOUT_SECONDS: 60,
      LIFETIME_DAYS: 7,
      ENABLED: true,
      FORMAT: 'pretty',
      WORD: 'abcdefgh',
      DAYS: [30, 7, 1],
    });
  });

  it('should treat an empty optional setting as unset', () => {
    const read = validateSettings(Sample, { LIFETIME_DAYS: ' ', FORMAT: '' });
    expect(read.LIFETIME_DAYS).toBeUndefined();
    expect(read.FORMAT).toBeUndefined();
  });

  const INTEGER = 'an integer between 1 and 60';
  const DAYS = '1 to 3 different whole numbers (1 to 100), comma-separated';
  it.each<[string, string, string]>([
    ['TIMEOUT_SECONDS', '0', INTEGER],
    ['TIMEOUT_SECONDS', '61', INTEGER],
    ['TIMEOUT_SECONDS', '1.5', INTEGER],
    ['TIMEOUT_SECONDS', '1e3', INTEGER],
    ['LIFETIME_DAYS', '6', 'an integer number of days between 7 and 3650'],
    ['LIMIT_BYTES', '1023', 'an integer number of bytes (1024 or more)'],
    ['ENABLED', 'sometimes', 'true or false'],
    ['FORMAT', 'xml', 'one of json, pretty'],
    ['WORD', 'abc', '4 to 8 letters'],
    ['WORD', 'abcdefghi', '4 to 8 letters'],
    ['WORD', 'ab12', '4 to 8 letters'],
    ['DAYS', '1,1', DAYS],
    ['DAYS', '1,2,3,4', DAYS],
    ['DAYS', '1.5', DAYS],
    ['DAYS', '0', DAYS],
    ['DAYS', 'soon', DAYS],
  ])('should refuse %s=%p, saying it must be %s', (name, value, expects) => {
    expect(problem({ [name]: value })).toBe(`${name} must be ${expects} (got "${value}")`);
  });

  it('should say each bad setting once, in one line', () => {
    expect(problem({ TIMEOUT_SECONDS: 'x', ENABLED: 'x' })).toBe(
      'TIMEOUT_SECONDS must be an integer between 1 and 60 (got "x"); ENABLED must be true or false (got "x")',
    );
  });
});
