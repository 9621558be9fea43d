import { ApiProperty } from '@nestjs/swagger';

/*
 * The OpenAPI side of the fields many answers have, one decorator per meaning. The description
 * of each field is its doc comment (the Swagger plugin reads it).
 */

const UUID_EXAMPLE = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const TIMESTAMP_EXAMPLE = '2026-11-27T20:00:00.000Z';

/**
 * A uuid: the id of what is answered, or of what it refers to. `exemplified` shows a sample id in
 * the document; `nullable` when there may be none.
 */
export const ApiUuidProperty = ({ exemplified = false, nullable = false } = {}) =>
  ApiProperty({
    ...(nullable ? { type: String, nullable } : {}),
    format: 'uuid',
    ...(exemplified ? { example: UUID_EXAMPLE } : {}),
  });

/** An instant, answered as ISO 8601 text in UTC (`2026-11-27T20:00:00.000Z`). */
export const ApiTimestampProperty = () => ApiProperty({ example: TIMESTAMP_EXAMPLE });

/**
 * Text answered as null when there is none: an unset name, an instant that has not come (an
 * `…At` field is documented as a date-time), a missing reason. `example` is what the document
 * shows, null unless given.
 */
export const ApiNullableTextProperty = (example: string | null = null) =>
  ApiProperty({ type: String, nullable: true, example });

/** A whole number. */
export const ApiIntegerProperty = () => ApiProperty({ type: 'integer' });
