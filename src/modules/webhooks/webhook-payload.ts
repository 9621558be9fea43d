import { redactTokenSecrets } from '../../common/redaction';
import { DomainEvent } from '../../common/events/domain-event';

/** The body of a webhook, as the Standard Webhooks specification shapes it. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    organisationId: string;
    actor: DomainEvent['actor'];
    targetType: string;
    targetId: string;
    details: Record<string, unknown>;
  };
}

/**
 * The exact bytes sent for an event. Events never carry a secret; anything shaped like a token
 * secret is still blanked here, so that no bug elsewhere can put one on the wire.
 */
export function webhookBody(event: DomainEvent, at: Date): string {
  const payload: WebhookPayload = {
    type: event.name,
    timestamp: at.toISOString(),
    data: {
      organisationId: event.organisationId,
      actor: event.actor,
      targetType: event.targetType,
      targetId: event.targetId,
      details: event.details,
    },
  };
  return redactTokenSecrets(JSON.stringify(payload));
}

/** Whether an endpoint that asked for `events` wants an event named `name`. */
export function subscribes(events: readonly string[], name: string): boolean {
  return events.includes('*') || events.includes(name);
}
