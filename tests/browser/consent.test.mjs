// The consent page of hsoauth in a real browser (Debian's /usr/bin/chromium driven by
// playwright-core): a user opens the demo app's authorize URL, picks who signs in and which
// account, clicks "Connect app", and the app's callback receives a code that exchanges for tokens
// of exactly that user and account. Cancel shows the "was not connected" page and reaches no app.
//
//   HSOAUTH_BINARY=build/hsoauth HSOAUTH_ARTIFACTS_DIR=build/artifacts node --test consent.test.mjs
//
// The server runs with --seed conf/seed.json on 127.0.0.1:0. The demo app's redirect URI
// (http://localhost:3000/oauth/callback) is answered by the test itself: Chromium resolves
// localhost:3000 to a callback server of this test on an ephemeral port (--host-resolver-rules),
// so nothing need listen on port 3000 and an app that does never sees these codes. (Playwright's
// page.route cannot answer it: Chromium does not route the target of a server redirect.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, repo, startServer, stopServer } from '../support/hsoauth-server.mjs';
import { chromium } from 'playwright-core';

const artifacts = process.env.HSOAUTH_ARTIFACTS_DIR || join(repo, 'build', 'artifacts');
const chromiumPath = process.env.HSOAUTH_CHROMIUM || '/usr/bin/chromium';

// The demo of conf/seed.json.
const demo = {
  name: 'Demo Integration',
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  redirectUri: 'http://localhost:3000/oauth/callback',
  scope: 'oauth crm.objects.contacts.read',
  optionalScope: 'crm.objects.contacts.write content',
  allScopes: ['content', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'oauth'],
  requiredScopes: ['crm.objects.contacts.read', 'oauth'],
};
const users = { dev: { id: 123456, email: 'dev@example.com' }, ops: { id: 123457, email: 'ops@example.com' } };
const hubs = { demo: 62515, eu: 90210 };

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

// An HTTP server on 127.0.0.1:0 standing in for the app: answers "callback" to everything and
// records each URL asked of it (as http://localhost:3000/...) but the browser's own favicon fetch.
async function startCallbackServer() {
  const requests = [];
  const server = createServer((request, response) => {
    if (request.url !== '/favicon.ico') requests.push(`http://${request.headers.host}${request.url}`);
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('callback');
  });
  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolvePromise);
  });
  return { server, requests, port: server.address().port };
}

function authorizeUrl(baseUrl, { state, codeChallenge }) {
  const url = new URL('/oauth/authorize', baseUrl);
  url.searchParams.set('client_id', demo.clientId);
  url.searchParams.set('redirect_uri', demo.redirectUri);
  url.searchParams.set('scope', demo.scope);
  url.searchParams.set('optional_scope', demo.optionalScope);
  if (state !== undefined) url.searchParams.set('state', state);
  if (codeChallenge) {
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

async function exchangeCode(baseUrl, code, codeVerifier) {
  const response = await fetch(new URL('/oauth/v1/token', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      redirect_uri: demo.redirectUri,
      code,
      code_verifier: codeVerifier,
    }),
  });
  return { status: response.status, body: await response.json() };
}

describe('the consent page in Chromium', () => {
  let dir;
  let server;
  let baseUrl;
  let browser;
  let app;

  before(async () => {
    assert.ok(existsSync(binary), `hsoauth binary not found at ${binary} (set HSOAUTH_BINARY)`);
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath}`);
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'hsoauth-browser-'));
    server = startServer(dir);
    baseUrl = await server.ready;
    app = await startCallbackServer();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--host-resolver-rules=MAP localhost:3000 127.0.0.1:${app.port}`],
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (app) await new Promise((resolvePromise) => app.server.close(resolvePromise));
    await stopServer(server?.child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // A fresh browser context and page; `callbacks` lists the requests the app received since.
  async function openPage() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = app.requests.length;
    return { context, page, callbacks: { get list() { return app.requests.slice(seen); } } };
  }

  // Opens the authorize URL, checks the page, chooses `user` and `hub` by clicking their labels,
  // clicks "Connect app" and returns the callback URL the browser was sent to.
  async function approveInBrowser({ user, hub, state, codeChallenge, screenshot }) {
    const { context, page, callbacks } = await openPage();
    try {
      const response = await page.goto(authorizeUrl(baseUrl, { state, codeChallenge }));
      assert.equal(response.status(), 200);
      assert.equal(response.headers()['x-frame-options'], 'DENY');
      assert.match(response.headers()['content-security-policy'], /frame-ancestors 'none'/);
      await page.getByRole('heading', { name: `Connect ${demo.name} to HubSpot` }).waitFor();
      assert.match(await page.title(), new RegExp(demo.name));

      await page.locator('label', { hasText: user.email }).click();
      await page.locator('label', { has: page.locator(`input[name="hub_id"][value="${hub}"]`) }).click();
      assert.equal(await page.getByLabel(user.email).isChecked(), true, `${user.email} is selected`);
      assert.equal(await page.locator(`input[name="hub_id"][value="${hub}"]`).isChecked(), true, `hub ${hub} is selected`);
      if (screenshot) await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });

      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(demo.redirectUri), { timeout: 15000 }),
        page.getByRole('button', { name: 'Connect app' }).click(),
      ]);
      assert.equal(await page.locator('body').innerText(), 'callback', 'the test\'s callback server answered');
      assert.deepEqual(callbacks.list, [page.url()], 'the app got exactly the callback the browser shows');
      return new URL(page.url());
    } finally {
      await context.close();
    }
  }

  test('approving as ops@example.com on demo.hubspot.com hands the app a code for that user and account', async () => {
    const state = `browser-${base64url(randomBytes(9))}`;
    const codeVerifier = base64url(randomBytes(32));
    const codeChallenge = base64url(createHash('sha256').update(codeVerifier).digest());

    const callback = await approveInBrowser({
      user: users.ops, hub: hubs.demo, state, codeChallenge, screenshot: 'consent-page.png',
    });
    assert.equal(`${callback.origin}${callback.pathname}`, demo.redirectUri);
    assert.equal(callback.searchParams.get('state'), state);
    const code = callback.searchParams.get('code');
    assert.ok(code, `a code in ${callback.href}`);

    const wrong = await exchangeCode(baseUrl, code, base64url(randomBytes(32)));
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.status, 'BAD_CODE_VERIFIER');

    const tokens = await exchangeCode(baseUrl, code, codeVerifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.user_id, users.ops.id);
    assert.equal(tokens.body.hub_id, hubs.demo);
    assert.deepEqual([...tokens.body.scopes].sort(), demo.allScopes);

    const info = await fetch(new URL(`/oauth/v1/access-tokens/${encodeURIComponent(tokens.body.access_token)}`, baseUrl));
    assert.equal(info.status, 200);
    const metadata = await info.json();
    assert.equal(metadata.hub_id, hubs.demo);
    assert.equal(metadata.hub_domain, 'demo.hubspot.com');
    assert.equal(metadata.user, users.ops.email);
    assert.equal(metadata.user_id, users.ops.id);
  });

  test('approving as dev@example.com on the EU account grants only the scopes that account allows', async () => {
    const codeVerifier = base64url(randomBytes(32));
    const codeChallenge = base64url(createHash('sha256').update(codeVerifier).digest());
    const callback = await approveInBrowser({ user: users.dev, hub: hubs.eu, codeChallenge });
    assert.equal(callback.searchParams.has('state'), false, 'no state was sent, none comes back');
    const tokens = await exchangeCode(baseUrl, callback.searchParams.get('code'), codeVerifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.user_id, users.dev.id);
    assert.equal(tokens.body.hub_id, hubs.eu);
    assert.deepEqual([...tokens.body.scopes].sort(), demo.requiredScopes);
    const info = await fetch(new URL(`/oauth/v1/access-tokens/${encodeURIComponent(tokens.body.access_token)}`, baseUrl));
    const metadata = await info.json();
    assert.equal(metadata.hub_id, hubs.eu);
    assert.equal(metadata.user, users.dev.email);
  });

  test('Cancel shows the "was not connected" page and sends nothing to the app', async () => {
    const { context, page, callbacks } = await openPage();
    try {
      await page.goto(authorizeUrl(baseUrl, { state: 'cancel-me' }));
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/oauth/authorize' && url.search === '', { timeout: 15000 }),
        page.getByRole('button', { name: 'Cancel' }).click(),
      ]);
      await page.getByRole('heading', { name: `${demo.name} was not connected` }).waitFor();
      assert.deepEqual(callbacks.list, [], 'no request reached the app');
      assert.equal(new URL(page.url()).origin, baseUrl);
    } finally {
      await context.close();
    }
  });
});
