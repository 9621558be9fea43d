import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DomainEvent } from '../../common/events/domain-event';
import {
  DomainEventPublisher,
  DomainEventRecorder,
} from '../../common/events/domain-event-publisher';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookMessage } from './entities/webhook-message.entity';
import { subscribes, webhookBody } from './webhook-payload';

/**
 * The outbox: every published domain event that an enabled endpoint of its organisation asked
 * for becomes a message and one pending delivery per endpoint, written with the change's own
 * manager, so they commit with the change or not at all. A crash after the commit loses nothing:
 * the dispatcher finds the deliveries in the database.
 */
@Injectable()
export class WebhookOutbox implements DomainEventRecorder, OnModuleInit {
  constructor(private readonly publisher: DomainEventPublisher) {}

  onModuleInit(): void {
    this.publisher.addRecorder(this);
  }

  async record(manager: EntityManager, events: readonly DomainEvent[]): Promise<void> {
    const endpointsOf = new Map<string, Pick<WebhookEndpoint, 'id' | 'events'>[]>();
    const now = new Date();
    for (const event of events) {
      let endpoints = endpointsOf.get(event.organisationId);
      if (!endpoints) {
        endpoints = await manager.find(WebhookEndpoint, {
          select: { id: true, events: true },
          where: { organisationId: event.organisationId, enabled: true },
        });
        endpointsOf.set(event.organisationId, endpoints);
      }
      const targets = endpoints.filter((endpoint) => subscribes(endpoint.events, event.name));
      if (targets.length === 0) {
        continue;
      }
      const message: WebhookMessage = {
        id: randomUUID(),
        organisationId: event.organisationId,
        type: event.name,
        body: webhookBody(event, now),
        createdAt: now,
      };
      await manager.insert(WebhookMessage, message);
      // One statement per delivery: the sequence then follows the order of the events.
      for (const endpoint of targets) {
        await manager.insert(WebhookDelivery, newDelivery(endpoint.id, message.id, now));
      }
    }
  }
}

/** A delivery waiting for its first attempt. */
export function newDelivery(endpointId: string, messageId: string, now: Date) {
  return {
    id: randomUUID(),
    endpointId,
    messageId,
    state: 'pending' as const,
    nextAttemptAt: now,
    leaseUntil: null,
    attempts: [],
    createdAt: now,
    finishedAt: null,
  };
}
