import { query, unique, uniqueEmail, UNKNOWN_SECRET } from './support/spec-helpers';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

/*
 * POST /api/personal-access-tokens/introspect (RFC 7662): form-encoded or JSON, for admins;
 * exactly {"active": false} for anything that is not a live token of the organisation.
 */

const INTROSPECT = '/api/personal-access-tokens/introspect';
const FORM = 'application/x-www-form-urlencoded';

describe('POST /api/personal-access-tokens/introspect', () => {
  let t: TestApp;
  let bot: { id: string; email: string };
  let project: string;

  beforeAll(async () => {
    t = await TestApp.start();
    bot = await t.createServiceUser(uniqueEmail('introspected'));
    project = (await t.createProject('Introspected', unique('introspected'))).id;
  });

  afterAll(async () => {
    await t.close();
  });

  const asForm = (secret: string, as = t.owner.token) =>
    t
      .as(as)
      .post(INTROSPECT)
      .set('Content-Type', FORM)
      .send(`token=${encodeURIComponent(secret)}&token_type_hint=access_token`);
  const asJson = (body: unknown, as = t.owner.token) =>
    t
      .as(as)
      .post(INTROSPECT)
      .send(body as object);

  it('should describe a live token, form-encoded as RFC 7662 sends it', async () => {
    const issued = await t.createServiceUserToken(bot.id, {
      permissions: ['releases:deploy', 'documents'],
      allProjects: false,
      projects: [project],
      expiry: 'month',
    });
    const [row] = await query<{ created_at: string | Date; expires_at: string | Date }>(
      t,
      'SELECT created_at, expires_at FROM personal_access_tokens WHERE id = ?',
      [issued.tokenId],
    );
    const seconds = (value: string | Date) =>
      Math.floor(
        (value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`)).getTime() / 1000,
      );

    const response = await asForm(issued.token);

    expectStatus(response, 200);
    expect(response.body).toEqual({
      active: true,
      sub: bot.id,
      username: bot.email,
      scope: 'releases:deploy documents',
      exp: seconds(row.expires_at),
      iat: seconds(row.created_at),
      token_type: 'personal_access_token',
      client_id: issued.tokenId,
      projects: [project],
    });
  });

  it('should take JSON too, and answer projects "*" and no exp for an indefinite all-projects token', async () => {
    // An admin: its owner token's scope is owner (a member's would be capped by its type).
    const adminBot = await t.createServiceUser(uniqueEmail('introspected-admin'), 'admin');
    const issued = await t.createServiceUserToken(adminBot.id, {
      permissions: ['owner'],
      allProjects: true,
      expiry: 'indefinite',
    });

    const response = await asJson({ token: issued.token });

    expectStatus(response, 200);
    expect(response.body).toMatchObject({ active: true, projects: '*', scope: 'owner' });
    expect(response.body).not.toHaveProperty('exp');
  });

  it('should answer exactly {"active": false} for anything that is not a live token', async () => {
    const expired = await t.createServiceUserToken(bot.id, { expiry: 'week' });
    const past = t.kind === 'postgres' ? new Date(Date.now() - 1000) : '2000-01-01 00:00:00.000';
    await query(t, 'UPDATE personal_access_tokens SET expires_at = ? WHERE id = ?', [
      past,
      expired.tokenId,
    ]);
    const deleted = await t.createServiceUserToken(bot.id);
    const replaced = await t.createServiceUserToken(bot.id);
    const base = `/api/users/service/${bot.id}/personal-access-tokens`;
    expectStatus(await t.as(t.owner.token).delete(`${base}/${deleted.tokenId}`), 200);
    expectStatus(
      await t
        .as(t.owner.token)
        .post(`${base}/${replaced.tokenId}/regenerate`)
        .send({ expiry: 'week' }),
      200,
    );
    const disabled = await t.createPerson(uniqueEmail('introspect-disabled'), 'member');
    expectStatus(
      await t.as(t.owner.token).put(`/api/users/${disabled.userId}`).send({ status: 'disabled' }),
      200,
    );

    for (const secret of [
      expired.token,
      deleted.token,
      replaced.token,
      disabled.token,
      UNKNOWN_SECRET,
      'opat_short',
      'not a token at all',
      '',
    ]) {
      const form = await asForm(secret);
      const json = await asJson({ token: secret });
      expectStatus(form, 200);
      expect(form.text).toBe('{"active":false}');
      expect(json.text).toBe('{"active":false}');
    }
  });

  it('should answer 400 naming token when there is none', async () => {
    const response = await t
      .as(t.owner.token)
      .post(INTROSPECT)
      .set('Content-Type', FORM)
      .send('token_type_hint=access_token');

    expectStatus(response, 400);
    expect(JSON.stringify(response.body)).toMatch(/\btoken\b/);
  });

  it('should answer 403 to a token that is not an admin, and 401 without one', async () => {
    const member = await t.createPerson(uniqueEmail('introspect-member'), 'member');

    expectStatus(await asForm(member.token, member.token), 403);
    expectStatus(
      await t.http().post(INTROSPECT).set('Content-Type', FORM).send(`token=${member.token}`),
      401,
    );
  });

  it('should keep answering 415 to a form on every other route', async () => {
    const response = await t
      .as(t.owner.token)
      .post('/api/projects')
      .set('Content-Type', FORM)
      .send(`name=Form&key=${unique('form')}`);

    expectStatus(response, 415);
  });
});
