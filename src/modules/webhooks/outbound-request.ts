import { lookup } from 'node:dns/promises';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isPublicAddress } from './network-policy';

/** What an attempt answered: kept with the delivery, shown to admins. */
export interface AttemptOutcome {
  /** The receiver's status; null when it did not answer (refused, unreachable, timed out). */
  statusCode: number | null;
  durationMs: number;
  /** The first bytes of the answer, as text. */
  excerpt: string | null;
  /** Why there was no answer, or why it was refused before sending. */
  error: string | null;
}

export interface OutboundOptions {
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

/** At most this much of an answer is read and kept. */
export const EXCERPT_BYTES = 1024;
const USER_AGENT = 'pat-service-webhooks/1';

/**
 * POSTs one webhook. The host is resolved first and every address it resolves to is checked
 * (a name that points at 127.0.0.1 is refused like the literal), then the connection goes to the
 * address that was checked, never to a second lookup's answer (DNS rebinding). Redirects are not
 * followed: a 3xx is an answer like any other non-2xx. One timeout bounds the whole attempt.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: OutboundOptions,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = new URL(url);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let address: { address: string; family: number };
  try {
    address = await checkedAddress(target.hostname, options.allowPrivateNetworks, deadline);
  } catch (error) {
    return { statusCode: null, durationMs: elapsed(), excerpt: null, error: reason(error) };
  }
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        address,
      ]);
    } else {
      callback(null, address.address, address.family);
    }
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (!settled) {
        settled = true;
        deadline.removeEventListener('abort', onTimeout);
        resolve({ ...outcome, durationMs: elapsed() });
      }
    };
    const outgoing = send(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: pinned,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body).toString(),
          'user-agent': USER_AGENT,
        },
      },
      (incoming: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
          finish({ statusCode: incoming.statusCode ?? null, excerpt, error: null });
          incoming.destroy();
        };
        incoming.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          kept += chunk.length;
          if (kept >= EXCERPT_BYTES) {
            // Enough to show: the rest of a large answer is not waited for.
            done();
          }
        });
        incoming.on('end', done);
        incoming.on('error', done);
      },
    );
    const onTimeout = () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    deadline.addEventListener('abort', onTimeout, { once: true });
    outgoing.on('error', (error) =>
      finish({ statusCode: null, excerpt: null, error: reason(error) }),
    );
    outgoing.end(body);
  });
}

async function checkedAddress(
  hostname: string,
  allowPrivate: boolean,
  deadline: AbortSignal,
): Promise<{ address: string; family: number }> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  const addresses = family
    ? [{ address: host, family }]
    : await Promise.race([
        lookup(host, { all: true, verbatim: true }),
        new Promise<never>((_resolve, reject) =>
          deadline.addEventListener(
            'abort',
            () => reject(new Error(`cannot resolve ${host} in time`)),
            {
              once: true,
            },
          ),
        ),
      ]);
  if (addresses.length === 0) {
    throw new Error(`${host} resolves to no address`);
  }
  if (!allowPrivate) {
    const refused = addresses.find((candidate) => !isPublicAddress(candidate.address));
    if (refused) {
      throw new Error(
        `refused: ${host} resolves to ${refused.address}, a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE_NETWORKS is false)`,
      );
    }
  }
  return addresses[0];
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 300);
}
