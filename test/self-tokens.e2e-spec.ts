import {
  CreatedTokenBody,
  databaseDump,
  DAY_MS,
  expectBadRequestNaming,
  ISO,
  query,
  SECRET,
  TokenBody,
  uniqueEmail,
} from './support/spec-helpers';
import { expectStatus } from './support/http';
import { IssuedToken, TestApp, TokenOptions } from './support/test-app';

/*
 * A token acting on itself: GET and DELETE /api/personal-access-tokens/self, POST …/self/rotate,
 * a regenerate of itself with any preset, and Idempotency-Key on rotate and regenerate. Time is
 * driven by moving expires_at in the database, never by sleeping.
 */

const SELF = '/api/personal-access-tokens/self';
const ROTATE = `${SELF}/rotate`;

describe('A token acting on itself', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  const works = async (secret: string) => (await t.as(secret).get('/api/profile')).status;
  /** A person with a token of `options` (a week token by default). */
  const holder = (options: TokenOptions = {}): Promise<IssuedToken> =>
    t.createPerson(uniqueEmail('self'), 'member', {
      permissions: ['documents'],
      allProjects: true,
      expiry: 'week',
      ...options,
    });
  /** Moves the token's expiry to `inMs` from now, as if time had passed. */
  const expireIn = async (tokenId: string, inMs: number) => {
    const at = new Date(Date.now() + inMs);
    const value = t.kind === 'postgres' ? at : at.toISOString().replace('T', ' ').replace('Z', '');
    await query(t, 'UPDATE personal_access_tokens SET expires_at = ? WHERE id = ?', [
      value,
      tokenId,
    ]);
  };
  const expectExpiryAbout = (expiresAt: string | null, days: number) => {
    expect(expiresAt).toMatch(ISO);
    const delta = Date.parse(expiresAt!) - (Date.now() + days * DAY_MS);
    expect(Math.abs(delta)).toBeLessThan(60_000);
  };

  describe('GET /api/personal-access-tokens/self', () => {
    it('should answer the token making the request, without its secret', async () => {
      const me = await holder();

      const response = await t.as(me.token).get(SELF);

      expectStatus(response, 200);
      const body = response.body as TokenBody;
      expect(body.id).toBe(me.tokenId);
      expect(body.user.id).toBe(me.userId);
      expect(body).not.toHaveProperty('token');
      expect(response.text).not.toContain(me.token);
      expect(response.headers['x-token-expires-at']).toBe(body.expiresAt);
    });

    it('should answer 401 without a valid token', async () => {
      expectStatus(await t.http().get(SELF), 401);
    });
  });

  describe('DELETE /api/personal-access-tokens/self', () => {
    it('should delete the token making the request and answer it; the secret stops at once', async () => {
      const me = await holder();

      const response = await t.as(me.token).delete(SELF);

      expectStatus(response, 200);
      expect((response.body as TokenBody).id).toBe(me.tokenId);
      expect(await works(me.token)).toBe(401);
      const rows = await query(t, 'SELECT action FROM audit_log_entries WHERE target_id = ?', [
        me.tokenId,
      ]);
      expect(rows.map((row) => row.action)).toContain('token.deleted');
    });
  });

  describe('POST /api/personal-access-tokens/self/rotate', () => {
    it('should answer a new secret for the same token, with its own preset by default', async () => {
      const me = await holder({ expiry: 'week' });

      const response = await t.as(me.token).post(ROTATE).send({});

      expectStatus(response, 200);
      const body = response.body as CreatedTokenBody;
      expect(body.id).toBe(me.tokenId);
      expect(body.token).toMatch(SECRET);
      expect(body.token).not.toBe(me.token);
      expectExpiryAbout(body.expiresAt, 7);
      expect(await works(me.token)).toBe(401);
      expect(await works(body.token)).toBe(200);
    });

    it('should rotate without a body at all', async () => {
      const me = await holder({ expiry: 'month' });

      const response = await t.as(me.token).post(ROTATE);

      expectStatus(response, 200);
      expectExpiryAbout((response.body as CreatedTokenBody).expiresAt, 30);
    });

    it('should let a token rotate itself to a longer preset than it had', async () => {
      const me = await holder({ expiry: 'week' });

      const response = await t.as(me.token).post(ROTATE).send({ expiry: 'year' });

      expectStatus(response, 200);
      expectExpiryAbout((response.body as CreatedTokenBody).expiresAt, 365);
      // The new preset is now its own: the next rotation keeps it.
      const next = await t
        .as((response.body as CreatedTokenBody).token)
        .post(ROTATE)
        .send({});
      expectStatus(next, 200);
      expectExpiryAbout((next.body as CreatedTokenBody).expiresAt, 365);
    });

    it('should answer expiresAt null for a rotation to indefinite', async () => {
      const me = await holder({ expiry: 'week' });

      const response = await t.as(me.token).post(ROTATE).send({ expiry: 'indefinite' });

      expectStatus(response, 200);
      expect((response.body as CreatedTokenBody).expiresAt).toBeNull();
      expect(response.headers['x-token-expires-at']).toBeUndefined();
    });

    it.each([
      ['expiry', { expiry: 'forever' }],
      ['expiry', { expiry: null }],
      ['note', { note: 'not here' }],
    ])('should answer 400 naming %s for %j, and keep the secret', async (field, body) => {
      const me = await holder();

      expectBadRequestNaming(await t.as(me.token).post(ROTATE).send(body), field);
      expect(await works(me.token)).toBe(200);
    });

    it('should answer 401 to an expired secret', async () => {
      const me = await holder();
      await expireIn(me.tokenId, -1000);

      const response = await t.as(me.token).post(ROTATE).send({});

      expectStatus(response, 401);
      expect(response.body).not.toHaveProperty('token');
    });

    it('should answer 401 to a replaced secret', async () => {
      const me = await holder();
      expectStatus(await t.as(me.token).post(ROTATE).send({}), 200);

      expectStatus(await t.as(me.token).post(ROTATE).send({}), 401);
    });

    it('should answer 401 to a deleted token', async () => {
      const me = await holder();
      expectStatus(await t.as(me.token).delete(SELF), 200);

      expectStatus(await t.as(me.token).post(ROTATE).send({}), 401);
    });

    it('should let a week token renew itself every few days, forever', async () => {
      const me = await holder({ expiry: 'week' });
      let secret = me.token;

      for (let renewal = 0; renewal < 12; renewal++) {
        // Five days later: two days left.
        await expireIn(me.tokenId, 2 * DAY_MS);
        const response = await t.as(secret).post(ROTATE).send({});
        expectStatus(response, 200);
        const body = response.body as CreatedTokenBody;
        expect(body.id).toBe(me.tokenId);
        expectExpiryAbout(body.expiresAt, 7);
        expect(await works(secret)).toBe(401);
        secret = body.token;
      }
      expect(await works(secret)).toBe(200);
    });
  });

  describe('regenerating itself and other tokens', () => {
    it("should let the first admin's 30-day owner token renew itself, by rotate and by regenerate", async () => {
      // What the first start creates: an owner person with an owner token that expires in 30 days.
      const admin = await t.app
        .get((await import('../src/modules/provisioning/provisioning.service')).ProvisioningService)
        .createAdmin({ email: uniqueEmail('first-admin'), type: 'owner', expiry: 'month' });
      await expireIn(admin.tokenId, 3 * DAY_MS);

      const regenerated = await t
        .as(admin.token)
        .post(`/api/personal-access-tokens/${admin.tokenId}/regenerate`)
        .send({ expiry: 'month' });
      expectStatus(regenerated, 200);
      expectExpiryAbout((regenerated.body as CreatedTokenBody).expiresAt, 30);
      const rotated = await t
        .as((regenerated.body as CreatedTokenBody).token)
        .post(ROTATE)
        .send({});

      expectStatus(rotated, 200);
      expectExpiryAbout((rotated.body as CreatedTokenBody).expiresAt, 30);
      expect(await works((rotated.body as CreatedTokenBody).token)).toBe(200);
    });

    it('should still refuse a token making another token outlive it', async () => {
      const me = await holder({ expiry: 'month' });
      const sibling = await t
        .as(me.token)
        .post('/api/personal-access-tokens')
        .send({ note: 'sibling', permissions: ['documents'], allProjects: true, expiry: 'week' });
      expectStatus(sibling, 201);
      const siblingId = (sibling.body as CreatedTokenBody).id;

      const longer = await t
        .as(me.token)
        .post(`/api/personal-access-tokens/${siblingId}/regenerate`)
        .send({ expiry: 'three_months' });

      expectStatus(longer, 403);
      expect(longer.body).not.toHaveProperty('token');
    });
  });

  describe('Idempotency-Key', () => {
    it('should answer the same new secret again to a retried rotation, from the old secret', async () => {
      const me = await holder();
      const key = `rotate-${Date.now()}`;

      const first = await t.as(me.token).post(ROTATE).set('Idempotency-Key', key).send({});
      const retry = await t.as(me.token).post(ROTATE).set('Idempotency-Key', key).send({});

      expectStatus(first, 200);
      expectStatus(retry, 200);
      expect(retry.body).toEqual(first.body);
      const secret = (first.body as CreatedTokenBody).token;
      expect(await works(secret)).toBe(200);
      expect(await works(me.token)).toBe(401);
      // The old secret still cannot do anything else, nor rotate under another key.
      expectStatus(await t.as(me.token).post(ROTATE).set('Idempotency-Key', 'other').send({}), 401);
      expectStatus(await t.as(me.token).get(SELF), 401);
    });

    it('should answer the same secret again to a retried regenerate of another token', async () => {
      const me = await holder({ expiry: 'month' });
      const sibling = await t
        .as(me.token)
        .post('/api/personal-access-tokens')
        .send({ note: 'sibling', permissions: ['documents'], allProjects: true, expiry: 'week' });
      const path = `/api/personal-access-tokens/${(sibling.body as CreatedTokenBody).id}/regenerate`;

      const first = await t.as(me.token).post(path).set('Idempotency-Key', 'k-1').send({
        expiry: 'week',
      });
      const retry = await t.as(me.token).post(path).set('Idempotency-Key', 'k-1').send({
        expiry: 'week',
      });
      const another = await t.as(me.token).post(path).set('Idempotency-Key', 'k-2').send({
        expiry: 'week',
      });

      expectStatus(first, 200);
      expect(retry.body).toEqual(first.body);
      expectStatus(another, 200);
      expect((another.body as CreatedTokenBody).token).not.toBe(
        (first.body as CreatedTokenBody).token,
      );
    });

    it('should answer 422 to a key reused for another request', async () => {
      const me = await holder();
      const key = `reuse-${Date.now()}`;
      expectStatus(
        await t.as(me.token).post(ROTATE).set('Idempotency-Key', key).send({ expiry: 'week' }),
        200,
      );

      const other = await t
        .as(me.token)
        .post(ROTATE)
        .set('Idempotency-Key', key)
        .send({ expiry: 'month' });

      expectStatus(other, 422);
      expect(other.body).not.toHaveProperty('token');
    });

    it('should answer 400 naming Idempotency-Key for a key that is too long', async () => {
      const me = await holder();

      const response = await t
        .as(me.token)
        .post(ROTATE)
        .set('Idempotency-Key', 'k'.repeat(256))
        .send({});

      expectBadRequestNaming(response, 'Idempotency-Key');
      expect(await works(me.token)).toBe(200);
    });

    it('should keep the remembered answer only encrypted, and forget it after its window', async () => {
      const me = await holder();
      const first = await t.as(me.token).post(ROTATE).set('Idempotency-Key', 'window').send({});
      expectStatus(first, 200);
      const secret = (first.body as CreatedTokenBody).token;

      expect(await databaseDump(t)).not.toContain(secret);
      const past = t.kind === 'postgres' ? new Date(Date.now() - 1000) : '2000-01-01 00:00:00.000';
      await query(t, 'UPDATE idempotent_answers SET expires_at = ? WHERE token_id = ?', [
        past,
        me.tokenId,
      ]);

      const late = await t.as(me.token).post(ROTATE).set('Idempotency-Key', 'window').send({});
      expectStatus(late, 401);
    });
  });
});
