import { TOKEN_PREFIX } from './tokens/token-secret';

const TOKEN_LIKE = new RegExp(`${TOKEN_PREFIX}_[0-9A-Za-z]*`, 'g');

/**
 * Replaces anything shaped like a token secret in text that leaves the service (an error message
 * that names an unknown field or echoes a path, say) by `opat_[redacted]`.
 */
export function redactTokenSecrets(text: string): string {
  return text.replace(TOKEN_LIKE, `${TOKEN_PREFIX}_[redacted]`);
}

/**
 * A request path fit for a log line: a secret a client put in it is redacted, percent-encoded
 * (`opat%5F…`) or not. A path that held one encoded is logged decoded, with the secret redacted.
 */
export function redactPath(path: string): string {
  const redacted = redactTokenSecrets(path);
  if (!path.includes('%')) {
    return redacted;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return redacted;
  }
  const decodedRedacted = redactTokenSecrets(decoded);
  return decodedRedacted === decoded ? redacted : decodedRedacted;
}
