import { join } from 'node:path';
import { processEnv, ServerProcess, stopAllServers } from './support/child-process';
import { expectStatus } from './support/http';
import { DAY_MS, expectBadRequestNaming, query, uniqueEmail } from './support/spec-helpers';
import { TestApp } from './support/test-app';
import { ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver';

/*
 * Expiry warnings end to end: the scan runs every second (EXPIRY_SCAN_INTERVAL_SECONDS=1), time
 * moves by rewriting a token's expiry in the database, and a real receiver verifies each webhook.
 */

const ROOT = join(__dirname, '..');
const SETTINGS = {
  EXPIRY_SCAN_INTERVAL_SECONDS: '1',
  EXPIRY_WARNING_DAYS: '30,7,1',
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_DISPATCH_INTERVAL_MS: '100',
  WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1',
};
/** Three scans: long enough for a duplicate to show. */
const SCANS_MS = 3_200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Expiry warnings', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let bot: string;

  beforeAll(async () => {
    Object.assign(process.env, SETTINGS);
    t = await TestApp.start();
    receiver = await WebhookReceiver.start();
    const created = await t
      .as(t.owner.token)
      .post('/api/webhooks')
      .send({ url: receiver.url, events: ['token.expiring', 'token.expired'] });
    expectStatus(created, 201);
    receiver.useSecret(created.body.secret as string);
    bot = (await t.createServiceUser(uniqueEmail('expiring-bot'))).id;
  });

  afterAll(async () => {
    await stopAllServers();
    await t.close();
    await receiver.close();
  });

  /** Moves a token's expiry to `days` from now, as the passing of time would. */
  async function expireIn(tokenId: string, days: number): Promise<void> {
    const at = new Date(Date.now() + days * DAY_MS);
    const value = t.kind === 'postgres' ? at : at.toISOString().replace('T', ' ').replace('Z', '');
    await query(t, 'UPDATE personal_access_tokens SET expires_at = ? WHERE id = ?', [
      value,
      tokenId,
    ]);
  }

  const about = (tokenId: string) => (webhook: ReceivedWebhook) =>
    webhook.payload.data.targetId === tokenId;

  async function auditActions(tokenId: string): Promise<string[]> {
    const response = await t.as(t.owner.token).get(`/api/audit-log?targetId=${tokenId}`);
    expectStatus(response, 200);
    return (response.body.results as { action: string }[])
      .map((entry) => entry.action)
      .filter((action) => action.startsWith('token.expir'))
      .reverse();
  }

  it('should send exactly one token.expiring, for the 7-day threshold, to a token moved from a year to 6.5 days before expiry', async () => {
    const issued = await t.createServiceUserToken(bot, { note: 'yearly', expiry: 'year' });
    await sleep(SCANS_MS);
    expect(receiver.received.filter(about(issued.tokenId))).toEqual([]);

    await expireIn(issued.tokenId, 6.5);
    const [warning] = await receiver.waitFor(about(issued.tokenId));
    await sleep(SCANS_MS);
    const all = receiver.received.filter(about(issued.tokenId));
    expect(all).toHaveLength(1);
    expect(warning.verified).toBe(true);
    expect(warning.payload).toMatchObject({
      type: 'token.expiring',
      data: {
        targetType: 'token',
        targetId: issued.tokenId,
        actor: { userId: null, tokenId: null, ip: null },
        details: { note: 'yearly', userId: bot, thresholdDays: 7, expiresAt: expect.any(String) },
      },
    });
    expect(warning.body).not.toContain(issued.token);
    expect(await auditActions(issued.tokenId)).toEqual(['token.expiring']);
  });

  it('should then warn once at 1 day, and announce the expiry once', async () => {
    const issued = await t.createServiceUserToken(bot, { note: 'monthly', expiry: 'month' });
    const [thirty] = await receiver.waitFor(about(issued.tokenId));
    expect(thirty.payload.data.details).toMatchObject({ thresholdDays: 30 });

    await expireIn(issued.tokenId, 0.5);
    await receiver.waitFor(about(issued.tokenId), 2);
    await expireIn(issued.tokenId, -1 / 24);
    await receiver.waitFor(about(issued.tokenId), 3);
    await sleep(SCANS_MS);
    const all = receiver.received.filter(about(issued.tokenId));
    expect(all.map((webhook) => [webhook.payload.type, webhook.payload.data.details])).toEqual([
      ['token.expiring', expect.objectContaining({ thresholdDays: 30 })],
      ['token.expiring', expect.objectContaining({ thresholdDays: 1 })],
      ['token.expired', expect.not.objectContaining({ thresholdDays: expect.anything() })],
    ]);
    expect(await auditActions(issued.tokenId)).toEqual([
      'token.expiring',
      'token.expiring',
      'token.expired',
    ]);
  });

  it('should warn again after a regenerate gives the token a new expiry', async () => {
    const issued = await t.createServiceUserToken(bot, { expiry: 'year' });
    await expireIn(issued.tokenId, 0.5);
    await receiver.waitFor(about(issued.tokenId));
    const regenerated = await t
      .as(t.owner.token)
      .post(`/api/users/service/${bot}/personal-access-tokens/${issued.tokenId}/regenerate`)
      .send({ expiry: 'month' });
    expectStatus(regenerated, 200);
    const [, renewed] = await receiver.waitFor(about(issued.tokenId), 2);
    expect(renewed.payload.data.details).toMatchObject({
      thresholdDays: 30,
      expiresAt: regenerated.body.expiresAt,
    });
  });

  describe('?expiringWithinDays= on the token lists', () => {
    it("should list only the owner's tokens that expire within that many days and have not expired", async () => {
      const owner = await t.createServiceUser(uniqueEmail('listing-bot'), 'admin');
      const week = await t.createServiceUserToken(owner.id, { expiry: 'week' });
      const month = await t.createServiceUserToken(owner.id, { expiry: 'month' });
      await t.createServiceUserToken(owner.id, { expiry: 'indefinite' });
      const gone = await t.createServiceUserToken(owner.id, { expiry: 'year' });
      await expireIn(gone.tokenId, -1);
      const admin = t.as(t.owner.token);
      const path = `/api/users/service/${owner.id}/personal-access-tokens`;
      const ids = async (days: number) => {
        const response = await admin.get(`${path}?expiringWithinDays=${days}`);
        expectStatus(response, 200);
        return (response.body as { id: string }[]).map((token) => token.id).sort();
      };
      expect(await ids(10)).toEqual([week.tokenId]);
      expect(await ids(31)).toEqual([week.tokenId, month.tokenId].sort());
      expect(await ids(0)).toEqual([]);
      expect((await admin.get(path)).body).toHaveLength(4);

      // The owner's own route: an admin service user's token lists its own user's tokens.
      const own = await t.as(month.token).get('/api/personal-access-tokens?expiringWithinDays=10');
      expectStatus(own, 200);
      expect((own.body as { id: string }[]).map((token) => token.id)).toEqual([week.tokenId]);
    });

    it('should refuse a value that is not a whole number of days from 0 to 3650', async () => {
      for (const value of ['abc', '-1', '3651', '1.5']) {
        expectBadRequestNaming(
          await t.as(t.owner.token).get(`/api/personal-access-tokens?expiringWithinDays=${value}`),
          'expiringWithinDays',
        );
      }
    });
  });

  describe('with two instances on one database', () => {
    it('should send each notice once, whichever instance scans first', async () => {
      const second = await ServerProcess.start(
        processEnv({
          ...SETTINGS,
          DATABASE_URL: process.env.DATABASE_URL,
          TOKEN_PEPPER: process.env.TOKEN_PEPPER,
          SQLITE_PATH: process.env.SQLITE_PATH,
        }),
        ROOT,
        // The machine may be busy: starting a second server can take a while.
        90_000,
      );
      try {
        const issued = await Promise.all(
          Array.from({ length: 8 }, () => t.createServiceUserToken(bot, { expiry: 'year' })),
        );
        await Promise.all(issued.map((token) => expireIn(token.tokenId, 6.5)));
        const ids = new Set(issued.map((token) => token.tokenId));
        const mine = (webhook: ReceivedWebhook) => ids.has(webhook.payload.data.targetId as string);
        await receiver.waitFor(mine, ids.size);
        await sleep(SCANS_MS);
        const received = receiver.received.filter(mine);
        expect(received).toHaveLength(ids.size);
        expect(new Set(received.map((webhook) => webhook.payload.data.targetId)).size).toBe(
          ids.size,
        );
        const notices = await query<{ n: number | string }>(
          t,
          `SELECT count(*) AS n FROM token_expiry_notices WHERE token_id IN (${[...ids]
            .map(() => '?')
            .join(', ')})`,
          [...ids],
        );
        expect(Number(notices[0].n)).toBe(ids.size);
      } finally {
        await second.stop();
      }
    }, 180_000);
  });
});
