import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

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

/**
 * A plain node:http client: unlike supertest it sends the path exactly as given (broken
 * percent-encodings, dot segments, junk query strings) and any header value node allows.
 */
export class RawHttpClient {
  /** A connection per request: an answer that closes its connection cannot upset the next. */
  private readonly agent = new Agent({ keepAlive: false });

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** Makes a listening TestApp reachable: it listens on a free port of 127.0.0.1. */
  static async forApp(app: NestFastifyApplication): Promise<RawHttpClient> {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    return new RawHttpClient('127.0.0.1', address.port);
  }

  static forUrl(url: string): RawHttpClient {
    const parsed = new URL(url);
    return new RawHttpClient(parsed.hostname, Number(parsed.port));
  }

  send(spec: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[] | number> = { ...spec.headers };
      if (spec.body !== undefined) {
        headers['content-length'] = Buffer.byteLength(spec.body);
      }
      const outgoing = request(
        {
          host: this.host,
          port: this.port,
          method: spec.method,
          path: spec.path,
          headers,
          agent: this.agent,
          timeout: 15_000,
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
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${spec.method} timed out`)));
      outgoing.on('error', reject);
      outgoing.end(spec.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
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
