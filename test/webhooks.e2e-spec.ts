import { join } from 'node:path';
import { processEnv, ServerProcess, stopAllServers } from './support/child-process';
import { expectStatus } from './support/http';
import {
  databaseDump,
  eventually,
  expectBadRequestNaming,
  query,
  uniqueEmail,
  UUID,
} from './support/spec-helpers';
import { TestApp } from './support/test-app';
import { ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver';

/*
 * Webhooks end to end: a real receiver on 127.0.0.1 verifies every signature with the Standard
 * Webhooks library, fails on purpose, answers 410; the service is restarted between a change and
 * its delivery. Retries are one second apart (WEBHOOK_RETRY_SCHEDULE_SECONDS), never the real
 * schedule.
 */

interface Delivery {
  id: string;
  eventId: string;
  type: string;
  state: string;
  attempts: {
    statusCode: number | null;
    durationMs: number;
    excerpt: string | null;
    error: string | null;
  }[];
}

const ROOT = join(__dirname, '..');

function useWebhookSettings(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1',
    WEBHOOK_DISPATCH_INTERVAL_MS: '100',
    WEBHOOK_TIMEOUT_SECONDS: '5',
    ...overrides,
  });
}

describe('Webhooks', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    useWebhookSettings();
    t = await TestApp.start();
  });

  afterAll(async () => {
    await stopAllServers();
    await t.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  const admin = () => t.as(t.owner.token);

  /** A receiver, and a webhook pointing at it for `events`. */
  async function subscribe(events: string[] = ['*'], app = t) {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    const response = await app
      .as(app.owner.token)
      .post('/api/webhooks')
      .send({ url: receiver.url, events, description: 'test receiver' });
    expectStatus(response, 201);
    receiver.useSecret(response.body.secret as string);
    return { receiver, webhookId: response.body.id as string, body: response.body };
  }

  async function unsubscribe(webhookId: string, app = t): Promise<void> {
    expectStatus(await app.as(app.owner.token).delete(`/api/webhooks/${webhookId}`), 200);
  }

  async function deliveries(webhookId: string, app = t): Promise<Delivery[]> {
    const response = await app
      .as(app.owner.token)
      .get(`/api/webhooks/${webhookId}/deliveries?perPage=100`);
    expectStatus(response, 200);
    return response.body.results as Delivery[];
  }

  const ofType = (type: string, targetId?: string) => (webhook: ReceivedWebhook) =>
    webhook.payload.type === type &&
    (targetId === undefined || webhook.payload.data.targetId === targetId);

  describe('managing webhooks', () => {
    it('should answer the whsec_ secret once, and keep it only sealed', async () => {
      const { webhookId, body } = await subscribe(['token.created']);
      expect(body).toMatchObject({
        id: expect.stringMatching(UUID),
        events: ['token.created'],
        description: 'test receiver',
        enabled: true,
        disabledReason: null,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      });
      const one = await admin().get(`/api/webhooks/${webhookId}`);
      expectStatus(one, 200);
      expect(one.body).not.toHaveProperty('secret');
      const list = await admin().get('/api/webhooks');
      expect(JSON.stringify(list.body)).not.toContain(body.secret);
      const secretBase64 = (body.secret as string).slice('whsec_'.length);
      const dump = await databaseDump(t);
      expect(dump).not.toContain(secretBase64);
      expect(dump).not.toContain(Buffer.from(secretBase64, 'base64').toString('hex'));
      await unsubscribe(webhookId);
    });

    it('should update, then delete, and answer 404 for it afterwards', async () => {
      const { webhookId } = await subscribe(['token.created']);
      const updated = await admin()
        .put(`/api/webhooks/${webhookId}`)
        .send({ events: ['token.deleted', 'token.expiring'], description: 'renamed' });
      expectStatus(updated, 200);
      expect(updated.body).toMatchObject({
        events: ['token.deleted', 'token.expiring'],
        description: 'renamed',
      });
      expectStatus(await admin().delete(`/api/webhooks/${webhookId}`), 200);
      expectStatus(await admin().get(`/api/webhooks/${webhookId}`), 404);
      expectStatus(await admin().get(`/api/webhooks/${webhookId}/deliveries`), 404);
    });

    it('should refuse bad input with a 400 naming the field', async () => {
      const post = (body: Record<string, unknown>) => admin().post('/api/webhooks').send(body);
      expectBadRequestNaming(await post({ url: 'ftp://example.com', events: ['*'] }), 'url');
      expectBadRequestNaming(await post({ url: 'not a url', events: ['*'] }), 'url');
      expectBadRequestNaming(await post({ url: 'https://example.com', events: [] }), 'events');
      expectBadRequestNaming(
        await post({ url: 'https://example.com', events: ['Token Created'] }),
        'events',
      );
      expectBadRequestNaming(
        await post({
          url: 'https://example.com',
          events: Array.from({ length: 51 }, (_, i) => `token.e${i}`),
        }),
        'events',
      );
      expectBadRequestNaming(await post({ events: ['*'] }), 'url');
      expectBadRequestNaming(
        await post({ url: 'https://example.com', events: ['*'], secret: 'whsec_mine' }),
        'secret',
      );
    });
  });

  describe('delivering', () => {
    it('should send each audited change, signed, as {type, timestamp, data}, and never a token secret', async () => {
      const { receiver, webhookId } = await subscribe(['*']);
      const bot = await t.createServiceUser(uniqueEmail('hooked-bot'));
      const issued = await t.createServiceUserToken(bot.id, { note: 'hooked' });
      const [created] = await receiver.waitFor(ofType('token.created', issued.tokenId));
      expect(created).toBeDefined();
      expect(created.verified).toBe(true);
      expect(created.payload).toEqual({
        type: 'token.created',
        timestamp: expect.stringMatching(/Z$/),
        data: {
          organisationId: expect.stringMatching(UUID),
          actor: { userId: t.owner.userId, tokenId: t.owner.tokenId, ip: expect.any(String) },
          targetType: 'token',
          targetId: issued.tokenId,
          details: expect.objectContaining({ note: 'hooked', userId: bot.id }),
        },
      });
      expect(Math.abs(Number(created.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(created.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      await receiver.waitFor(ofType('user.created', bot.id));
      for (const webhook of receiver.received) {
        expect(webhook.body).not.toContain(issued.token);
        expect(webhook.body).not.toContain(t.owner.token);
        expect(webhook.body).not.toMatch(/opat_[0-9A-Za-z]{10}/);
      }
      const listed = await deliveries(webhookId);
      const delivery = listed.find((entry) => entry.eventId === created.id);
      expect(delivery).toMatchObject({ type: 'token.created', state: 'delivered' });
      expect(delivery?.attempts).toEqual([
        {
          at: expect.any(String),
          statusCode: 204,
          durationMs: expect.any(Number),
          excerpt: '',
          error: null,
        },
      ]);
      await unsubscribe(webhookId);
    });

    it('should send only the events asked for', async () => {
      const { receiver, webhookId } = await subscribe(['token.deleted']);
      const bot = await t.createServiceUser(uniqueEmail('filtered-bot'));
      const issued = await t.createServiceUserToken(bot.id);
      expectStatus(
        await admin().delete(
          `/api/users/service/${bot.id}/personal-access-tokens/${issued.tokenId}`,
        ),
        200,
      );
      await receiver.waitFor(ofType('token.deleted', issued.tokenId));
      expect(receiver.received.map((webhook) => webhook.payload.type)).toEqual(['token.deleted']);
      await unsubscribe(webhookId);
    });

    it('should retry on the schedule with the same webhook-id, record each attempt, and keep later events behind', async () => {
      const { receiver, webhookId } = await subscribe(['token.created']);
      receiver.answerNext(500, 503);
      const bot = await t.createServiceUser(uniqueEmail('retried-bot'));
      const first = await t.createServiceUserToken(bot.id, { note: 'first' });
      const second = await t.createServiceUserToken(bot.id, { note: 'second' });
      const third = await t.createServiceUserToken(bot.id, { note: 'third' });
      const got = await receiver.waitFor(() => true, 5);
      const order = got.map((webhook) => [webhook.payload.data.targetId, webhook.answered]);
      expect(order).toEqual([
        [first.tokenId, 500],
        [first.tokenId, 503],
        [first.tokenId, 204],
        [second.tokenId, 204],
        [third.tokenId, 204],
      ]);
      expect(new Set(got.slice(0, 3).map((webhook) => webhook.id)).size).toBe(1);
      expect(got.every((webhook) => webhook.verified)).toBe(true);
      // About one second apart, as WEBHOOK_RETRY_SCHEDULE_SECONDS=1,1 says.
      const seconds = got.slice(0, 3).map((webhook) => Number(webhook.timestamp));
      expect(seconds[1] - seconds[0]).toBeGreaterThanOrEqual(0);
      expect(seconds[2] - seconds[0]).toBeGreaterThanOrEqual(1);
      const firstDelivery = (await deliveries(webhookId)).find(
        (delivery) => delivery.eventId === got[0].id,
      );
      expect(firstDelivery?.state).toBe('delivered');
      expect(firstDelivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 503, 204]);
      expect(firstDelivery?.attempts[0].excerpt).toBe('planned failure 500');
      await unsubscribe(webhookId);
    });

    it('should give up after the last retry and go on with the next event', async () => {
      const { receiver, webhookId } = await subscribe(['token.created']);
      receiver.answerNext(500, 500, 500);
      const bot = await t.createServiceUser(uniqueEmail('given-up-bot'));
      const lost = await t.createServiceUserToken(bot.id);
      const next = await t.createServiceUserToken(bot.id);
      await receiver.waitFor(ofType('token.created', next.tokenId));
      expect(receiver.received.map((webhook) => webhook.payload.data.targetId)).toEqual([
        lost.tokenId,
        lost.tokenId,
        lost.tokenId,
        next.tokenId,
      ]);
      const failed = (await deliveries(webhookId)).find(
        (delivery) => delivery.eventId === receiver.received[0].id,
      );
      expect(failed?.state).toBe('failed');
      expect(failed?.attempts).toHaveLength(3);
      await unsubscribe(webhookId);
    });

    it('should disable the webhook on 410 Gone, then redeliver once it is enabled again', async () => {
      const { receiver, webhookId } = await subscribe(['token.created']);
      receiver.answerNext(410);
      const bot = await t.createServiceUser(uniqueEmail('gone-bot'));
      const gone = await t.createServiceUserToken(bot.id);
      await receiver.waitFor(ofType('token.created', gone.tokenId));
      const disabled = await eventually(
        async () => (await admin().get(`/api/webhooks/${webhookId}`)).body as { enabled: boolean },
        (body: { enabled: boolean }) => !body.enabled,
      );
      expect(disabled).toMatchObject({
        enabled: false,
        disabledReason: expect.stringContaining('410'),
      });
      const [failed] = await deliveries(webhookId);
      expect(failed).toMatchObject({ state: 'failed', eventId: receiver.received[0].id });
      // Disabled: nothing more is queued or sent.
      await t.createServiceUserToken(bot.id);
      const redeliverPath = `/api/webhooks/${webhookId}/deliveries/${failed.id}/redeliver`;
      expectStatus(await admin().post(redeliverPath), 409);
      expect(await deliveries(webhookId)).toHaveLength(1);

      expectStatus(await admin().put(`/api/webhooks/${webhookId}`).send({ enabled: true }), 200);
      const again = await admin().post(redeliverPath);
      expectStatus(again, 202);
      expect(again.body).toMatchObject({ eventId: failed.eventId, state: 'pending' });
      const both = await receiver.waitFor(ofType('token.created', gone.tokenId), 2);
      expect(both.map((webhook) => [webhook.id, webhook.answered])).toEqual([
        [failed.eventId, 410],
        [failed.eventId, 204],
      ]);
      expect(receiver.received).toHaveLength(2);
      await unsubscribe(webhookId);
    });

    it('should answer 404 for a delivery of another webhook', async () => {
      const a = await subscribe(['token.created']);
      const b = await subscribe(['token.created']);
      const bot = await t.createServiceUser(uniqueEmail('two-hooks-bot'));
      await t.createServiceUserToken(bot.id);
      await a.receiver.waitFor(() => true);
      const [delivery] = await eventually(
        () => deliveries(a.webhookId),
        (rows) => rows.length > 0 && rows[0].state === 'delivered',
      );
      expectStatus(
        await admin().post(`/api/webhooks/${b.webhookId}/deliveries/${delivery.id}/redeliver`),
        404,
      );
      await unsubscribe(a.webhookId);
      await unsubscribe(b.webhookId);
    });
  });

  describe('across a restart', () => {
    it('should deliver a change made before the restart, from the outbox, once the receiver answers', async () => {
      const { receiver, webhookId } = await subscribe(['token.created']);
      receiver.answerNext(503, 503);
      const bot = await t.createServiceUser(uniqueEmail('restart-bot'));
      const issued = await t.createServiceUserToken(bot.id);
      // Committed with the change: the delivery is in the database when the change is answered.
      const rows = await query(t, 'SELECT state FROM webhook_deliveries WHERE endpoint_id = ?', [
        webhookId,
      ]);
      expect(rows).toEqual([{ state: expect.stringMatching(/pending|delivered/) }]);
      await receiver.waitFor(ofType('token.created', issued.tokenId));
      // Stop the service while the delivery waits for its retry, and start a new one.
      await t.close();
      const restartedAt = Date.now();
      t = await TestApp.start();
      const all = await receiver.waitFor(ofType('token.created', issued.tokenId), 3);
      expect(all.map((webhook) => webhook.answered)).toEqual([503, 503, 204]);
      expect(new Set(all.map((webhook) => webhook.id)).size).toBe(1);
      expect(all[2].verified).toBe(true);
      expect(all[2].receivedAt).toBeGreaterThanOrEqual(restartedAt);
      await unsubscribe(webhookId);
    }, 90_000);
  });

  describe('with two instances on one database', () => {
    it('should send each event once, in order, whichever instance claims it', async () => {
      // The second instance is the built server in a process of its own, on the same database.
      const second = await ServerProcess.start(
        processEnv({
          DATABASE_URL: process.env.DATABASE_URL,
          TOKEN_PEPPER: process.env.TOKEN_PEPPER,
          SQLITE_PATH: process.env.SQLITE_PATH,
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
          WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1',
          WEBHOOK_DISPATCH_INTERVAL_MS: '50',
        }),
        ROOT,
        // The machine may be busy: starting a second server can take a while.
        90_000,
      );
      try {
        const { receiver, webhookId } = await subscribe(['token.created']);
        const bot = await t.createServiceUser(uniqueEmail('two-instances-bot'));
        const created: string[] = [];
        for (let i = 0; i < 12; i += 1) {
          created.push((await t.createServiceUserToken(bot.id)).tokenId);
        }
        await receiver.waitFor(() => true, created.length);
        // Both dispatchers go on polling: a duplicate would arrive within a few rounds.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(receiver.received.map((webhook) => webhook.payload.data.targetId)).toEqual(created);
        expect(new Set(receiver.received.map((webhook) => webhook.id)).size).toBe(created.length);
        expect(receiver.received.every((webhook) => webhook.verified)).toBe(true);
        await unsubscribe(webhookId);
      } finally {
        await second.stop();
      }
    }, 180_000);
  });

  describe('outbound safety', () => {
    it('should refuse a host that resolves to a loopback address unless private networks are allowed', async () => {
      const receiver = await WebhookReceiver.start();
      receivers.push(receiver);
      const created = await admin()
        .post('/api/webhooks')
        .send({ url: `http://localhost:${receiver.port}/hooks`, events: ['token.created'] });
      expectStatus(created, 201);
      receiver.useSecret(created.body.secret as string);
      await t.close();

      useWebhookSettings({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
      try {
        t = await TestApp.start();
        const bot = await t.createServiceUser(uniqueEmail('private-bot'));
        await t.createServiceUserToken(bot.id);
        const rows = await eventually(
          () => deliveries(created.body.id as string),
          (found) => found.some((row) => row.attempts.length > 0),
        );
        const refused = rows.find((row) => row.attempts.length > 0);
        expect(refused?.attempts[0]).toMatchObject({
          statusCode: null,
          error: expect.stringContaining('127.0.0.1'),
        });
        expect(receiver.received).toEqual([]);
        for (const url of [
          `http://127.0.0.1:${receiver.port}/`,
          'http://[::1]/',
          'http://169.254.169.254/latest/meta-data',
          'http://10.1.2.3/',
          'http://localhost/',
        ]) {
          expectBadRequestNaming(
            await admin()
              .post('/api/webhooks')
              .send({ url, events: ['*'] }),
            'url',
          );
        }
      } finally {
        await t.close();
        useWebhookSettings();
        t = await TestApp.start();
      }
      await unsubscribe(created.body.id as string);
    }, 90_000);
  });
});
