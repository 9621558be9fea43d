import type {
  HeaderObject,
  MediaTypeObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STATUS_TEXT } from '../http/status-text';

/*
 * The rules every operation of the document follows, applied once to the whole document after
 * Nest has built it: a module's routes get them without declaring anything. Each rule is listed
 * in docs/EXTENDING.md ("OpenAPI rules") and held by test/openapi.e2e-spec.ts.
 */

export const BEARER = 'bearer';
const ERROR_SCHEMA = { $ref: '#/components/schemas/ErrorResponseDto' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Schema = SchemaObject | ReferenceObject;
export type Operation = OperationObject & { responses: Record<string, ResponseObject> };
export interface LocatedOperation {
  method: (typeof METHODS)[number];
  path: string;
  operation: Operation;
}

export function operationsOf(document: OpenAPIObject): LocatedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({
      method,
      path,
      operation: item[method] as Operation,
    })),
  );
}

/** The response headers, declared once under components.headers. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      "The request's id, also in the service's log line for it: the caller's own X-Request-Id when it looks like one, else a new UUID",
    required: true,
    schema: { type: 'string' },
  },
  'WWW-Authenticate': {
    description:
      'The bearer challenge: `Bearer realm="api"`, with `error="invalid_token"` and an `error_description` when a token was presented: when it expired, if that is why; else one description for every other refusal',
    required: true,
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds until the address may try again',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  'X-Token-Expires-At': {
    description:
      'When the token used for the call expires (ISO 8601, UTC); absent when it never does',
    required: false,
    schema: { type: 'string', format: 'date-time' },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this is the remembered answer to an earlier request with the same Idempotency-Key',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
} satisfies Record<string, HeaderObject>;

/** The gateway check's 401 for a blocked address (it answers no 429): Retry-After when blocked. */
const RETRY_AFTER_WHEN_BLOCKED: HeaderObject = {
  description:
    'Seconds until the address may try again, when it is blocked after failed authentications',
  required: false,
  schema: { type: 'integer', minimum: 0 },
};

type HeaderName = keyof typeof RESPONSE_HEADERS;
const headerRef = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });

interface StandardAnswer {
  description: string;
  /** The answer's message, shown as its example. */
  message?: string;
}

/** Answers the service can give on any /api operation, whatever the route declares. */
const SERVER_ANSWERS: Record<string, StandardAnswer> = {
  '500': {
    description:
      'An unexpected failure; it is logged with the request id, and the body reveals nothing of it',
  },
  '503': { description: 'The database is unavailable; try again shortly' },
};

/**
 * Answers to a request body, sent before the route's own code runs. Any POST, PUT, PATCH or
 * DELETE may carry one, whether the operation reads it or not: Fastify parses what is sent.
 */
const BODY_ANSWERS: Record<string, StandardAnswer> = {
  '400': {
    description: 'The request body is not valid JSON, or not a JSON object',
    message: 'The request body is not valid JSON',
  },
  '413': {
    description:
      'The request body is larger than the server accepts (BODY_LIMIT_BYTES, 1 MiB by default)',
  },
  '415': {
    description: 'The request body is not JSON: send `Content-Type: application/json`',
    message: 'Unsupported Media Type',
  },
};
const BODY_METHODS = new Set<string>(['post', 'put', 'patch', 'delete']);

/** Answered by the router when a path parameter is longer than its limit (100 characters). */
const LONG_PARAMETER: StandardAnswer = {
  description: 'A path parameter is longer than 100 characters',
  message: 'A path parameter is too long',
};

/** Any accepted token may be refused by its own address restriction. */
const OUTSIDE_ALLOWED_IPS: StandardAnswer = {
  description: 'The token is used from an address outside its allowedIps',
  message: 'This token may not be used from this address',
};

/** Error answers whose wording is fixed, used as their example. */
const FIXED_MESSAGES: Record<string, string> = {
  '401': 'A valid bearer token is required',
  '429': 'Too many failed authentications from this address; try again later',
  '500': 'Internal server error',
  '503': 'The database is unavailable; try again shortly',
};

/** Applies every rule below to a document Nest has just built. */
export function applyConventions(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.headers = { ...document.components.headers, ...RESPONSE_HEADERS };
  for (const located of operationsOf(document)) {
    // A decorator on a controller shares one response object between its operations: each
    // operation gets its own, since examples and headers below differ per operation.
    located.operation.responses = structuredClone(located.operation.responses);
    declareSecurity(located.operation);
    if (located.path.startsWith('/api/')) {
      addStandardAnswers(located);
    }
    declareHeaders(located.operation);
  }
  forEachSchema(document, (schema, name) => {
    // A generator reads `default` as "always present in the answer" and types the field as
    // required; and a partial update applies no default at all. Defaults are said in words.
    delete schema.default;
    if (name?.endsWith('At') && schema.type === 'string' && schema.format === undefined) {
      schema.format = 'date-time';
    }
  });
  closeRequestBodies(document);
  exemplifyErrors(document);
}

/** One requirement per operation; `security: []` where no token is needed. */
function declareSecurity(operation: Operation): void {
  const schemes = new Set((operation.security ?? []).flatMap((entry) => Object.keys(entry)));
  operation.security = [...schemes].map((scheme) => ({ [scheme]: [] }));
}

const isAuthenticated = (operation: Operation) => (operation.security ?? []).length > 0;

/** The message each automatically added answer shows as its example, by the response object. */
const standardMessages = new WeakMap<ResponseObject, string>();

function addStandardAnswers({ method, operation }: LocatedOperation): void {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const answers: Record<string, StandardAnswer> = {
    ...SERVER_ANSWERS,
    ...(BODY_METHODS.has(method) ? BODY_ANSWERS : {}),
    ...(parameters.some((parameter) => parameter.in === 'path') ? { '414': LONG_PARAMETER } : {}),
    ...(isAuthenticated(operation) ? { '403': OUTSIDE_ALLOWED_IPS } : {}),
  };
  for (const [status, { description, message }] of Object.entries(answers)) {
    const declared = operation.responses[status];
    if (declared) {
      // The route's own reasons come first; a reason it does not name is added to them.
      if (status === '403' && !/allowedIps/.test(declared.description)) {
        declared.description = `${declared.description}; or ${lowerFirst(description)}`;
      }
      continue;
    }
    const response: ResponseObject = {
      description,
      content: { 'application/json': { schema: ERROR_SCHEMA } },
    };
    if (message) {
      standardMessages.set(response, message);
    }
    operation.responses[status] = response;
  }
}

const lowerFirst = (text: string) => `${text[0].toLowerCase()}${text.slice(1)}`;

/**
 * X-Request-Id on every answer; WWW-Authenticate on 401 (with Retry-After where a blocked address
 * answers 401, not 429); Retry-After on 429; X-Token-Expires-At on every answer to an accepted
 * token; Idempotent-Replayed on the success of an operation that takes an Idempotency-Key.
 */
function declareHeaders(operation: Operation): void {
  const idempotent = ((operation.parameters ?? []) as ParameterObject[]).some(
    (parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key',
  );
  for (const [status, response] of Object.entries(operation.responses)) {
    const headers: Record<string, ReturnType<typeof headerRef> | HeaderObject> = {
      'X-Request-Id': headerRef('X-Request-Id'),
    };
    if (status === '401') {
      headers['WWW-Authenticate'] = headerRef('WWW-Authenticate');
      if (isAuthenticated(operation) && !operation.responses['429']) {
        headers['Retry-After'] = RETRY_AFTER_WHEN_BLOCKED;
      }
    } else if (status === '429') {
      headers['Retry-After'] = headerRef('Retry-After');
    } else if (isAuthenticated(operation)) {
      headers['X-Token-Expires-At'] = headerRef('X-Token-Expires-At');
    }
    if (idempotent && /^2\d\d$/.test(status)) {
      headers['Idempotent-Replayed'] = headerRef('Idempotent-Replayed');
    }
    response.headers = { ...response.headers, ...headers };
  }
}

/** Every schema object of the document (components, parameters, bodies, answers), with its property name. */
export function forEachSchema(
  document: OpenAPIObject,
  visit: (schema: SchemaObject, propertyName?: string) => void,
): void {
  const seen = new Set<SchemaObject>();
  const walk = (schema: Schema | undefined, propertyName?: string) => {
    if (!schema || '$ref' in schema || seen.has(schema)) {
      return;
    }
    seen.add(schema);
    visit(schema, propertyName);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      walk(property, name);
    }
    walk(schema.items, propertyName);
    if (typeof schema.additionalProperties === 'object') {
      walk(schema.additionalProperties);
    }
    for (const member of [
      ...(schema.allOf ?? []),
      ...(schema.oneOf ?? []),
      ...(schema.anyOf ?? []),
    ]) {
      walk(member, propertyName);
    }
  };
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    walk(schema);
  }
  for (const { operation } of operationsOf(document)) {
    for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
      walk(parameter.schema, parameter.name);
    }
    for (const media of mediaTypesOf(operation)) {
      walk(media.schema);
    }
  }
}

function mediaTypesOf(operation: Operation): MediaTypeObject[] {
  const body = operation.requestBody as { content?: Record<string, MediaTypeObject> } | undefined;
  return [
    ...Object.values(body?.content ?? {}),
    ...Object.values(operation.responses).flatMap((response) =>
      Object.values(response.content ?? {}),
    ),
  ];
}

/** The schema a reference points at (a component), or the schema itself. */
export function resolveSchema(document: OpenAPIObject, schema: Schema): SchemaObject {
  if ('$ref' in schema) {
    const target = document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
    if (!target) {
      throw new Error(`unresolved ${schema.$ref}`);
    }
    return resolveSchema(document, target);
  }
  return schema;
}

/** Request bodies refuse unknown fields (the ValidationPipe's forbidNonWhitelisted): say so. */
function closeRequestBodies(document: OpenAPIObject): void {
  const closed = new Set<SchemaObject>();
  const close = (schema: Schema | undefined) => {
    if (!schema) {
      return;
    }
    const target = resolveSchema(document, schema);
    if (closed.has(target)) {
      return;
    }
    closed.add(target);
    if (target.type === 'object' || target.properties) {
      target.additionalProperties ??= false;
    }
    Object.values(target.properties ?? {}).forEach(close);
    close(target.items);
    [...(target.allOf ?? []), ...(target.oneOf ?? []), ...(target.anyOf ?? [])].forEach(close);
  };
  for (const { operation } of operationsOf(document)) {
    const body = operation.requestBody as { content?: Record<string, MediaTypeObject> } | undefined;
    Object.values(body?.content ?? {}).forEach((media) => close(media.schema));
  }
}

/**
 * Each error answer's example shows its own status (the error body's schema can carry only one):
 * a 400 names a field of its own operation; the others show their fixed wording or description.
 */
function exemplifyErrors(document: OpenAPIObject): void {
  for (const { operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const json = response.content?.['application/json'];
      if (Number(status) < 400 || json?.schema === undefined || !('$ref' in json.schema)) {
        continue;
      }
      if (json.schema.$ref !== ERROR_SCHEMA.$ref) {
        continue;
      }
      const message =
        status === '400'
          ? invalidInputExample(document, operation)
          : (standardMessages.get(response) ?? FIXED_MESSAGES[status] ?? response.description);
      json.example = {
        statusCode: Number(status),
        message,
        error: STATUS_TEXT[Number(status)] ?? 'Error',
      };
    }
  }
}

/** A 400 message about the operation's own input: its body's first field, else a parameter. */
function invalidInputExample(document: OpenAPIObject, operation: Operation): string[] {
  const body = (operation.requestBody as { content?: Record<string, MediaTypeObject> } | undefined)
    ?.content?.['application/json']?.schema;
  if (body) {
    const schema = resolveSchema(document, body);
    const required = schema.required ?? [];
    const fields = Object.entries(schema.properties ?? {}).sort(
      ([a], [b]) => Number(!required.includes(a)) - Number(!required.includes(b)),
    );
    if (fields.length > 0) {
      const [name, property] = fields[0];
      return [invalidMessage(name, resolveSchema(document, property), document)];
    }
  }
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const parameter =
    parameters.find((candidate) => candidate.in === 'path') ??
    parameters.find((candidate) => candidate.in === 'query');
  if (parameter?.schema) {
    return [invalidMessage(parameter.name, resolveSchema(document, parameter.schema), document)];
  }
  // No field and no parameter: only a body the operation does not read can be bad.
  return ['The request body is not valid JSON'];
}

/** class-validator's words for each type. */
const KIND: Record<string, string> = {
  string: 'a string',
  integer: 'an integer number',
  number: 'a number',
  boolean: 'a boolean value',
  array: 'an array',
};

/** What class-validator (or ParseUuidPipe, or IsIntegerBetween) answers for a bad value of this schema. */
function invalidMessage(name: string, schema: SchemaObject, document: OpenAPIObject): string {
  const single = schema.allOf?.length === 1 ? resolveSchema(document, schema.allOf[0]) : schema;
  if (single.enum) {
    return `${name} must be one of the following values: ${single.enum.join(', ')}`;
  }
  if (single.format === 'uuid') {
    return `${name} must be a UUID`;
  }
  if (single.format === 'email') {
    return `${name} must be an email`;
  }
  if (single.type === 'integer' && single.minimum !== undefined && single.maximum !== undefined) {
    return `${name} must be an integer between ${single.minimum} and ${single.maximum}`;
  }
  if (single.type === 'string' && single.maxLength !== undefined) {
    return `${name} must be shorter than or equal to ${single.maxLength} characters`;
  }
  return `${name} must be ${KIND[single.type ?? 'object'] ?? 'an object'}`;
}
