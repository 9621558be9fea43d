import {
  CreatedTokenBody,
  expectBadRequestNaming,
  query,
  uniqueEmail,
} from './support/spec-helpers';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

/*
 * allowedIps: addresses and CIDRs, IPv4 and IPv6, at most 50, on create and regenerate, answered
 * on every Token. A valid token used from elsewhere answers 403 and leaves `auth.ip-refused` in
 * the audit log (at most one per token per minute). The requests here come from 127.0.0.1.
 */

const LOCAL = ['127.0.0.0/8', '::1'];

describe('Token allowedIps', () => {
  let t: TestApp;
  let bot: { id: string };
  let base: string;

  beforeAll(async () => {
    t = await TestApp.start();
    bot = await t.createServiceUser(uniqueEmail('ip-bot'));
    base = `/api/users/service/${bot.id}/personal-access-tokens`;
  });

  afterAll(async () => {
    await t.close();
  });

  const create = (allowedIps?: unknown) =>
    t
      .as(t.owner.token)
      .post(base)
      .send({
        note: 'ip',
        permissions: ['documents'],
        allProjects: true,
        expiry: 'month',
        ...(allowedIps === undefined ? {} : { allowedIps }),
      });
  const created = async (allowedIps?: unknown): Promise<CreatedTokenBody> => {
    const response = await create(allowedIps);
    expectStatus(response, 201);
    return response.body as CreatedTokenBody;
  };
  const refusals = async (tokenId: string) =>
    (
      await query(
        t,
        "SELECT id FROM audit_log_entries WHERE action = 'auth.ip-refused' AND target_id = ?",
        [tokenId],
      )
    ).length;

  it('should answer allowedIps on every Token, normalised, and [] when absent', async () => {
    const listed = await created(['10.0.0.0/8', '192.168.1.7', '2001:DB8::/32', '::1']);
    const anywhere = await created();

    expect(listed.allowedIps).toEqual(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1']);
    expect(anywhere.allowedIps).toEqual([]);
    const one = await t.as(t.owner.token).get(`${base}/${listed.id}`);
    expect((one.body as CreatedTokenBody).allowedIps).toEqual(listed.allowedIps);
    const all = await t.as(t.owner.token).get(base);
    const fromList = (all.body as CreatedTokenBody[]).find((token) => token.id === listed.id);
    expect(fromList?.allowedIps).toEqual(listed.allowedIps);
  });

  it('should let a token through from an allowed address', async () => {
    const token = await created(LOCAL);

    expectStatus(await t.as(token.token).get('/api/profile'), 200);
    expectStatus(
      await t.http().get('/api/auth/verify').set('Authorization', `Bearer ${token.token}`),
      200,
    );
  });

  it('should answer 403 from elsewhere, on every route and the gateway check, auditing at most once a minute', async () => {
    const token = await created(['10.0.0.0/8', '2001:db8::/32']);

    const profile = await t.as(token.token).get('/api/profile');
    const verify = await t
      .http()
      .get('/api/auth/verify')
      .set('Authorization', `Bearer ${token.token}`);
    const again = await t.as(token.token).get('/api/profile');

    expectStatus(profile, 403);
    expectStatus(verify, 403);
    expectStatus(again, 403);
    expect(JSON.stringify(profile.body)).toMatch(/address/);
    expect(await refusals(token.id)).toBe(1);
  });

  it('should replace the list on regenerate, and keep it when regenerate does not name one', async () => {
    const token = await created(['10.0.0.0/8']);
    const kept = await t
      .as(t.owner.token)
      .post(`${base}/${token.id}/regenerate`)
      .send({ expiry: 'week' });
    expectStatus(kept, 200);
    expect((kept.body as CreatedTokenBody).allowedIps).toEqual(['10.0.0.0/8']);

    const replaced = await t
      .as(t.owner.token)
      .post(`${base}/${token.id}/regenerate`)
      .send({ expiry: 'week', allowedIps: LOCAL });

    expectStatus(replaced, 200);
    expect((replaced.body as CreatedTokenBody).allowedIps).toEqual(LOCAL);
    expectStatus(await t.as((replaced.body as CreatedTokenBody).token).get('/api/profile'), 200);
  });

  it.each([
    ['not an address', ['example.com']],
    ['a bad prefix', ['10.0.0.0/33']],
    ['a bad IPv6 prefix', ['::1/129']],
    ['not a list', '10.0.0.1'],
    ['a number', [10]],
    ['more than 50', Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`)],
  ])('should answer 400 naming allowedIps for %s', async (_case, allowedIps) => {
    expectBadRequestNaming(await create(allowedIps), 'allowedIps');
  });

  it('should refuse a token restricted to some addresses minting one usable from anywhere', async () => {
    const person = await t.createPerson(uniqueEmail('ip-person'), 'member', {
      permissions: ['documents'],
      expiry: 'year',
    });
    const restricted = await t
      .as(person.token)
      .post('/api/personal-access-tokens')
      .send({
        note: 'restricted',
        permissions: ['documents'],
        allProjects: true,
        expiry: 'month',
        allowedIps: LOCAL,
      });
    expectStatus(restricted, 201);
    const secret = (restricted.body as CreatedTokenBody).token;
    const mint = (allowedIps?: string[]) =>
      t
        .as(secret)
        .post('/api/personal-access-tokens')
        .send({
          note: 'minted',
          permissions: ['documents'],
          allProjects: true,
          expiry: 'week',
          allowedIps,
        });

    expectStatus(await mint(), 403);
    expectStatus(await mint(['10.0.0.0/8']), 403);
    expectStatus(await mint(['127.0.0.1']), 201);
  });
});
