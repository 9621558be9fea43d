import { readFileSync } from 'node:fs';

/*
 * Reads a copy of one of the product's endpoint documentation pages (the text a browser shows,
 * one item a line: method, path, an example answer, then "Authorizations", "Path Parameters" and
 * "Response" sections of fields), so that a test can hold the OpenAPI document against it.
 */

/** One documented field: a header, a path parameter or a property of the answer. */
export interface DocumentedField {
  name: string;
  /** string, boolean, object, integer, number or enum */
  type: string;
  /** `uuid` for string<uuid>; for enum<string>, the type of the values (string) */
  format?: string;
  isArray: boolean;
  nullable: boolean;
  required: boolean;
  /** header, path or query, when the page says where the field goes */
  location?: string;
  description: string;
  /** The "Available options:" of an enum */
  options?: string[];
}

export interface DocumentedEndpoint {
  method: string;
  path: string;
  summary: string;
  /** The example answer the page shows next to the curl command */
  example: Record<string, unknown>;
  authorizations: DocumentedField[];
  pathParameters: DocumentedField[];
  response: {
    status: number;
    contentType: string;
    description: string;
    fields: DocumentedField[];
  };
}

const METHOD = /^(GET|POST|PUT|PATCH|DELETE)$/;
const PATH_SEGMENT = /^(\/|[\w.-]+|\{\w+\})$/;
const FIELD_NAME = /^[A-Za-z_]\w*$/;
const FIELD_TYPE =
  /^(?<base>string|boolean|object|integer|number|enum)(?:<(?<inner>[\w-]+)>)?(?<array>\[\])?(?<nullable> \| null)?$/;
const LOCATIONS = new Set(['header', 'path', 'query', 'cookie']);
const RESPONSE_STATUS = /^(?<status>\d{3}) - (?<contentType>\S+)$/;
const SECTIONS = new Set([
  'Authorizations',
  'Path Parameters',
  'Query Parameters',
  'Body',
  'Response',
]);

export function readDocumentedEndpoint(file: string): DocumentedEndpoint {
  return parseDocumentedEndpoint(readFileSync(file, 'utf8'));
}

export function parseDocumentedEndpoint(text: string): DocumentedEndpoint {
  const lines = text.split(/\r?\n/).map((line) => line.trimEnd());

  const methodAt = lines.findIndex((line) => METHOD.test(line));
  if (methodAt < 0) {
    throw new Error('documented page: no HTTP method');
  }
  let at = methodAt + 1;
  let path = '';
  while (at < lines.length && PATH_SEGMENT.test(lines[at])) {
    path += lines[at];
    at += 1;
  }
  const summary = lines[at];

  const exampleStart = lines.indexOf('{', at);
  const exampleEnd = lines.indexOf('}', exampleStart);
  if (exampleStart < 0 || exampleEnd < 0) {
    throw new Error('documented page: no example answer');
  }
  const example = JSON.parse(lines.slice(exampleStart, exampleEnd + 1).join('\n')) as Record<
    string,
    unknown
  >;

  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines.slice(exampleEnd + 1)) {
    if (SECTIONS.has(line)) {
      current = [];
      sections.set(line, current);
    } else {
      current?.push(line);
    }
  }

  const responseLines = sections.get('Response') ?? [];
  const statusAt = responseLines.findIndex((line) => RESPONSE_STATUS.test(line));
  if (statusAt < 0) {
    throw new Error('documented page: no response status');
  }
  const { status, contentType } = RESPONSE_STATUS.exec(responseLines[statusAt])!.groups!;
  const afterStatus = responseLines.slice(statusAt + 1);
  const firstField = afterStatus.findIndex((_line, index) => isFieldStart(afterStatus, index));
  const description = afterStatus
    .slice(0, firstField < 0 ? undefined : firstField)
    .find((line) => line.trim() !== '');

  return {
    method: lines[methodAt],
    path,
    summary,
    example,
    authorizations: parseFields(sections.get('Authorizations') ?? []),
    pathParameters: parseFields(sections.get('Path Parameters') ?? []),
    response: {
      status: Number(status),
      contentType,
      description: description ?? '',
      fields: parseFields(afterStatus),
    },
  };
}

function isFieldStart(lines: string[], index: number): boolean {
  return FIELD_NAME.test(lines[index]) && FIELD_TYPE.test(lines[index + 1] ?? '');
}

/** Fields: a name line, a type line, then optional location and `required`, then the prose. */
function parseFields(lines: string[]): DocumentedField[] {
  const fields: DocumentedField[] = [];
  let index = 0;
  while (index < lines.length) {
    if (!isFieldStart(lines, index)) {
      index += 1;
      continue;
    }
    const { base, inner, array, nullable } = FIELD_TYPE.exec(lines[index + 1])!.groups!;
    const field: DocumentedField = {
      name: lines[index],
      type: base,
      ...(inner ? { format: inner } : {}),
      isArray: array !== undefined,
      nullable: nullable !== undefined,
      required: false,
      description: '',
    };
    index += 2;
    if (LOCATIONS.has(lines[index])) {
      field.location = lines[index];
      index += 1;
    }
    if (lines[index] === 'required') {
      field.required = true;
      index += 1;
    }
    const prose: string[] = [];
    while (index < lines.length && !isFieldStart(lines, index)) {
      if (lines[index] === 'Available options:') {
        field.options = [];
        index += 1;
        // "a,", "b,", ..., "z": the list ends at the value without a comma.
        while (index < lines.length) {
          const value = lines[index].trim();
          index += 1;
          field.options.push(value.replace(/,$/, ''));
          if (!value.endsWith(',')) {
            break;
          }
        }
        continue;
      }
      if (lines[index].trim() !== '') {
        prose.push(lines[index].trim());
      }
      index += 1;
    }
    field.description = prose.join(' ');
    fields.push(field);
  }
  return fields;
}
