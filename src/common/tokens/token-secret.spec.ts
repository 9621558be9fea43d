import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  generateTokenSecret,
  isWellFormedTokenSecret,
  secretHint,
  TOKEN_PREFIX,
  TOKEN_SECRET_LENGTH,
} from './token-secret';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, randomBytes: jest.fn(actual.randomBytes) };
});

const randomBytesMock = randomBytes as unknown as jest.Mock<Buffer, [number]>;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Every character a one-character change could bring in: the alphabet, and a few outside it. */
const REPLACEMENTS = `${BASE62}_-+/= .`;

/** Decodes base62 (digits, then upper case, then lower case), independently of the module. */
function fromBase62(text: string): bigint {
  let value = 0n;
  for (const char of text) {
    const digit = BASE62.indexOf(char);
    if (digit < 0) {
      throw new Error(`not base62: ${char}`);
    }
    value = value * 62n + BigInt(digit);
  }
  return value;
}

const parts = (secret: string) => ({
  prefix: secret.slice(0, 5),
  random: secret.slice(5, 48),
  checksum: secret.slice(48),
});

describe('token secrets', () => {
  afterEach(() => {
    randomBytesMock.mockClear();
  });

  describe('generateTokenSecret', () => {
    it('should be 54 characters: opat_, 43 random and 6 checksum characters, all base62', () => {
      const secret = generateTokenSecret();
      expect(TOKEN_PREFIX).toBe('opat');
      expect(TOKEN_SECRET_LENGTH).toBe(54);
      expect(secret).toHaveLength(54);
      expect(secret).toMatch(/^opat_[0-9A-Za-z]{49}$/);
    });

    it('should encode 32 random bytes in the 43 characters after the prefix', () => {
      const bytes = Buffer.from(
        'f3a91c0e5b7d2246880aa1c3e5f70911b2d4f6a8c0e1f3a5b7c9d1e3f5a7b9c1',
        'hex',
      );
      randomBytesMock.mockReturnValueOnce(bytes);
      const secret = generateTokenSecret();
      expect(randomBytesMock).toHaveBeenCalledWith(32);
      expect(fromBase62(parts(secret).random)).toBe(BigInt(`0x${bytes.toString('hex')}`));
    });

    it('should end with the CRC32 of the random characters, in base62', () => {
      for (let i = 0; i < 50; i++) {
        const { random, checksum } = parts(generateTokenSecret());
        expect(fromBase62(checksum)).toBe(BigInt(crc32(random)));
      }
    });

    it('should generate many secrets that are all well formed and all distinct', () => {
      const secrets = Array.from({ length: 5000 }, () => generateTokenSecret());
      expect(secrets.every((secret) => secret.length === 54)).toBe(true);
      expect(secrets.filter((secret) => !isWellFormedTokenSecret(secret))).toEqual([]);
      expect(new Set(secrets).size).toBe(secrets.length);
      expect(new Set(secrets.map((secret) => parts(secret).random)).size).toBe(secrets.length);
    });

    it('should pad a small random value with leading zeros to 43 characters', () => {
      randomBytesMock.mockReturnValueOnce(Buffer.alloc(32));
      const zero = generateTokenSecret();
      expect(parts(zero).random).toBe('0'.repeat(43));
      expect(zero).toHaveLength(54);
      expect(isWellFormedTokenSecret(zero)).toBe(true);

      const one = Buffer.alloc(32);
      one[31] = 61;
      randomBytesMock.mockReturnValueOnce(one);
      const small = generateTokenSecret();
      expect(parts(small).random).toBe(`${'0'.repeat(42)}z`);
      expect(small).toHaveLength(54);
      expect(isWellFormedTokenSecret(small)).toBe(true);
    });

    it('should encode the largest random value in 43 characters', () => {
      randomBytesMock.mockReturnValueOnce(Buffer.alloc(32, 0xff));
      const secret = generateTokenSecret();
      expect(secret).toHaveLength(54);
      expect(fromBase62(parts(secret).random)).toBe(2n ** 256n - 1n);
      expect(isWellFormedTokenSecret(secret)).toBe(true);
    });

    it('should pad a small checksum with leading zeros to 6 characters', () => {
      // A CRC32 below 62^5 needs only five base62 digits: find random bytes that give one.
      let found: string | undefined;
      for (let fill = 0; fill < 256 && !found; fill++) {
        randomBytesMock.mockReturnValueOnce(Buffer.alloc(32, fill));
        const secret = generateTokenSecret();
        if (parts(secret).checksum.startsWith('0')) {
          found = secret;
        }
      }
      expect(found).toBeDefined();
      const secret = found!;
      expect(secret).toHaveLength(54);
      expect(fromBase62(parts(secret).checksum)).toBe(BigInt(crc32(parts(secret).random)));
      expect(isWellFormedTokenSecret(secret)).toBe(true);
    });
  });

  describe('isWellFormedTokenSecret', () => {
    it('should accept a secret built by hand from random characters and their CRC32', () => {
      const random = 'Q7f2ZkP0aB9xYc3LmN5oR8sT1uV4wX6yZ0aB2cD4eF6';
      let value = BigInt(crc32(random));
      let encoded = '';
      while (value > 0n) {
        encoded = BASE62[Number(value % 62n)] + encoded;
        value /= 62n;
      }
      expect(isWellFormedTokenSecret(`opat_${random}${encoded.padStart(6, '0')}`)).toBe(true);
    });

    it('should reject any one-character change anywhere in a secret', () => {
      for (let n = 0; n < 5; n++) {
        const secret = generateTokenSecret();
        const accepted: string[] = [];
        for (let index = 0; index < secret.length; index++) {
          for (const replacement of REPLACEMENTS) {
            if (replacement === secret[index]) {
              continue;
            }
            const changed = secret.slice(0, index) + replacement + secret.slice(index + 1);
            if (isWellFormedTokenSecret(changed)) {
              accepted.push(changed);
            }
          }
        }
        expect(accepted).toEqual([]);
      }
    });

    it('should reject a secret with a character added or removed', () => {
      const secret = generateTokenSecret();
      expect(isWellFormedTokenSecret(secret.slice(0, -1))).toBe(false);
      expect(isWellFormedTokenSecret(secret.slice(1))).toBe(false);
      expect(isWellFormedTokenSecret(`${secret}0`)).toBe(false);
      expect(isWellFormedTokenSecret(`${secret} `)).toBe(false);
      expect(isWellFormedTokenSecret(` ${secret}`)).toBe(false);
      expect(isWellFormedTokenSecret(`${secret}\n`)).toBe(false);
    });

    it('should reject a valid body behind another prefix', () => {
      const body = generateTokenSecret().slice(5);
      expect(isWellFormedTokenSecret(`opat_${body}`)).toBe(true);
      expect(isWellFormedTokenSecret(`OPAT_${body}`)).toBe(false);
      expect(isWellFormedTokenSecret(`xpat_${body}`)).toBe(false);
      expect(isWellFormedTokenSecret(`opat-${body}`)).toBe(false);
    });

    it('should reject two swapped characters', () => {
      const secret = generateTokenSecret();
      const index = secret.split('').findIndex((char, i) => i >= 5 && char !== secret[i + 1]);
      const swapped =
        secret.slice(0, index) + secret[index + 1] + secret[index] + secret.slice(index + 2);
      expect(isWellFormedTokenSecret(swapped)).toBe(false);
    });

    it.each([
      ['empty', ''],
      ['the prefix alone', 'opat_'],
      ['all zeros with a wrong checksum', `opat_${'0'.repeat(49)}`],
      ['54 characters of something else', 'x'.repeat(54)],
      ['a non-base62 body', `opat_${'é'.repeat(49)}`],
    ])('should reject %s', (_name, candidate) => {
      expect(isWellFormedTokenSecret(candidate)).toBe(false);
    });
  });

  describe('secretHint', () => {
    it('should be the last four characters of the secret', () => {
      const secret = generateTokenSecret();
      expect(secretHint(secret)).toBe(secret.slice(50));
      expect(secretHint('opat_abcdefWXYZ')).toBe('WXYZ');
    });
  });
});
