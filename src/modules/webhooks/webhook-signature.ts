import { createHmac, randomBytes } from 'node:crypto';

/*
 * The Standard Webhooks signing scheme (https://www.standardwebhooks.com): a secret `whsec_` +
 * base64 of random bytes; each request carries `webhook-id`, `webhook-timestamp` (Unix seconds)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body" under the secret's bytes>`,
 * so that any of the specification's libraries verifies it.
 */

export const SECRET_PREFIX = 'whsec_';
/** The specification asks for 24 to 64 bytes. */
const SECRET_BYTES = 32;

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The key bytes: the base64 part after the prefix, decoded. */
function keyOf(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new Error('Not a webhook signing secret');
  }
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three headers of one attempt; `body` is sent byte for byte as signed. */
export function signedHeaders(
  secret: string,
  messageId: string,
  body: string,
  at: Date,
): SignedHeaders {
  const timestamp = Math.floor(at.getTime() / 1000).toString();
  const signature = createHmac('sha256', keyOf(secret))
    .update(`${messageId}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
