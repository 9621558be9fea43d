import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** No request of this API nests deeper than a few levels; junk may nest a hundred thousand. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Runs before the ValidationPipe on every body, query and path parameter, and refuses with 400
 * kinds of input that no field accepts but that would otherwise end in a 500 or a lost write:
 *  - a NUL character in any string: PostgreSQL can neither store nor compare one, so the query
 *    fails (SQLite would store it: refusing it on both keeps the databases alike);
 *  - an unpaired UTF-16 surrogate (`"\ud800"` in JSON) in any string or field name: it has no
 *    UTF-8 form, so PostgreSQL refuses it in text and in jsonb (the audit entry's details), and
 *    SQLite would store a replacement character instead of what was sent;
 *  - nesting deeper than MAX_INPUT_DEPTH: class-transformer recurses through it and overflows
 *    the stack;
 *  - a body that is not a JSON object (`[]`, `null`, a string) where the route reads one: one
 *    message saying so, rather than one per field the validation finds missing.
 * The message names the field, never its value.
 */
@Injectable()
export class RejectUnsafeInputPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') {
      return value;
    }
    if (metadata.type === 'body' && isBodyClass(metadata.metatype) && !isObjectOrAbsent(value)) {
      throw new BadRequestException('The request body must be a JSON object');
    }
    const problem = findProblem(value, metadata.data ?? '', metadata.type, 0);
    if (problem) {
      throw new BadRequestException(problem);
    }
    return value;
  }
}

/** A DTO class the whole body is read into (not a primitive, not a raw body). */
const isBodyClass = (metatype: ArgumentMetadata['metatype']) =>
  typeof metatype === 'function' &&
  ![Object, String, Number, Boolean, Array].includes(metatype as never);

/** No body at all is left to the validation (an optional body, or fields it names as missing). */
const isObjectOrAbsent = (value: unknown) =>
  value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));

/** A surrogate standing alone: in a `u` expression a valid pair is one code point, not two. */
const LONE_SURROGATE = /\p{Cs}/u;

function textProblem(text: string, field: string): string | null {
  if (text.includes('\u0000')) {
    return `${field} must not contain NUL characters`;
  }
  if (LONE_SURROGATE.test(text)) {
    return `${field} must be valid Unicode text (it holds an unpaired surrogate)`;
  }
  return null;
}

function findProblem(value: unknown, field: string, root: string, depth: number): string | null {
  if (typeof value === 'string') {
    return textProblem(value, field || root);
  }
  if (value === null || typeof value !== 'object') {
    return null;
  }
  if (depth >= MAX_INPUT_DEPTH) {
    return `${field || root} is nested too deeply`;
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [`${field}[${index}]`, item])
    : Object.entries(value).map(([key, item]) => [field ? `${field}.${key}` : key, item]);
  for (const [path, item] of entries) {
    const problem =
      (Array.isArray(value) ? null : textProblem(path, 'A field name')) ??
      findProblem(item, path, root, depth + 1);
    if (problem) {
      return problem;
    }
  }
  return null;
}
