import { registerAs } from '@nestjs/config';
import { registerSettings } from '../../config/environment';
import { About, BooleanSetting, IntegerSetting, NumberListSetting } from '../../config/settings';

/** Webhook delivery settings, validated at start-up like the core's. */
class WebhookSettings {
  @About('Delays before the 2nd, 3rd, ... attempt of a delivery; after the last, it has failed')
  @NumberListSetting({
    min: 0,
    max: 7 * 24 * 60 * 60,
    count: { min: 1, max: 20 },
    expects: '1 to 20 comma-separated delays in seconds (0 to 604800 each)',
  })
  WEBHOOK_RETRY_SCHEDULE_SECONDS: number[] = [5, 300, 1800, 7200, 18000, 36000];

  @About('Lets endpoints resolve to loopback, private and link-local addresses (tests, labs)')
  @BooleanSetting()
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  @About('How long one attempt may take, connection and answer included')
  @IntegerSetting({ min: 1, max: 60 })
  WEBHOOK_TIMEOUT_SECONDS = 10;

  @About('How often each instance looks for deliveries that are due')
  @IntegerSetting({ min: 50, max: 60000 })
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
