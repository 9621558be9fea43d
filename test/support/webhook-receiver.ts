import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { eventually } from './spec-helpers';

/** One request the receiver got, checked with the Standard Webhooks reference library. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  /** True when `webhook-signature` verified under the endpoint's secret. */
  verified: boolean;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  headers: IncomingHttpHeaders;
  /** The status this receiver answered. */
  answered: number;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 that verifies every request's signature with the
 * specification's own library and answers what the test plans (`answerNext(500, 500)`), 204
 * otherwise. Requests with a bad signature are recorded as unverified and answered 401.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly planned: number[] = [];
  private secret: string | null = null;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const verified = receiver.verify(body, request.headers);
        const answered = verified ? (receiver.planned.shift() ?? 204) : 401;
        receiver.received.push({
          id: String(request.headers['webhook-id']),
          timestamp: String(request.headers['webhook-timestamp']),
          verified,
          body,
          payload: JSON.parse(body) as ReceivedWebhook['payload'],
          headers: request.headers,
          answered,
          receivedAt: Date.now(),
        });
        response.statusCode = answered;
        response.end(answered >= 300 ? `planned failure ${answered}` : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** The endpoint's secret, as the service answered it on creation. */
  useSecret(secret: string): void {
    this.secret = secret;
  }

  /** The next verified requests get these statuses, in order. */
  answerNext(...statuses: number[]): void {
    this.planned.push(...statuses);
  }

  private verify(body: string, headers: IncomingHttpHeaders): boolean {
    if (!this.secret) {
      return false;
    }
    try {
      new Webhook(this.secret).verify(body, {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
      });
      return true;
    } catch {
      return false;
    }
  }

  /** The requests received so far that match, once there are at least `count` (or the timeout). */
  async waitFor(
    match: (webhook: ReceivedWebhook) => boolean,
    count = 1,
    timeoutMs = 10_000,
  ): Promise<ReceivedWebhook[]> {
    return eventually(
      () => this.received.filter(match),
      (found) => found.length >= count,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
