import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** No request of this API nests deeper than a few levels; junk may nest a hundred thousand. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Runs before the ValidationPipe on every body, query and path parameter, and refuses with 400
 * two kinds of input that no field accepts but that would otherwise end in a 500:
 *  - a NUL character in any string: PostgreSQL can neither store nor compare one, so the query
 *    fails (SQLite would store it: refusing it on both keeps the databases alike);
 *  - nesting deeper than MAX_INPUT_DEPTH: class-transformer recurses through it and overflows
 *    the stack.
 * The message names the field, never its value.
 */
@Injectable()
export class RejectUnsafeInputPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') {
      return value;
    }
    const problem = findProblem(value, metadata.data ?? '', metadata.type, 0);
    if (problem) {
      throw new BadRequestException(problem);
    }
    return value;
  }
}

function findProblem(value: unknown, field: string, root: string, depth: number): string | null {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? `${field || root} must not contain NUL characters` : null;
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
    const problem = findProblem(item, path, root, depth + 1);
    if (problem) {
      return problem;
    }
  }
  return null;
}
