import { TOKEN_PREFIX } from './tokens/token-secret';

const TOKEN_LIKE = new RegExp(`${TOKEN_PREFIX}_[0-9A-Za-z]*`, 'g');

/**
 * Replaces anything shaped like a token secret in text that leaves the service (an error message
 * that names an unknown field or echoes a path, say) by `opat_[redacted]`.
 */
export function redactTokenSecrets(text: string): string {
  return text.replace(TOKEN_LIKE, `${TOKEN_PREFIX}_[redacted]`);
}
