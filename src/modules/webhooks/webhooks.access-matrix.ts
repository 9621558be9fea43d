import { AccessMatrix, adminOnly, withParams } from '../../../test/support/access-matrix';
import { expectStatus } from '../../../test/support/http';
import { query } from '../../../test/support/spec-helpers';
import { TestApp } from '../../../test/support/test-app';

/**
 * A fresh webhook with one failed delivery (of its own `webhook.created`), the organisation's
 * other webhooks removed first so that the cells stay under the limit of 20.
 */
async function webhookWithDelivery(t: TestApp): Promise<Record<string, string>> {
  await query(t, 'DELETE FROM webhook_endpoints');
  const created = await t
    .as(t.owner.token)
    .post('/api/webhooks')
    .send({ url: 'https://hooks.example.invalid/', events: ['webhook.created'] });
  expectStatus(created, 201);
  const webhookId = created.body.id as string;
  const [delivery] = await query<{ id: string }>(
    t,
    'SELECT id FROM webhook_deliveries WHERE endpoint_id = ?',
    [webhookId],
  );
  await query(t, "UPDATE webhook_deliveries SET state = 'failed' WHERE id = ?", [delivery.id]);
  return { webhookId, deliveryId: delivery.id };
}

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'GET /api/webhooks': { answers: adminOnly(200), call: () => ({}) },
  'POST /api/webhooks': {
    answers: adminOnly(201),
    call: async ({ t }) => {
      await query(t, 'DELETE FROM webhook_endpoints');
      return { body: { url: 'https://hooks.example.invalid/', events: ['*'] } };
    },
  },
  'GET /api/webhooks/{webhookId}': {
    answers: adminOnly(200),
    call: withParams(webhookWithDelivery),
  },
  'PUT /api/webhooks/{webhookId}': {
    answers: adminOnly(200),
    call: withParams(webhookWithDelivery, { description: 'renamed' }),
  },
  'DELETE /api/webhooks/{webhookId}': {
    answers: adminOnly(200),
    call: withParams(webhookWithDelivery),
  },
  'GET /api/webhooks/{webhookId}/deliveries': {
    answers: adminOnly(200),
    call: withParams(webhookWithDelivery),
  },
  'POST /api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver': {
    answers: adminOnly(202),
    call: withParams(webhookWithDelivery),
  },
};
