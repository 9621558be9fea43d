import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type request from 'supertest';

/*
 * Every answer the end-to-end suite receives, held against the committed openapi.json: the
 * operation must document the status, the body must match that answer's schema, every required
 * header it declares must be sent (and match its schema), and every header of the service's own
 * (X-…, WWW-Authenticate, Retry-After, …) must be declared for that answer. The test helpers
 * (TestApp.http(), TestApp.as(), send()) run it on each answer, so a mismatch fails the test that
 * made the request, saying what differs. Requests that reach no operation (an unknown route,
 * /docs) are not checked.
 */

const DOCUMENT_PATH = join(__dirname, '..', '..', 'openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

/** Headers of HTTP itself and of the security-header set every answer carries: never declared. */
const GENERIC_HEADERS = new Set([
  'connection',
  'keep-alive',
  'date',
  'content-type',
  'content-length',
  'transfer-encoding',
  'cache-control',
  'pragma',
  'expires',
  'vary',
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
]);

type Json = Record<string, unknown>;

interface Header {
  required?: boolean;
  schema?: Json;
}

interface Response {
  description?: string;
  headers?: Record<string, Header | { $ref: string }>;
  content?: Record<string, { schema?: Json }>;
}

interface Operation {
  operationId: string;
  responses: Record<string, Response>;
}

interface Route {
  method: Method;
  template: string;
  segments: string[];
  operation: Operation;
}

/** One answer as a client saw it. */
export interface Answer {
  method: string;
  /** The path and query string as sent (a full URL is accepted too). */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

class Contract {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    addFormats(this.ajv);
    // RFC 5321 allows a domain of one label (admin@localhost, the first admin's default).
    this.ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
    const components = (document.components ?? {}) as { schemas?: Record<string, Json> };
    this.ajv.addSchema({
      $id: 'openapi',
      definitions: Object.fromEntries(
        Object.entries(components.schemas ?? {}).map(([name, schema]) => [
          name,
          toJsonSchema(schema),
        ]),
      ),
    });
    const paths = document.paths as Record<string, Partial<Record<Method, Operation>>>;
    this.routes = Object.entries(paths).flatMap(([template, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method,
        template,
        segments: template.split('/'),
        operation: item[method]!,
      })),
    );
  }

  /** The operation Fastify routes this request to, as a static segment beats a parameter. */
  route(method: string, path: string): Route | undefined {
    const segments = path.split('/');
    const matching = this.routes.filter(
      (route) =>
        route.method === method.toLowerCase() &&
        route.segments.length === segments.length &&
        route.segments.every(
          (segment, index) =>
            segment === segments[index] || (isParameter(segment) && segments[index] !== ''),
        ),
    );
    const rank = (route: Route) => route.segments.map((segment) => (isParameter(segment) ? 1 : 0));
    return matching.sort((a, b) => compare(rank(a), rank(b)))[0];
  }

  /** What differs between the answer and the document; null when no operation serves it. */
  problems(answer: Answer): { route: Route; problems: string[] } | null {
    const { pathname } = new URL(answer.url, 'http://localhost');
    const route = this.route(answer.method, rawPath(answer.url) ?? pathname);
    if (!route) {
      return null;
    }
    const documented = route.operation.responses[String(answer.status)];
    if (!documented) {
      const statuses = Object.keys(route.operation.responses).join(', ');
      return {
        route,
        problems: [`the status ${answer.status} is not documented (documented: ${statuses})`],
      };
    }
    return {
      route,
      problems: [...this.headerProblems(answer, documented), ...this.bodyProblems(answer, route)],
    };
  }

  private headerProblems(answer: Answer, documented: Response): string[] {
    const problems: string[] = [];
    const declared = new Map(
      Object.entries(documented.headers ?? {}).map(([name, header]) => [
        name.toLowerCase(),
        { name, header: this.resolveHeader(header) },
      ]),
    );
    for (const [lowerName, { name, header }] of declared) {
      const value = answer.headers[lowerName];
      if (value === undefined) {
        if (header.required) {
          problems.push(`the header ${name} is required but was not sent`);
        }
        continue;
      }
      const text = Array.isArray(value) ? value.join(', ') : value;
      const schema = header.schema ?? {};
      const candidate = schema.type === 'integer' && /^\d+$/.test(text) ? Number(text) : text;
      const validate = this.compile(`header ${name}`, schema);
      if (!validate(candidate)) {
        problems.push(`the header ${name}: ${JSON.stringify(text)} ${describe(validate.errors)}`);
      }
    }
    for (const name of Object.keys(answer.headers)) {
      const lowerName = name.toLowerCase();
      if (!GENERIC_HEADERS.has(lowerName) && !declared.has(lowerName)) {
        problems.push(`the header ${name} was sent but is not declared for this answer`);
      }
    }
    return problems;
  }

  private bodyProblems(answer: Answer, route: Route): string[] {
    const documented = route.operation.responses[String(answer.status)];
    const json = documented.content?.['application/json'];
    if (!json?.schema) {
      return answer.text === '' ? [] : ['a body was sent, but none is documented for this answer'];
    }
    const contentType = String(answer.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/json')) {
      return [`the body is documented as application/json but was sent as "${contentType}"`];
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return ['the body is not JSON'];
    }
    const validate = this.compile(
      `${route.method} ${route.template} ${answer.status}`,
      toJsonSchema(json.schema),
    );
    return validate(body) ? [] : [`the body ${describe(validate.errors)}`];
  }

  private resolveHeader(header: Header | { $ref: string }): Header {
    if ('$ref' in header) {
      const name = header.$ref.replace('#/components/headers/', '');
      const headers = (this.document.components as { headers?: Record<string, Header> }).headers;
      return headers?.[name] ?? {};
    }
    return header;
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

const isParameter = (segment: string) => /^\{[^}]+\}$/.test(segment);

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < a.length; index++) {
    if (a[index] !== b[index]) {
      return a[index] - b[index];
    }
  }
  return 0;
}

/** The path exactly as sent, percent-encodings included (URL would normalise dot segments). */
function rawPath(url: string): string | undefined {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return path.startsWith('/') ? path.split('?')[0].split('#')[0] : undefined;
}

/**
 * An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes "or null", and references point
 * into the one schema that holds every component.
 */
function toJsonSchema(schema: unknown): Json {
  if (Array.isArray(schema)) {
    return schema.map(toJsonSchema) as unknown as Json;
  }
  if (schema === null || typeof schema !== 'object') {
    return schema as Json;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', 'openapi#/definitions/');
    } else if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(
        Object.entries(value as Json).map(([name, child]) => [name, toJsonSchema(child)]),
      );
    } else if (!['nullable', 'example', 'examples', 'discriminator', 'xml'].includes(key)) {
      out[key] = typeof value === 'object' ? toJsonSchema(value) : value;
    }
  }
  return (schema as Json).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((error) => {
      const where = error.instancePath || '(the whole value)';
      const extra =
        error.keyword === 'additionalProperties'
          ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})`
          : error.keyword === 'enum'
            ? ` (${JSON.stringify((error.params as { allowedValues: unknown }).allowedValues)})`
            : '';
      return `${where} ${error.message ?? error.keyword}${extra}`;
    })
    .join('; ');
}

let contract: Contract | undefined;

/** The committed document, read once per test file. */
function theContract(): Contract {
  contract ??= new Contract(JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as Json);
  return contract;
}

/** What differs between an answer and openapi.json (empty: it matches, or no operation serves it). */
export function contractProblems(answer: Answer): string[] {
  return theContract().problems(answer)?.problems ?? [];
}

/** Throws, saying what differs, when the answer is not what openapi.json documents. */
export function expectDocumented(answer: Answer): void {
  const found = theContract().problems(answer);
  if (!found || found.problems.length === 0) {
    return;
  }
  const { route, problems } = found;
  const path = new URL(answer.url, 'http://localhost').pathname;
  const body = answer.text.length > 500 ? `${answer.text.slice(0, 500)}…` : answer.text;
  throw new Error(
    [
      `${answer.method.toUpperCase()} ${path} answered ${answer.status}, which openapi.json does not ` +
        `document that way for ${route.operation.operationId} (${route.method.toUpperCase()} ${route.template}):`,
      ...problems.map((problem) => `  - ${problem}`),
      `  body: ${body}`,
      'Fix the service or the document (then `npm run openapi`), whichever is wrong.',
    ].join('\n'),
  );
}

/**
 * A supertest request whose answer is checked against openapi.json when it is awaited: the
 * await that gets an undocumented answer throws.
 */
export function checkedTest(test: request.Test): request.Test {
  const then = test.then.bind(test);
  const checked: typeof test.then = (onFulfilled, onRejected) =>
    then((response) => {
      expectDocumented({
        method: test.method,
        url: test.url,
        status: response.status,
        headers: response.headers,
        text: response.text ?? '',
      });
      return response;
    }).then(onFulfilled, onRejected);
  test.then = checked;
  return test;
}

type Agent = ReturnType<typeof request>;

/** Every request of `agent` checked (see checkedTest). */
export function checkedAgent(
  agent: Agent,
): Pick<Agent, 'get' | 'post' | 'put' | 'delete' | 'patch'> {
  return {
    get: (url: string) => checkedTest(agent.get(url)),
    post: (url: string) => checkedTest(agent.post(url)),
    put: (url: string) => checkedTest(agent.put(url)),
    delete: (url: string) => checkedTest(agent.delete(url)),
    patch: (url: string) => checkedTest(agent.patch(url)),
  };
}
