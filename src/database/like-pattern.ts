/** A lower-cased `%…%` LIKE pattern for user input, with the wildcards in it escaped by `\`. */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
