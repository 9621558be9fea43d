import { isIP } from 'node:net';
import { expectStatus } from './support/http';
import { CreatedTokenBody, query, TokenBody, uniqueEmail } from './support/spec-helpers';
import { TestApp } from './support/test-app';

/*
 * What clients send that the service must take in its stride: generated SDKs that put
 * `Content-Type: application/json` on every request, forged X-Forwarded-For behind a proxy, emails
 * written in different Unicode forms and letter cases; and what answers carrying a secret tell
 * caches. On the database of the project (SQLite or PostgreSQL).
 */

describe('client input', () => {
  let t: TestApp;

  beforeAll(async () => {
    // One proxy hop in front: the address is the last X-Forwarded-For entry.
    process.env.TRUST_PROXY = '1';
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
    delete process.env.TRUST_PROXY;
  });

  const asOwner = () => t.as(t.owner.token);

  describe('an empty body sent as application/json', () => {
    it('should be read as no body by a DELETE', async () => {
      const bot = await t.createServiceUser(uniqueEmail('empty-delete'));
      const issued = await t.createServiceUserToken(bot.id);
      const response = await asOwner()
        .delete(`/api/users/service/${bot.id}/personal-access-tokens/${issued.tokenId}`)
        .set('Content-Type', 'application/json')
        .send('');
      expectStatus(response, 200);
      expect((response.body as TokenBody).id).toBe(issued.tokenId);
      expectStatus(await t.as(issued.token).get('/api/profile'), 401);
    });

    it('should be read as no body by a regenerate, which then names the missing field', async () => {
      const bot = await t.createServiceUser(uniqueEmail('empty-regenerate'));
      const issued = await t.createServiceUserToken(bot.id);
      const response = await asOwner()
        .post(`/api/users/service/${bot.id}/personal-access-tokens/${issued.tokenId}/regenerate`)
        .set('Content-Type', 'application/json')
        .send('');
      // Not "Body cannot be empty": the body is absent, and the answer is about the request's fields.
      expect(response.status).toBeLessThan(500);
      expect(JSON.stringify(response.body)).not.toMatch(/Body cannot be empty/i);
      if (response.status !== 200) {
        expectStatus(response, 400);
        expect(JSON.stringify(response.body)).toContain('expiry');
      }
    });

    it('should still refuse a body that is not JSON', async () => {
      const response = await asOwner()
        .post('/api/projects')
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expectStatus(response, 400);
    });
  });

  describe('answers that carry a secret', () => {
    it('should tell every cache not to store a created, regenerated or rotated token', async () => {
      const bot = await t.createServiceUser(uniqueEmail('no-store'));
      const created = await asOwner()
        .post(`/api/users/service/${bot.id}/personal-access-tokens`)
        .send({
          note: 'no-store',
          permissions: ['owner'],
          allProjects: true,
          projects: [],
          expiry: 'week',
        });
      expectStatus(created, 201);
      expect(created.headers['cache-control']).toBe('no-store');
      const id = (created.body as TokenBody).id;
      const regenerated = await asOwner()
        .post(`/api/users/service/${bot.id}/personal-access-tokens/${id}/regenerate`)
        .send({ expiry: 'week' });
      expectStatus(regenerated, 200);
      expect(regenerated.headers['cache-control']).toBe('no-store');

      const own = await asOwner()
        .post('/api/personal-access-tokens')
        .send({ note: 'own', permissions: ['documents'], allProjects: true, expiry: 'week' });
      expectStatus(own, 201);
      expect(own.headers['cache-control']).toBe('no-store');
      const ownRegenerated = await asOwner()
        .post(`/api/personal-access-tokens/${(own.body as TokenBody).id}/regenerate`)
        .send({ expiry: 'week' });
      expectStatus(ownRegenerated, 200);
      expect(ownRegenerated.headers['cache-control']).toBe('no-store');
      const rotated = await t
        .as((ownRegenerated.body as CreatedTokenBody).token)
        .post('/api/personal-access-tokens/self/rotate')
        .send({});
      expectStatus(rotated, 200);
      expect(rotated.headers['cache-control']).toBe('no-store');
    });

    it('should leave answers without a secret cacheable as before', async () => {
      const response = await asOwner().get('/api/personal-access-tokens');
      expectStatus(response, 200);
      expect(response.headers['cache-control']).toBeUndefined();
    });
  });

  describe('the client address behind a proxy (TRUST_PROXY=1)', () => {
    async function lastUsedIpAfter(forwardedFor: string): Promise<string | null> {
      const bot = await t.createServiceUser(uniqueEmail('address'));
      const issued = await t.createServiceUserToken(bot.id);
      expectStatus(
        await t.as(issued.token).get('/api/profile').set('X-Forwarded-For', forwardedFor),
        200,
      );
      // The last use is written off the request's path.
      for (let attempt = 0; attempt < 100; attempt++) {
        const [row] = await query<{ ip: string | null }>(
          t,
          'SELECT last_used_ip AS ip FROM personal_access_tokens WHERE id = ?',
          [issued.tokenId],
        );
        if (row.ip !== null) {
          return row.ip;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return null;
    }

    it('should record the address the proxy saw', async () => {
      expect(await lastUsedIpAfter('198.51.100.7')).toBe('198.51.100.7');
      expect(await lastUsedIpAfter('junk, 2001:db8::5')).toBe('2001:db8::5');
    });

    it.each([
      'not-an-address',
      'x'.repeat(200),
      '<script>',
      '1.2.3.4.5',
      'fe80::1%eth0-with-a-long-zone-name-to-pass-45-characters',
    ])('should record a valid IP, never the forwarded text %p', async (forged) => {
      const ip = await lastUsedIpAfter(forged);
      expect(ip).not.toBeNull();
      expect(isIP(ip!)).not.toBe(0);
      expect(ip).not.toContain(forged);
    });

    it('should put a valid IP in the audit log for a change made with a forged address', async () => {
      const email = uniqueEmail('audited-address');
      const response = await asOwner()
        .post('/api/users/service')
        .set('X-Forwarded-For', 'y'.repeat(80))
        .send({ email });
      expectStatus(response, 201);
      const rows = await query<{ ip: string }>(
        t,
        "SELECT ip FROM audit_log_entries WHERE action = 'user.created' AND target_id = ?",
        [(response.body as { id: string }).id],
      );
      expect(rows).toHaveLength(1);
      expect(isIP(rows[0].ip)).not.toBe(0);
    });
  });

  describe('emails are one address after Unicode normalisation and case folding', () => {
    it.each<[string, string, string]>([
      ['letter case', 'Ada.Lovelace', 'ada.lovelace'],
      ['a composed and a decomposed accent', 'jos\u00e9', 'jose\u0301'],
      ['ß and SS', 'stra\u00dfe', 'STRASSE'],
      ['a decomposed accent in capitals', 'RE\u0301MI', 're\u0301mi'],
    ])('should answer 409 for a second service user differing only in %s', async (_, a, b) => {
      const domain = `${uniqueEmail('canon').split('@')[0]}.example.com`;
      const first = await asOwner()
        .post('/api/users/service')
        .send({ email: `${a}@${domain}` });
      expectStatus(first, 201);
      const second = await asOwner()
        .post('/api/users/service')
        .send({ email: `${b}@${domain}` });
      expectStatus(second, 409);
      const stored = await query<{ email: string }>(t, 'SELECT email FROM users WHERE id = ?', [
        (first.body as { id: string }).id,
      ]);
      expect(stored[0].email).toBe((first.body as { email: string }).email);
      expect(stored[0].email.normalize('NFC')).toBe(stored[0].email);
    });

    it('should find the user by any form of the address', async () => {
      const domain = `${uniqueEmail('search').split('@')[0]}.example.com`;
      const created = await asOwner()
        .post('/api/users/service')
        .send({ email: `Zoe\u0308@${domain}` });
      expectStatus(created, 201);
      expect((created.body as { email: string }).email).toBe(`zo\u00eb@${domain}`);
    });
  });

  describe('400 answers that say what to fix', () => {
    const post = (path: string, text: string) =>
      asOwner().post(path).set('Content-Type', 'application/json').send(text);

    it.each([
      ['at the top', '{"__proto__":{"polluted":1},"name":"P","key":"proto-top"}'],
      ['nested', '{"name":"P","key":"proto-nested","x":{"constructor":{"prototype":{}}}}'],
    ])(
      'should say that a __proto__ or constructor.prototype key is refused, %s, not that the JSON is invalid',
      async (_where, text) => {
        const response = await post('/api/projects', text);
        expectStatus(response, 400);
        expect(response.body).toEqual({
          statusCode: 400,
          message:
            'The request body must not have a "__proto__" or "constructor.prototype" key (refused against prototype poisoning)',
          error: 'Bad Request',
        });
      },
    );

    it('should say where broken JSON breaks, without quoting it', async () => {
      const response = await post('/api/projects', '{"name":"opat_not_echoed" "key":1}');
      expectStatus(response, 400);
      expect(response.body.message).toBe('The request body is not valid JSON (at character 27)');
      expect(response.text).not.toContain('opat_not_echoed');
    });

    it.each(['[]', 'null', '"a project"', '42', '[{"name":"P","key":"in-array"}]'])(
      'should answer a body of %s with one message: it must be a JSON object',
      async (text) => {
        for (const path of ['/api/projects', '/api/personal-access-tokens/lookup']) {
          const response = await post(path, text);
          expectStatus(response, 400);
          expect({ path, message: response.body.message }).toEqual({
            path,
            message: 'The request body must be a JSON object',
          });
        }
      },
    );

    it.each([
      ['/api/projects?perPage=abc', ['perPage must be an integer between 1 and 100']],
      ['/api/projects?perPage=1.5', ['perPage must be an integer between 1 and 100']],
      ['/api/projects?perPage=101', ['perPage must be an integer between 1 and 100']],
      ['/api/users?page=0', ['page must be an integer between 1 and 1000000']],
      [
        '/api/personal-access-tokens?expiringWithinDays=soon',
        ['expiringWithinDays must be an integer between 0 and 3650'],
      ],
    ])('should answer %s with one message saying it must be an integer', async (path, message) => {
      const response = await asOwner().get(path);
      expectStatus(response, 400);
      expect(response.body.message).toEqual(message);
    });

    it("should say that a project's version is fixed after creation, and leave it unchanged", async () => {
      const created = await asOwner()
        .post('/api/projects')
        .send({ name: 'Fixed version', key: 'fixed-version', version: 'v1' });
      expectStatus(created, 201);
      const id = (created.body as { id: string }).id;
      for (const version of ['v2', 'v1']) {
        const response = await asOwner().put(`/api/projects/${id}`).send({ version });
        expectStatus(response, 400);
        expect(response.body.message).toEqual([
          'version is fixed after creation: create a new project to use another version',
        ]);
      }
      const after = await asOwner().get(`/api/projects/${id}`);
      expect(after.body).toMatchObject({ version: 'v1', name: 'Fixed version' });
    });
  });
});
