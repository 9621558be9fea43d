import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { expectDocumented } from './openapi-contract';

/*
 * HTTP over plain node:http, for what supertest does not do: a server in another process (the
 * built server), a path sent exactly as given, a connection kept alive or not. `send` speaks JSON
 * with a bearer token; `RawHttpClient` sends any bytes (junk input). Both go through `sendRaw`,
 * and check each answer against openapi.json (openapi-contract.ts).
 */

export interface RawRequest {
  method: string;
  /** Sent as is on the request line: path and query string, nothing re-encoded or normalised. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface Connection {
  /** Default: a new connection per request, closed after it. */
  agent?: Agent | false;
  /** Default: 10 s. */
  timeoutMs?: number;
}

/** One request to the host and port of `baseUrl`; fails on a connection error or after the timeout. */
export function sendRaw(
  baseUrl: string,
  spec: RawRequest,
  connection: Connection = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string | string[] | number> = { ...spec.headers };
  if (spec.body !== undefined) {
    headers['content-length'] = Buffer.byteLength(spec.body);
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port,
        method: spec.method,
        path: spec.path,
        headers,
        agent: connection.agent ?? false,
        timeout: connection.timeoutMs ?? 10_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${spec.method} ${spec.path} timed out`)),
    );
    outgoing.on('error', reject);
    outgoing.end(spec.body);
  });
}

export interface Reply extends RawResponse {
  /** The answer parsed as JSON; its text when it is not JSON; null when empty. */
  body: unknown;
}

export interface RequestOptions extends Connection {
  method?: string;
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One JSON request to `baseUrl` (the server of another process, say), as the bearer of `token`. */
export async function send(
  baseUrl: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const method = options.method ?? 'GET';
  const response = await sendRaw(
    baseUrl,
    { method, path, headers, body: payload },
    { agent: options.agent, timeoutMs: options.timeoutMs },
  );
  expectDocumented({ method, url: path, ...response });
  let body: unknown = response.text;
  try {
    body = response.text ? JSON.parse(response.text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { ...response, body };
}

/** Like expect(response.status).toBe(status), but shows the body when it fails (supertest's too). */
export function expectStatus(response: { status: number; text: string }, status: number): void {
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${response.text}`);
  }
}

/**
 * Raw requests to one server: unlike supertest it sends the path exactly as given (broken
 * percent-encodings, dot segments, junk query strings) and any header value node allows.
 */
export class RawHttpClient {
  /** A connection per request: an answer that closes its connection cannot upset the next. */
  private readonly agent = new Agent({ keepAlive: false });

  constructor(readonly baseUrl: string) {}

  /** Makes a TestApp's application reachable: it listens on a free port of 127.0.0.1. */
  static async forApp(app: NestFastifyApplication): Promise<RawHttpClient> {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    return new RawHttpClient(`http://127.0.0.1:${address.port}`);
  }

  async send(spec: RawRequest): Promise<RawResponse> {
    const response = await sendRaw(this.baseUrl, spec, { agent: this.agent, timeoutMs: 15_000 });
    if (isWellFormedHttp(spec)) {
      expectDocumented({ method: spec.method, url: spec.path, ...response });
    }
    return response;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Node's limit on the request line and headers together (--max-http-header-size). */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Whether Node's HTTP parser reads the request at all: a request line of printable ASCII, header
 * values without control characters, 16 KiB of them at most. One that is not reaches no operation
 * of openapi.json: it is refused before routing (src/common/http/malformed-requests.ts).
 */
export function isWellFormedHttp(spec: RawRequest): boolean {
  const headers = Object.entries(spec.headers ?? {}).flatMap(([name, value]) =>
    [value].flat().map((one) => `${name}: ${one}`),
  );
  const head = [`${spec.method} ${spec.path} HTTP/1.1`, ...headers].join('\r\n');
  return (
    Buffer.byteLength(head, 'latin1') < MAX_HEADER_BYTES - 512 &&
    /^[\x21-\x7e]+$/.test(spec.path) &&
    headers.every((line) =>
      [...line].every((char) => char === '\t' || (char >= ' ' && char !== '\x7f')),
    )
  );
}

/**
 * Percent-encodes every byte of the UTF-8 form except RFC 3986's unreserved characters. Unlike
 * encodeURIComponent it never throws: a lone surrogate goes out as the bytes of U+FFFD.
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
