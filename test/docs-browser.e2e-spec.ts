import { existsSync, mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { DOCS_PATHS } from '../src/app.factory';
import { currentDatabaseKind } from '../src/database/database-kind';
import { IssuedToken, TestApp } from './support/test-app';

/*
 * Swagger UI at /docs in a real headless Chromium: authorize with a token, keep it over a reload
 * (persistAuthorization), then try out the documented GET of a service user's token. Needs
 * Debian's /usr/bin/chromium (apt-get install chromium); without it the file is skipped, unless
 * REQUIRE_BROWSER=1 (CI), which makes a missing browser a failure.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];
const SCREENSHOT = join(__dirname, '..', 'artifacts', 'docs-browser.png');
const OPERATION = '#operations-Service_user_tokens-getServiceUserToken';

function skipReason(): string | undefined {
  if (currentDatabaseKind() === 'postgres') {
    return 'it runs once, in the e2e-sqlite project: the docs page does not depend on the database';
  }
  if (!existsSync(CHROMIUM) && process.env.REQUIRE_BROWSER !== '1') {
    return `${CHROMIUM} is not installed (apt-get install chromium); REQUIRE_BROWSER=1 makes this a failure`;
  }
  return undefined;
}

const reason = skipReason();
if (reason) {
  console.warn(`docs-browser.e2e-spec.ts SKIPPED: ${reason}`);
}

(reason ? describe.skip : describe)('Swagger UI at /docs in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl: string;
  let serviceUser: { id: string };
  let serviceToken: IssuedToken;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get install chromium`);
    }
    t = await TestApp.start();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    serviceUser = await t.createServiceUser('docs-bot@example.com');
    serviceToken = await t.createServiceUserToken(serviceUser.id, {
      note: 'Tried out in Swagger UI',
      permissions: ['releases:deploy'],
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) {
        cspViolations.push(message.text());
      }
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should let a developer authorize, keep the token over a reload and try out the documented GET', async () => {
    // The page, as served under the app's Content-Security-Policy.
    const response = await page.goto(`${baseUrl}${DOCS_PATHS.ui}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBeDefined();
    const authorize = page.locator('.auth-wrapper button.authorize');
    await authorize.waitFor({ timeout: 15_000 });
    expect(await page.locator('.information-container .title').textContent()).toContain(
      'Organisation access API',
    );
    expect(await authorize.getAttribute('class')).toContain('unlocked');

    // Authorize: paste the token into the bearer field of the modal.
    await authorize.click();
    await page.locator('#auth-bearer-value').fill(t.owner.token);
    await page.locator('.auth-btn-wrapper button[type="submit"]').click();
    await page.locator('.modal-ux-content h6', { hasText: 'Authorized' }).waitFor();
    await page.locator('.auth-btn-wrapper button.btn-done').click();
    expect(await authorize.getAttribute('class')).toContain('locked');
    expect(await authorize.getAttribute('class')).not.toContain('unlocked');

    // A reload keeps it (persistAuthorization): the lock stays closed and the token stays stored.
    await page.reload();
    await authorize.waitFor({ timeout: 15_000 });
    expect(await authorize.getAttribute('class')).not.toContain('unlocked');
    const stored = await page.evaluate<string | null>("localStorage.getItem('authorized')");
    expect(stored).toContain(t.owner.token);
    await authorize.click();
    await page.locator('.modal-ux-content h6', { hasText: 'Authorized' }).waitFor();
    // The value is masked: Swagger UI knows the token, it does not show it.
    await page.locator('.modal-ux-content code', { hasText: '******' }).waitFor();
    await page.locator('.auth-btn-wrapper button.btn-done').click();

    // The documented operation, under its tag, shown with its operationId.
    const operation = page.locator(OPERATION);
    await operation.locator('.opblock-summary-control').click();
    expect(await operation.locator('.opblock-summary-path').textContent()).toBe(
      '/api/users/service/{userId}/personal-access-tokens/{patId}',
    );
    expect(await operation.locator('.opblock-summary-operation-id').textContent()).toBe(
      'getServiceUserToken',
    );

    // Try it out with a real service user and token, then Execute.
    await operation.locator('button.try-out__btn').click();
    await operation.locator('tr[data-param-name="userId"] input').fill(serviceUser.id);
    await operation.locator('tr[data-param-name="patId"] input').fill(serviceToken.tokenId);
    await operation.locator('button.execute').click();

    const live = operation.locator('.live-responses-table tbody .response');
    await live.waitFor({ timeout: 15_000 });
    expect((await live.locator('.response-col_status').textContent())?.trim()).toBe('200');
    const body = await live.locator('.response-col_description pre').first().textContent();
    expect(JSON.parse(body ?? '')).toMatchObject({
      id: serviceToken.tokenId,
      note: 'Tried out in Swagger UI',
      user: { id: serviceUser.id },
    });
    // The request Swagger UI sent carried the persisted token.
    expect(await operation.locator('.curl-command').textContent()).toContain(
      `Authorization: Bearer ${t.owner.token}`,
    );

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await live.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    // Swagger UI worked under the CSP: nothing refused, nothing thrown.
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
