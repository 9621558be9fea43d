import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { ApiCreates } from '../../common/openapi/api-creates';
import { EventActor } from '../../common/events/domain-event';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { AdminOnly, AuthenticatedUser, CurrentActor, CurrentUser } from '../auth';
import {
  CreatedWebhookResponseDto,
  CreateWebhookDto,
  ListDeliveriesQueryDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookResponseDto,
} from './dto/webhook.dto';
import { toWebhookResponse } from './webhook.mapper';
import { WebhooksService } from './webhooks.service';

const WEBHOOK_ID = 'Webhook ID';
/** The webhook of the organisation the route acts on, named in the path. */
const WebhookId = () =>
  UuidParam('webhookId', WEBHOOK_ID, { notFound: 'No such webhook in the organisation' });

@ApiTag(
  'Webhooks',
  'Signed notifications (Standard Webhooks) of every audited change and of expiring tokens (admin only)',
)
@AdminOnly()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /**
   * List webhooks
   *
   * @remarks Every webhook of the organisation, oldest first. Secrets are never answered.
   */
  @Get()
  @ApiOkResponse({ description: "The organisation's webhooks", type: [WebhookResponseDto] })
  async listWebhooks(@CurrentUser() caller: AuthenticatedUser): Promise<WebhookResponseDto[]> {
    return (await this.webhooks.list(caller.organisationId)).map(toWebhookResponse);
  }

  /**
   * Create a webhook
   *
   * @remarks Events named in `events` (or every event, with `["*"]`) are POSTed to `url`, signed
   * as the Standard Webhooks specification says. The answer carries the signing secret in
   * `secret`, this once.
   */
  @Post()
  @ApiCreates('The new webhook, with its signing secret in `secret`', CreatedWebhookResponseDto)
  @ApiError(409, 'The organisation already has the most webhooks allowed (20)')
  async createWebhook(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Body() dto: CreateWebhookDto,
  ): Promise<CreatedWebhookResponseDto> {
    const { endpoint, secret } = await this.webhooks.create(caller.organisationId, dto, actor);
    return { ...toWebhookResponse(endpoint), secret };
  }

  /**
   * Get a webhook
   *
   * @remarks One webhook of the organisation; never its secret.
   */
  @Get(':webhookId')
  @ApiOkResponse({ description: 'The webhook', type: WebhookResponseDto })
  async getWebhook(
    @CurrentUser() caller: AuthenticatedUser,
    @WebhookId() webhookId: string,
  ): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.webhooks.get(caller.organisationId, webhookId));
  }

  /**
   * Update a webhook
   *
   * @remarks Change its URL, events or description, or enable it again (`enabled: true`) after
   * it answered 410 Gone. Fields left out keep their value. The secret does not change.
   */
  @Put(':webhookId')
  @ApiOkResponse({ description: 'The updated webhook', type: WebhookResponseDto })
  async updateWebhook(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @WebhookId() webhookId: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponseDto> {
    return toWebhookResponse(
      await this.webhooks.update(caller.organisationId, webhookId, dto, actor),
    );
  }

  /**
   * Delete a webhook
   *
   * @remarks Answers the deleted webhook; its pending deliveries are dropped.
   */
  @Delete(':webhookId')
  @ApiOkResponse({ description: 'The deleted webhook', type: WebhookResponseDto })
  async deleteWebhook(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @WebhookId() webhookId: string,
  ): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.webhooks.delete(caller.organisationId, webhookId, actor));
  }

  /**
   * List a webhook's deliveries
   *
   * @remarks Newest first, each with its attempts: when, the status answered, how long it took
   * and the first 1 KiB of the answer. Kept 30 days after they finish.
   */
  @Get(':webhookId/deliveries')
  @ApiOkResponse({
    description: 'A page of deliveries, newest first',
    type: WebhookDeliveryPageDto,
  })
  listWebhookDeliveries(
    @CurrentUser() caller: AuthenticatedUser,
    @WebhookId() webhookId: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.listDeliveries(caller.organisationId, webhookId, query);
  }

  /**
   * Redeliver an event
   *
   * @remarks Queues a delivered or failed delivery's event again, after what the webhook already
   * has queued, with the same `webhook-id`. Answers the new delivery.
   */
  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The new delivery, queued', type: WebhookDeliveryDto })
  @ApiError(400, INVALID_INPUT)
  @ApiError(404, 'No such webhook in the organisation, or no such delivery of it')
  @ApiError(409, 'The delivery is still pending, or the webhook is disabled')
  redeliverWebhookDelivery(
    @CurrentUser() caller: AuthenticatedUser,
    @UuidParam('webhookId', WEBHOOK_ID) webhookId: string,
    @UuidParam('deliveryId', 'Delivery ID') deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.redeliver(caller.organisationId, webhookId, deliveryId);
  }
}
