import { WebhookDeliveryDto, WebhookResponseDto } from './dto/webhook.dto';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookMessage } from './entities/webhook-message.entity';

/** The only way an endpoint leaves the service: never its sealed secret. */
export function toWebhookResponse(endpoint: WebhookEndpoint): WebhookResponseDto {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: [...endpoint.events],
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export function toDeliveryResponse(
  delivery: WebhookDelivery & { message: Pick<WebhookMessage, 'type'> },
): WebhookDeliveryDto {
  return {
    id: delivery.id,
    eventId: delivery.messageId,
    type: delivery.message.type,
    state: delivery.state,
    attempts: delivery.attempts.map((attempt) => ({ ...attempt })),
    nextAttemptAt: delivery.state === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    createdAt: delivery.createdAt.toISOString(),
    finishedAt: delivery.finishedAt?.toISOString() ?? null,
  };
}
