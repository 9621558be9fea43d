import { ApiProperty, PartialType } from '@nestjs/swagger';
import {
  ApiNullableTextProperty,
  ApiTimestampProperty,
  ApiUuidProperty,
} from '../../../common/openapi/api-properties';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { OneOfFilter } from '../../../common/dto/list-filters';
import { PageDto, PaginationQueryDto } from '../../../common/dto/pagination.dto';
import { IsOmittable } from '../../../common/validation/optional';
import { DELIVERY_STATES, DeliveryState } from '../entities/webhook-delivery.entity';

/** An event name (`token.created`), or `*` for every event. */
export const EVENT_NAME = /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+)$/;
export const MAX_EVENTS_PER_WEBHOOK = 50;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateWebhookDto {
  /** Where to POST the events: an absolute http or https URL */
  @ApiProperty({ example: 'https://hooks.example.com/pat-events' })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an absolute http or https URL' },
  )
  url: string;

  /** Event names to send (`token.created`, `token.expiring`, ...), or ["*"] for every event */
  @ApiProperty({ type: [String], example: ['token.expiring', 'token.expired'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENTS_PER_WEBHOOK)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(EVENT_NAME, {
    each: true,
    message: 'events must hold event names such as token.created, or "*"',
  })
  events: string[];

  /** What the endpoint is for, up to 200 characters */
  @ApiProperty({ required: false, example: 'Token expiry alerts to the platform team' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @Length(0, 200)
  description?: string;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {
  /** false stops deliveries (they wait); true resumes them, after a 410 too */
  @ApiProperty({ required: false, example: true })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookResponseDto {
  /** Unique identifier of the webhook */
  @ApiUuidProperty()
  id: string;

  /** Where the events are POSTed */
  @ApiProperty({ example: 'https://hooks.example.com/pat-events' })
  url: string;

  /** The event names sent, or ["*"] */
  @ApiProperty({ type: [String], example: ['token.expiring', 'token.expired'] })
  events: string[];

  /** What the endpoint is for */
  @ApiNullableTextProperty('Token expiry alerts')
  description: string | null;

  /** false: nothing is sent (deliveries wait) */
  @ApiProperty({ example: true })
  enabled: boolean;

  /** Why the service disabled it (it answered 410 Gone); null otherwise */
  @ApiNullableTextProperty()
  disabledReason: string | null;

  @ApiTimestampProperty()
  createdAt: string;

  @ApiTimestampProperty()
  updatedAt: string;
}

export class CreatedWebhookResponseDto extends WebhookResponseDto {
  /** The signing secret (Standard Webhooks): shown this once, keep it with the receiver */
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwJ0iTh4YQNRE=' })
  secret: string;
}

/** One attempt to send a delivery. */
export class DeliveryAttemptDto {
  /** When it was made */
  @ApiTimestampProperty()
  at: string;

  /** The receiver's HTTP status; null when it did not answer */
  @ApiProperty({ type: Number, nullable: true, example: 500 })
  statusCode: number | null;

  /** How long it took, in milliseconds */
  @ApiProperty({ example: 42 })
  durationMs: number;

  /** The first 1 KiB of the answer */
  @ApiNullableTextProperty('upstream unavailable')
  excerpt: string | null;

  /** Why there was no answer (timeout, refused address, ...) */
  @ApiNullableTextProperty()
  error: string | null;
}

export class WebhookDeliveryDto {
  /** Unique identifier of the delivery */
  @ApiUuidProperty()
  id: string;

  /** The event's id, sent as `webhook-id` (the same on every attempt and redelivery) */
  @ApiUuidProperty()
  eventId: string;

  /** The event's name */
  @ApiProperty({ example: 'token.created' })
  type: string;

  /** pending (to be sent or retried), delivered (a 2xx answer) or failed (given up, or 410) */
  @ApiProperty({ enum: DELIVERY_STATES, enumName: 'DeliveryState', example: 'delivered' })
  state: DeliveryState;

  /** Every attempt so far, oldest first */
  @ApiProperty({ type: [DeliveryAttemptDto] })
  attempts: DeliveryAttemptDto[];

  /** When the next attempt is due; null once delivered or failed */
  @ApiNullableTextProperty()
  nextAttemptAt: string | null;

  @ApiTimestampProperty()
  createdAt: string;

  /** When it was delivered or given up */
  @ApiNullableTextProperty('2026-11-27T20:00:01.000Z')
  finishedAt: string | null;
}

export class WebhookDeliveryPageDto extends PageDto(WebhookDeliveryDto, 'WebhookDeliveryPage') {}

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  /** Only deliveries in this state */
  @OneOfFilter(DELIVERY_STATES, 'DeliveryState')
  state?: DeliveryState;
}
