import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { ParseUuidPipe } from './parse-uuid.pipe';

const UUID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

const param = (data?: string): ArgumentMetadata => ({ type: 'param', data });

function rejection(value: unknown, metadata: ArgumentMetadata): BadRequestException {
  try {
    new ParseUuidPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return error as BadRequestException;
  }
  throw new Error(`expected ${String(value)} to be rejected`);
}

describe('ParseUuidPipe', () => {
  const pipe = new ParseUuidPipe();

  it('should answer a lower-case UUID unchanged', () => {
    expect(pipe.transform(UUID, param('id'))).toBe(UUID);
  });

  it('should lower-case an upper-case or mixed-case UUID', () => {
    expect(pipe.transform(UUID.toUpperCase(), param('id'))).toBe(UUID);
    expect(pipe.transform('3C90c3cc-0D44-4b50-8888-8DD25736052A', param('id'))).toBe(UUID);
  });

  it('should accept a UUID of any version', () => {
    expect(pipe.transform('00000000-0000-0000-0000-000000000000', param('id'))).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
  });

  it('should name the parameter when the value is not a UUID', () => {
    const error = rejection('not-a-uuid', param('projectId'));
    expect(error.getStatus()).toBe(400);
    expect(error.message).toBe('projectId must be a UUID');
  });

  it('should call the parameter id when it has no name', () => {
    expect(rejection('nope', param()).message).toBe('id must be a UUID');
  });

  it.each([
    ['one character short', UUID.slice(1)],
    ['one character long', `${UUID}0`],
    ['a non-hex digit', `g${UUID.slice(1)}`],
    ['no hyphens', UUID.replace(/-/g, '')],
    ['hyphens in the wrong places', '3c90c3cc0-d44-4b50-8888-8dd25736052a'],
    ['braces', `{${UUID}}`],
    ['surrounding spaces', ` ${UUID} `],
    ['a trailing newline', `${UUID}\n`],
    ['an empty string', ''],
  ])('should reject a value with %s', (_name, value) => {
    expect(rejection(value, param('tokenId')).message).toBe('tokenId must be a UUID');
  });

  it.each([undefined, null, 42, [UUID], { id: UUID }])(
    'should reject the non-string %p',
    (value) => {
      expect(rejection(value, param('userId')).message).toBe('userId must be a UUID');
    },
  );
});
