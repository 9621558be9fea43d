import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretHashingModule } from '../auth';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookMessage } from './entities/webhook-message.entity';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookSecrets } from './webhook-secrets';
import { webhooksConfig } from './webhooks.config';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: admins register endpoints; every published domain event goes into the outbox in
 * the transaction of its change, and the dispatcher delivers it, signed (Standard Webhooks).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEndpoint, WebhookMessage, WebhookDelivery]),
    ConfigModule.forFeature(webhooksConfig),
    SecretHashingModule,
  ],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookOutbox, WebhookDispatcher, WebhookSecrets],
})
export class WebhooksModule {}
