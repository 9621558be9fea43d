import { expectStatus } from './support/http';
import { expectBadRequestNaming, UNKNOWN_SECRET, uniqueEmail } from './support/spec-helpers';
import { TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/* POST /api/credentials/revoke: what a secret scanner calls when it finds a token exposed. */

const LIMIT = 12;

describe('POST /api/credentials/revoke', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    Object.assign(process.env, {
      REVOKE_RATE_LIMIT_PER_HOUR: String(LIMIT),
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_DISPATCH_INTERVAL_MS: '100',
    });
    t = await TestApp.start();
    receiver = await WebhookReceiver.start();
    const created = await t
      .as(t.owner.token)
      .post('/api/webhooks')
      .send({ url: receiver.url, events: ['token.revoked-leaked'] });
    expectStatus(created, 201);
    receiver.useSecret(created.body.secret as string);
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const revoke = (body: unknown) =>
    t
      .http()
      .post('/api/credentials/revoke')
      .send(body as object);

  it('should stop a leaked live secret at once, audit and announce it, and answer as for an unknown one', async () => {
    const bot = await t.createServiceUser(uniqueEmail('leaky-bot'));
    const leaked = await t.createServiceUserToken(bot.id, { note: 'leaked in a repo' });
    expectStatus(await t.as(leaked.token).get('/api/profile'), 200);

    const known = await revoke({ credentials: [leaked.token, 'not a token'] });
    const unknown = await revoke({ credentials: [UNKNOWN_SECRET, 'not a token'] });
    expectStatus(known, 202);
    expect(known.body).toEqual({});
    expect([unknown.status, unknown.text, unknown.headers['content-type']]).toEqual([
      known.status,
      known.text,
      known.headers['content-type'],
    ]);

    expectStatus(await t.as(leaked.token).get('/api/profile'), 401);
    const listed = await t
      .as(t.owner.token)
      .get(`/api/users/service/${bot.id}/personal-access-tokens/${leaked.tokenId}`);
    expectStatus(listed, 404);

    const audit = await t.as(t.owner.token).get(`/api/audit-log?targetId=${leaked.tokenId}`);
    expectStatus(audit, 200);
    const actions = (audit.body.results as { action: string; ip: string | null }[]).map((entry) => [
      entry.action,
      entry.ip,
    ]);
    expect(actions[0]).toEqual(['token.revoked-leaked', expect.stringMatching(/127\.0\.0\.1|::1/)]);

    const [announced] = await receiver.waitFor(
      (webhook) => webhook.payload.data.targetId === leaked.tokenId,
    );
    expect(announced.verified).toBe(true);
    expect(announced.payload).toMatchObject({
      type: 'token.revoked-leaked',
      data: { targetId: leaked.tokenId, details: { note: 'leaked in a repo', userId: bot.id } },
    });
    expect(announced.body).not.toContain(leaked.token);

    // Reported again: nothing left to revoke, the same answer.
    const again = await revoke({ credentials: [leaked.token] });
    expect([again.status, again.text]).toEqual([202, '{}']);
  });

  it('should refuse a malformed body with 400 naming credentials', async () => {
    expectBadRequestNaming(await revoke({}), 'credentials');
    expectBadRequestNaming(await revoke({ credentials: [] }), 'credentials');
    expectBadRequestNaming(await revoke({ credentials: 'opat_x' }), 'credentials');
    expectBadRequestNaming(await revoke({ credentials: [42] }), 'credentials');
    expectBadRequestNaming(
      await revoke({ credentials: Array.from({ length: 1001 }, () => UNKNOWN_SECRET) }),
      'credentials',
    );
    const extra = await revoke({ credentials: [UNKNOWN_SECRET], note: 'x' });
    expectStatus(extra, 400);
  });

  it('should answer 429 with Retry-After past REVOKE_RATE_LIMIT_PER_HOUR from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i += 1) {
      statuses.push((await revoke({ credentials: [UNKNOWN_SECRET] })).status);
    }
    // Earlier tests of this file spent some of the hour's requests: 202 until the limit, then 429.
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(0, first429).every((status) => status === 202)).toBe(true);
    const blocked = await revoke({ credentials: [UNKNOWN_SECRET] });
    expectStatus(blocked, 429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
