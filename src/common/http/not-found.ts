import { NotFoundException } from '@nestjs/common';

/** What was looked up, or a 404 with `message` when nothing was found. */
export function orNotFound<T>(found: T | null | undefined, message: string): T {
  if (found === null || found === undefined) {
    throw new NotFoundException(message);
  }
  return found;
}
