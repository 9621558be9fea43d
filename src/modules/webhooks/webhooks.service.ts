import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { FindOptionsWhere, Repository } from 'typeorm';
import { Page, pageWindow, toPage } from '../../common/dto/pagination.dto';
import { eventAbout, EventActor } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { orNotFound } from '../../common/http/not-found';
import {
  CreateWebhookDto,
  ListDeliveriesQueryDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
} from './dto/webhook.dto';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookMessage } from './entities/webhook-message.entity';
import { isPublicAddress } from './network-policy';
import { toDeliveryResponse } from './webhook.mapper';
import { newDelivery } from './webhook-outbox';
import { WebhookSecrets } from './webhook-secrets';
import { generateSigningSecret } from './webhook-signature';
import { webhooksConfig, WebhooksConfig } from './webhooks.config';

/** Events of this module: who changed where the organisation's events go. */
export const WebhookEvents = {
  Created: 'webhook.created',
  Updated: 'webhook.updated',
  Deleted: 'webhook.deleted',
} as const;

/** A hard bound on what one organisation can make the service send to. */
export const MAX_WEBHOOKS_PER_ORGANISATION = 20;

const NOT_FOUND = 'Webhook not found';

@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly publisher: DomainEventPublisher,
    private readonly secrets: WebhookSecrets,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  list(organisationId: string): Promise<WebhookEndpoint[]> {
    return this.endpoints.find({
      where: { organisationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(organisationId: string, id: string): Promise<WebhookEndpoint> {
    return orNotFound(await this.endpoints.findOneBy({ id, organisationId }), NOT_FOUND);
  }

  /** A new endpoint and its signing secret, which is answered this once. */
  async create(organisationId: string, dto: CreateWebhookDto, actor: EventActor) {
    this.assertReachableUrl(dto.url);
    const id = randomUUID();
    const secret = generateSigningSecret();
    const endpoint = await this.publisher.transaction(async (tx) => {
      const count = await tx.manager.countBy(WebhookEndpoint, { organisationId });
      if (count >= MAX_WEBHOOKS_PER_ORGANISATION) {
        throw new ConflictException(
          `An organisation can have at most ${MAX_WEBHOOKS_PER_ORGANISATION} webhooks`,
        );
      }
      const created = tx.manager.create(WebhookEndpoint, {
        id,
        organisationId,
        url: dto.url,
        description: dto.description || null,
        events: dto.events,
        sealedSecret: this.secrets.seal(secret, id),
        enabled: true,
        disabledReason: null,
      });
      await tx.manager.save(created);
      tx.publish(
        eventAbout('webhook', created, WebhookEvents.Created, actor, this.describe(created)),
      );
      return created;
    });
    return { endpoint, secret };
  }

  async update(
    organisationId: string,
    id: string,
    dto: UpdateWebhookDto,
    actor: EventActor,
  ): Promise<WebhookEndpoint> {
    if (dto.url !== undefined) {
      this.assertReachableUrl(dto.url);
    }
    return this.publisher.transaction(async (tx) => {
      const endpoint = orNotFound(
        await tx.manager.findOneBy(WebhookEndpoint, { id, organisationId }),
        NOT_FOUND,
      );
      if (dto.url !== undefined) {
        endpoint.url = dto.url;
      }
      if (dto.events !== undefined) {
        endpoint.events = dto.events;
      }
      if (dto.description !== undefined) {
        endpoint.description = dto.description || null;
      }
      if (dto.enabled !== undefined) {
        endpoint.enabled = dto.enabled;
        endpoint.disabledReason = null;
      }
      await tx.manager.save(endpoint);
      tx.publish(
        eventAbout('webhook', endpoint, WebhookEvents.Updated, actor, this.describe(endpoint)),
      );
      return endpoint;
    });
  }

  /** Deletes the endpoint with its deliveries; answers it as it was. */
  async delete(organisationId: string, id: string, actor: EventActor): Promise<WebhookEndpoint> {
    return this.publisher.transaction(async (tx) => {
      const endpoint = orNotFound(
        await tx.manager.findOneBy(WebhookEndpoint, { id, organisationId }),
        NOT_FOUND,
      );
      await tx.manager.delete(WebhookEndpoint, { id, organisationId });
      tx.publish(
        eventAbout('webhook', endpoint, WebhookEvents.Deleted, actor, { url: endpoint.url }),
      );
      return endpoint;
    });
  }

  async listDeliveries(
    organisationId: string,
    id: string,
    query: ListDeliveriesQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    await this.get(organisationId, id);
    const where: FindOptionsWhere<WebhookDelivery> = { endpointId: id };
    if (query.state) {
      where.state = query.state;
    }
    const [rows, total] = await this.deliveries.findAndCount({
      where,
      relations: { message: true },
      order: { sequence: 'DESC' },
      ...pageWindow(query),
    });
    return toPage(
      rows.map((row) => toDeliveryResponse(row as WebhookDelivery & { message: WebhookMessage })),
      total,
      query,
    );
  }

  /**
   * Sends a finished delivery's event again, as a new delivery at the end of the endpoint's
   * queue, with the same `webhook-id` so that the receiver can tell it is the same event.
   */
  async redeliver(
    organisationId: string,
    id: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    const endpoint = await this.get(organisationId, id);
    const original = await this.deliveries.findOne({
      where: { id: deliveryId, endpointId: endpoint.id },
      relations: { message: true },
    });
    if (!original?.message) {
      throw new NotFoundException('Delivery not found');
    }
    if (original.state === 'pending') {
      throw new ConflictException('The delivery is still pending: it will be sent or retried');
    }
    if (!endpoint.enabled) {
      throw new ConflictException('The webhook is disabled: enable it first');
    }
    const again = newDelivery(endpoint.id, original.messageId, new Date());
    await this.publisher.transaction(({ manager }) => manager.insert(WebhookDelivery, again));
    return toDeliveryResponse({ ...again, sequence: '', message: original.message });
  }

  /**
   * Refuses at once what can be seen from the URL alone to be private; the dispatcher checks the
   * addresses the host resolves to before every attempt.
   */
  private assertReachableUrl(url: string): void {
    if (this.config.allowPrivateNetworks) {
      return;
    }
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const literal = isIP(host) !== 0;
    if (
      (literal && !isPublicAddress(host)) ||
      host === 'localhost' ||
      host.endsWith('.localhost')
    ) {
      throw new BadRequestException(
        'url points at a private, loopback or link-local address (see WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
      );
    }
  }

  private describe(endpoint: WebhookEndpoint): Record<string, unknown> {
    return { url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled };
  }
}
