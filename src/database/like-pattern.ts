import { Brackets } from 'typeorm';

/** A lower-cased `%…%` LIKE pattern for user input, with the wildcards in it escaped by `\`. */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * A condition: `search` is in any of `columns` (query-builder names, `user.email`), ignoring case,
 * its `%`, `_` and `\` taken literally.
 */
export function containsText(columns: readonly string[], search: string): Brackets {
  const pattern = likePattern(search);
  return new Brackets((where) => {
    for (const [index, column] of columns.entries()) {
      const condition = `LOWER(${column}) LIKE :pattern ESCAPE '\\'`;
      if (index === 0) {
        where.where(condition, { pattern });
      } else {
        where.orWhere(condition, { pattern });
      }
    }
  });
}
