import { join } from 'node:path';
import { freePort } from './support/child-process';
import { expectStatus, send } from './support/http';
import {
  NginxProcess,
  nginxInstalled,
  NGINX,
  readmeNginxServerBlock,
  Upstream,
} from './support/nginx';
import { uniqueEmail } from './support/spec-helpers';
import { TestApp } from './support/test-app';

/*
 * The gateway check behind a real nginx (`auth_request`), configured with the README's own nginx
 * block: a small upstream service behind it, the service on a port of its own. Needs nginx
 * (Debian: apt-get install nginx-light); without it the file is skipped, unless REQUIRE_NGINX=1
 * (CI), which makes a missing nginx a failure.
 */

const reason =
  !nginxInstalled() && process.env.REQUIRE_NGINX !== '1'
    ? `${NGINX} is not installed (apt-get install nginx-light); REQUIRE_NGINX=1 makes this a failure`
    : undefined;
if (reason) {
  console.warn(`gateway-nginx.e2e-spec.ts SKIPPED: ${reason}`);
}

(reason ? describe.skip : describe)('The gateway check behind a real nginx', () => {
  let t: TestApp;
  let upstream: Upstream;
  let nginx: NginxProcess;
  let bot: { id: string };

  beforeAll(async () => {
    if (!nginxInstalled()) {
      throw new Error(`REQUIRE_NGINX=1 but ${NGINX} is missing: apt-get install nginx-light`);
    }
    t = await TestApp.start();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const service = t.app.getHttpServer().address() as { port: number };
    upstream = await Upstream.start();
    const port = await freePort();
    nginx = await NginxProcess.start(
      port,
      readmeNginxServerBlock(join(__dirname, '..', 'README.md'), {
        listen: port,
        service: `127.0.0.1:${service.port}`,
        upstream: upstream.address,
      }),
    );
    bot = await t.createServiceUser(uniqueEmail('gateway-bot'));
  });

  afterAll(async () => {
    await nginx?.stop();
    await upstream?.close();
    await t?.close();
  });

  it('should let a token with the permission through, with its identity in the headers', async () => {
    const deployer = await t.createServiceUserToken(bot.id, {
      permissions: ['releases'],
      allProjects: true,
    });
    const before = upstream.hits.length;

    const response = await send(nginx.baseUrl, '/deploy/run?x=1', { token: deployer.token });

    expectStatus(response, 200);
    expect(response.body).toEqual({ upstream: true, path: '/deploy/run?x=1' });
    expect(upstream.hits).toHaveLength(before + 1);
    const { headers } = upstream.hits[before];
    expect(headers['x-auth-user-id']).toBe(bot.id);
    expect(headers['x-auth-token-id']).toBe(deployer.tokenId);
    expect(headers['x-auth-permissions']).toBe('releases');
  });

  it('should refuse with 403 a valid token without the permission, before the upstream', async () => {
    const reader = await t.createServiceUserToken(bot.id, {
      permissions: ['documents'],
      allProjects: true,
    });
    const before = upstream.hits.length;

    const refused = await send(nginx.baseUrl, '/deploy/run', { token: reader.token });
    // The same token passes where its permission is asked (documents grants documents:view-content).
    const allowed = await send(nginx.baseUrl, '/docs/page', { token: reader.token });

    expectStatus(refused, 403);
    expectStatus(allowed, 200);
    expect(upstream.hits.map((hit) => hit.path).slice(before)).toEqual(['/docs/page']);
  });

  it('should refuse a deleted token with 401 and WWW-Authenticate on the very next request', async () => {
    const deployer = await t.createServiceUserToken(bot.id, { permissions: ['releases:deploy'] });
    expectStatus(await send(nginx.baseUrl, '/deploy/one', { token: deployer.token }), 200);

    const deleted = await t
      .as(t.owner.token)
      .delete(`/api/users/service/${bot.id}/personal-access-tokens/${deployer.tokenId}`);
    expectStatus(deleted, 200);
    const before = upstream.hits.length;
    const response = await send(nginx.baseUrl, '/deploy/two', { token: deployer.token });

    expectStatus(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(upstream.hits).toHaveLength(before);
  });

  it('should refuse a request without a token with 401', async () => {
    const response = await send(nginx.baseUrl, '/deploy/run');

    expectStatus(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(nginx.errorLog()).not.toMatch(/auth request unexpected status/);
  });
});
