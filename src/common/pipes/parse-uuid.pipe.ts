import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates a path parameter as a UUID, naming the parameter when it is not one, and lower-cases
 * it: SQLite compares ids as text, PostgreSQL as uuid, and both must find the same row.
 */
@Injectable()
export class ParseUuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new BadRequestException(`${metadata.data ?? 'id'} must be a UUID`);
    }
    return value.toLowerCase();
  }
}
