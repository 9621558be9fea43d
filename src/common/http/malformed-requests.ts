import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyBaseLogger } from 'fastify';
import { redactPath } from '../redaction';
import { STATUS_TEXT } from './status-text';

/** What Node's HTTP parser refused, as a client can act on it. */
const REFUSALS: Record<string, { statusCode: number; message: string }> = {
  HPE_INVALID_URL: {
    statusCode: 400,
    message:
      'The URL holds a character that must be percent-encoded: encode every byte outside printable ASCII (UTF-8, e.g. é as %C3%A9), and spaces',
  },
  HPE_INVALID_HEADER_TOKEN: {
    statusCode: 400,
    message: 'A request header has a malformed name or value (a control character, say)',
  },
  HPE_HEADER_OVERFLOW: { statusCode: 431, message: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { statusCode: 408, message: 'The request took too long to arrive' },
  ERR_HTTP_HEADERS_TIMEOUT: {
    statusCode: 408,
    message: 'The request headers took too long to arrive',
  },
};
const NOT_HTTP = { statusCode: 400, message: 'The request is not well-formed HTTP/1.1' };

/** `GET /path` of the request line, for the log (never the query string, a secret redacted). */
function requestLine(raw: unknown): { method?: string; path?: string } {
  const text = Buffer.isBuffer(raw) ? raw.subarray(0, 8192).toString('latin1') : '';
  const match = /^([A-Z]{1,20}) (\S+)/.exec(text);
  return match ? { method: match[1], path: redactPath(match[2].split('?')[0]) } : {};
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: a raw non-ASCII byte in the
 * URL, a control character in a header, headers too large or too slow. Fastify would answer a bare
 * `{"message":"Client Error"}` with no request id and no log line. This answers them like every
 * other refusal: the error body saying what to fix, X-Request-Id, the security headers, and a
 * `request refused` log line. The connection is closed after it, as HTTP requires.
 */
export function malformedRequestHandler(
  securityHeaders: Record<string, string>,
  log: () => FastifyBaseLogger,
): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) {
      return;
    }
    const { statusCode, message } = REFUSALS[error.code ?? ''] ?? NOT_HTTP;
    const requestId = randomUUID();
    log().warn(
      { requestId, ...requestLine(error.rawPacket), status: statusCode, reason: error.code },
      'request refused',
    );
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ statusCode, message, error: STATUS_TEXT[statusCode] });
    const headers = {
      ...securityHeaders,
      'X-Request-Id': requestId,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.end(`HTTP/1.1 ${statusCode} ${STATUS_TEXT[statusCode]}\r\n${head.join('')}\r\n${body}`);
  };
}
