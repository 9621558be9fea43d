import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { MAX_INPUT_DEPTH, RejectUnsafeInputPipe } from './reject-unsafe-input.pipe';

describe('RejectUnsafeInputPipe', () => {
  const pipe = new RejectUnsafeInputPipe();
  const body: ArgumentMetadata = { type: 'body' };
  const refusal = (value: unknown, metadata: ArgumentMetadata = body) => {
    try {
      pipe.transform(value, metadata);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).message;
    }
    return null;
  };

  it('should pass ordinary input through unchanged', () => {
    const value = { note: 'Deploy', permissions: ['owner'], projects: [], allProjects: true };
    expect(pipe.transform(value, body)).toBe(value);
    expect(refusal({ nested: { list: [1, 'two', null, { three: 3 }] } })).toBeNull();
  });

  it('should name the field that holds a NUL character, never its value', () => {
    expect(refusal({ note: 'a\u0000secret' })).toBe('note must not contain NUL characters');
    expect(refusal({ projects: ['ok', 'x\u0000'] })).toBe(
      'projects[1] must not contain NUL characters',
    );
    expect(refusal({ search: '\u0000' }, { type: 'query' })).toBe(
      'search must not contain NUL characters',
    );
    expect(refusal('\u0000', { type: 'param', data: 'patId' })).toBe(
      'patId must not contain NUL characters',
    );
    expect(refusal('\u0000')).toBe('body must not contain NUL characters');
  });

  it('should refuse an unpaired surrogate in any string, naming the field', () => {
    expect(refusal({ note: 'x\ud800' })).toBe(
      'note must be valid Unicode text (it holds an unpaired surrogate)',
    );
    expect(refusal({ firstName: '\udc00x' })).toMatch(/^firstName must be valid Unicode/);
    expect(refusal({ projects: ['ok', 'a\udbffb'] })).toMatch(/^projects\[1\] must be valid/);
    expect(refusal({ search: '\ud83d' }, { type: 'query' })).toMatch(/^search must be valid/);
  });

  it('should refuse a field name with an unpaired surrogate or NUL', () => {
    expect(refusal({ 'x\ud800': 1 })).toBe(
      'A field name must be valid Unicode text (it holds an unpaired surrogate)',
    );
    expect(refusal({ nested: { 'a\u0000': 1 } })).toBe(
      'A field name must not contain NUL characters',
    );
  });

  it('should refuse a body that is not a JSON object with one message, where a DTO reads it', () => {
    class SomeDto {}
    const dto: ArgumentMetadata = { type: 'body', metatype: SomeDto };
    for (const value of [[], null, 'text', 5, true, [{ note: 'x' }]]) {
      expect({ value, refusal: refusal(value, dto) }).toEqual({
        value,
        refusal: 'The request body must be a JSON object',
      });
    }
    expect(refusal({ note: 'x' }, dto)).toBeNull();
    // No body at all is for the validation to judge (an optional body, or missing fields).
    expect(refusal(undefined, dto)).toBeNull();
    // A query object or a raw value is not a body DTO.
    expect(refusal([], { type: 'query', metatype: SomeDto })).toBeNull();
  });

  it('should accept text with paired surrogates (emoji) and other scripts', () => {
    expect(refusal({ note: 'Déploiement 🚀 データ', firstName: 'Zoë' })).toBeNull();
  });

  it(`should refuse nesting deeper than ${MAX_INPUT_DEPTH} levels without overflowing the stack`, () => {
    const deep = JSON.parse(`{"note":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as unknown;
    expect(refusal(deep)).toBe(`note${'[0]'.repeat(MAX_INPUT_DEPTH - 1)} is nested too deeply`);
    let shallow: unknown = 'leaf';
    for (let i = 0; i < MAX_INPUT_DEPTH; i++) {
      shallow = [shallow];
    }
    expect(refusal(shallow)).toBeNull();
    expect(refusal([shallow])).toBe(`${'[0]'.repeat(MAX_INPUT_DEPTH)} is nested too deeply`);
  });

  it('should leave the caller (a custom parameter decorator) alone', () => {
    const principal = { user: { email: 'a\u0000b' } };
    expect(pipe.transform(principal, { type: 'custom' })).toBe(principal);
  });
});
