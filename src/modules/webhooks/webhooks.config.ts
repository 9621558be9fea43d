import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { registerSettings } from '../../config/environment';

const RETRY_SCHEDULE_MESSAGE =
  'WEBHOOK_RETRY_SCHEDULE_SECONDS must be 1 to 20 comma-separated delays in seconds (0 to 604800 each)';
const MAX_RETRY_DELAY_SECONDS = 7 * 24 * 60 * 60;

/** "5, 300,1800" -> [5, 300, 1800]; anything else is left for the validator to refuse. */
const toNumberList = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/.test(value)
    ? value.split(',').map(Number)
    : value;

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/** Webhook delivery settings, validated at start-up like the core's. */
class WebhookSettings {
  /** Delays before the 2nd, 3rd, ... attempt of a delivery; after the last, it has failed. */
  @Transform(toNumberList)
  @IsArray({ message: RETRY_SCHEDULE_MESSAGE })
  @ArrayMinSize(1, { message: RETRY_SCHEDULE_MESSAGE })
  @ArrayMaxSize(20, { message: RETRY_SCHEDULE_MESSAGE })
  @ValidateBy(
    {
      name: 'delays',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every(
            (delay) => typeof delay === 'number' && delay >= 0 && delay <= MAX_RETRY_DELAY_SECONDS,
          ),
      },
    },
    { message: RETRY_SCHEDULE_MESSAGE },
  )
  WEBHOOK_RETRY_SCHEDULE_SECONDS: number[] = [5, 300, 1800, 7200, 18000, 36000];

  /** Lets endpoints resolve to loopback, private and link-local addresses (tests, labs). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  /** How long one attempt may take, connection and answer included. */
  @Transform(toInt)
  @IsInt({ message: 'WEBHOOK_TIMEOUT_SECONDS must be an integer between 1 and 60' })
  @Min(1, { message: 'WEBHOOK_TIMEOUT_SECONDS must be an integer between 1 and 60' })
  @Max(60, { message: 'WEBHOOK_TIMEOUT_SECONDS must be an integer between 1 and 60' })
  WEBHOOK_TIMEOUT_SECONDS = 10;

  /** How often each instance looks for deliveries that are due. */
  @Transform(toInt)
  @IsInt({ message: 'WEBHOOK_DISPATCH_INTERVAL_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'WEBHOOK_DISPATCH_INTERVAL_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'WEBHOOK_DISPATCH_INTERVAL_MS must be an integer between 50 and 60000' })
  WEBHOOK_DISPATCH_INTERVAL_MS = 1000;
}

const readSettings = registerSettings(WebhookSettings);

export const webhooksConfig = registerAs('webhooks', () => {
  const settings = readSettings();
  return {
    retryScheduleMs: settings.WEBHOOK_RETRY_SCHEDULE_SECONDS.map((seconds) =>
      Math.round(seconds * 1000),
    ),
    allowPrivateNetworks: settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    timeoutMs: settings.WEBHOOK_TIMEOUT_SECONDS * 1000,
    dispatchIntervalMs: settings.WEBHOOK_DISPATCH_INTERVAL_MS,
  };
});
export type WebhooksConfig = ReturnType<typeof webhooksConfig>;
