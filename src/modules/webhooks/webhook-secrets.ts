import { Injectable } from '@nestjs/common';
import { SecretHasher } from '../auth';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { SecretBox } from './secret-box';

/** Seals and opens endpoints' signing secrets under a key derived from the token pepper. */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox;

  constructor(hasher: SecretHasher) {
    this.box = new SecretBox(hasher.deriveKey('webhook-signing-secrets'));
  }

  seal(secret: string, endpointId: string): string {
    return this.box.seal(secret, endpointId);
  }

  /** The secret, or null when it cannot be opened (the pepper changed since it was sealed). */
  open(endpoint: Pick<WebhookEndpoint, 'id' | 'sealedSecret'>): string | null {
    try {
      return this.box.open(endpoint.sealedSecret, endpoint.id);
    } catch {
      return null;
    }
  }
}
