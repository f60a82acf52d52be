// HubSpot's official Node client (@hubspot/api-client, the exact version of package.json), used
// unchanged against hsoauth: an integrator only points `basePath` at the server. Every assertion is
// on what the client hands back — its typed results, or the ApiException it rejects with (`code` is
// the HTTP status, `body` the parsed error JSON) — never on raw HTTP. Only the admin API, which the
// client does not know, is called with plain fetch to mint authorization codes.
//
//   HSOAUTH_BINARY=build/hsoauth node --test official-node.test.mjs
//
// The server runs with --seed conf/seed.json (the demo app, hub 62515, user dev@example.com) on
// 127.0.0.1:0 with a fresh database per run.
//
// With HSOAUTH_HUBAPI_CERT and HSOAUTH_HUBAPI_KEY set (tests/clients/run-hubapi.sh, inside a
// namespace whose /etc/hosts sends api.hubapi.com and app.hubspot.com to 127.0.0.1), the server
// also serves HTTPS on 127.0.0.1:443 with that certificate, and the client runs with NO basePath:
// every call goes to https://api.hubapi.com as in an unchanged integration.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminKey, binary, startServer, stopServer } from '../support/hsoauth-server.mjs';
import { Client } from '@hubspot/api-client';


// The demo of conf/seed.json.
const demo = {
  name: 'Demo Integration',
  appId: 456789,
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  redirectUri: 'http://localhost:3000/oauth/callback',
  scopes: ['oauth', 'crm.objects.contacts.read'],
  optionalScopes: ['crm.objects.contacts.write', 'content'],
  hubId: 62515,
  hubDomain: 'demo.hubspot.com',
  userId: 123456,
  user: 'dev@example.com',
};

// The error a promise of the client rejects with; fails the test when it resolves instead.
async function rejectionOf(promise) {
  try {
    const value = await promise;
    assert.fail(`expected the call to reject, it resolved with ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

// Asserts the client's ApiException: HTTP status `code`, HubSpot `status` in the parsed body, and a
// correlationId in the body equal to the X-HubSpot-Correlation-Id header the client kept.
function assertApiError(error, code, status) {
  assert.equal(error.code, code, `HTTP status of ${error.message}`);
  assert.equal(typeof error.body, 'object', `parsed body of ${error.message}`);
  assert.equal(error.body.status, status, `body.status of ${error.message}`);
  assert.equal(typeof error.body.message, 'string');
  assert.match(error.body.correlationId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(error.headers['x-hubspot-correlation-id'], error.body.correlationId);
}

const sorted = (values) => [...values].sort();

const hubapi = process.env.HSOAUTH_HUBAPI_CERT
  ? { cert: process.env.HSOAUTH_HUBAPI_CERT, key: process.env.HSOAUTH_HUBAPI_KEY }
  : null;

describe(`@hubspot/api-client against hsoauth${hubapi ? ' as https://api.hubapi.com' : ''}`, () => {
  let dir;
  let server;
  let baseUrl;  // where the client and the admin calls go
  let client;

  // A fresh authorization code of the demo app for dev@example.com in hub 62515, from the admin API.
  async function mintCode() {
    const response = await fetch(new URL('/admin/v1/authorization-codes', baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: demo.clientId,
        hub_id: demo.hubId,
        user_id: demo.userId,
        redirect_uri: demo.redirectUri,
        scopes: demo.scopes,
      }),
    });
    const body = await response.json();
    assert.equal(response.status, 201, `minting a code: ${JSON.stringify(body)}`);
    assert.equal(typeof body.code, 'string');
    return body.code;
  }

  // The client's authorization_code grant, as an integrator's callback handler makes it.
  const exchange = (code, clientSecret = demo.clientSecret) =>
    client.oauth.tokensApi.create('authorization_code', code, demo.redirectUri, demo.clientId, clientSecret);

  // The client's refresh_token grant.
  const refresh = (refreshToken, clientSecret = demo.clientSecret) =>
    client.oauth.tokensApi.create('refresh_token', undefined, undefined, demo.clientId, clientSecret, refreshToken);

  // A fresh token pair through the client.
  const mintTokens = async () => exchange(await mintCode());

  before(async () => {
    assert.ok(existsSync(binary), `hsoauth binary not found at ${binary} (set HSOAUTH_BINARY)`);
    dir = mkdtempSync(join(tmpdir(), 'hsoauth-clients-'));
    if (hubapi) {
      server = startServer(dir, ['--tls-listen', '127.0.0.1:443', '--tls-cert', hubapi.cert, '--tls-key', hubapi.key]);
      await server.ready;
      baseUrl = 'https://api.hubapi.com';
      client = new Client();  // HubSpot's own default host, unchanged
    } else {
      server = startServer(dir);
      baseUrl = await server.ready;
      client = new Client({ basePath: baseUrl });
    }
  });

  after(async () => {
    await stopServer(server?.child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('tokensApi.create exchanges an authorization code for a bearer token pair', async () => {
    const tokens = await exchange(await mintCode());
    assert.equal(typeof tokens.accessToken, 'string');
    assert.ok(tokens.accessToken.length > 0);
    assert.equal(typeof tokens.refreshToken, 'string');
    assert.ok(tokens.refreshToken.length > 0);
    assert.notEqual(tokens.accessToken, tokens.refreshToken);
    assert.equal(tokens.expiresIn, 1800);
    assert.equal(tokens.tokenType, 'bearer');
  });

  test('accessTokensApi.get describes the access token', async () => {
    const tokens = await mintTokens();
    const info = await client.oauth.accessTokensApi.get(tokens.accessToken);
    assert.equal(info.token, tokens.accessToken);
    assert.equal(info.hubId, demo.hubId);
    assert.equal(info.hubDomain, demo.hubDomain);
    assert.equal(info.userId, demo.userId);
    assert.equal(info.user, demo.user);
    assert.equal(info.appId, demo.appId);
    assert.deepEqual(sorted(info.scopes), sorted(demo.scopes));
    assert.equal(typeof info.expiresIn, 'number');
    assert.ok(info.expiresIn > 0 && info.expiresIn <= 1800, `expiresIn ${info.expiresIn}`);
    assert.equal(info.tokenType, 'access');
  });

  test('refreshTokensApi.get describes the refresh token', async () => {
    const tokens = await mintTokens();
    const info = await client.oauth.refreshTokensApi.get(tokens.refreshToken);
    assert.equal(info.token, tokens.refreshToken);
    assert.equal(info.clientId, demo.clientId);
    assert.equal(info.hubId, demo.hubId);
    assert.equal(info.hubDomain, demo.hubDomain);
    assert.equal(info.userId, demo.userId);
    assert.equal(info.user, demo.user);
    assert.deepEqual(sorted(info.scopes), sorted(demo.scopes));
    assert.equal(info.tokenType, 'refresh');
  });

  test('tokensApi.create refreshes: a new access token, the same refresh token', async () => {
    const tokens = await mintTokens();
    const refreshed = await refresh(tokens.refreshToken);
    assert.equal(typeof refreshed.accessToken, 'string');
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.equal(refreshed.refreshToken, tokens.refreshToken);
    assert.equal(refreshed.expiresIn, 1800);
    assert.equal(refreshed.tokenType, 'bearer');
    const info = await client.oauth.accessTokensApi.get(refreshed.accessToken);
    assert.equal(info.hubId, demo.hubId);
    assert.equal(info.user, demo.user);
  });

  test('refreshTokensApi.archive revokes the refresh token and its access tokens', async () => {
    const tokens = await mintTokens();
    const refreshed = await refresh(tokens.refreshToken);

    assert.equal(await client.oauth.refreshTokensApi.archive(tokens.refreshToken), undefined);

    for (const accessToken of [tokens.accessToken, refreshed.accessToken]) {
      assertApiError(await rejectionOf(client.oauth.accessTokensApi.get(accessToken)), 401, 'INVALID_TOKEN');
    }
    assertApiError(await rejectionOf(refresh(tokens.refreshToken)), 400, 'BAD_REFRESH_TOKEN');
    assertApiError(await rejectionOf(client.oauth.refreshTokensApi.get(tokens.refreshToken)), 401, 'INVALID_TOKEN');
    const again = await rejectionOf(client.oauth.refreshTokensApi.archive(tokens.refreshToken));
    assert.equal(again.code, 401);
  });

  test('a wrong client secret rejects with 401 BAD_CLIENT_SECRET and leaves the code usable', async () => {
    const code = await mintCode();
    assertApiError(await rejectionOf(exchange(code, 'not-the-demo-secret')), 401, 'BAD_CLIENT_SECRET');
    const tokens = await exchange(code);
    assert.equal(tokens.tokenType, 'bearer');

    assertApiError(await rejectionOf(refresh(tokens.refreshToken, 'not-the-demo-secret')), 401, 'BAD_CLIENT_SECRET');
    assert.equal((await refresh(tokens.refreshToken)).refreshToken, tokens.refreshToken);
  });

  test('a reused code rejects with 400 BAD_AUTH_CODE and revokes what it issued', async () => {
    const code = await mintCode();
    const tokens = await exchange(code);
    assertApiError(await rejectionOf(exchange(code)), 400, 'BAD_AUTH_CODE');
    assertApiError(await rejectionOf(client.oauth.accessTokensApi.get(tokens.accessToken)), 401, 'INVALID_TOKEN');
    assertApiError(await rejectionOf(refresh(tokens.refreshToken)), 400, 'BAD_REFRESH_TOKEN');
  });

  test('an unknown code rejects with 400 BAD_AUTH_CODE', async () => {
    assertApiError(await rejectionOf(exchange('no-such-code')), 400, 'BAD_AUTH_CODE');
  });

  test("getAuthorizationUrl, moved from app.hubspot.com to hsoauth, opens the app's consent page", async () => {
    const hubspotUrl = client.oauth.getAuthorizationUrl(demo.clientId, demo.redirectUri, demo.scopes.join(' '),
      demo.optionalScopes.join(' '), 'state-42');
    const hubspotOrigin = 'https://app.hubspot.com';
    assert.ok(hubspotUrl.startsWith(`${hubspotOrigin}/oauth/authorize?`), hubspotUrl);
    // As https://app.hubspot.com, the URL opens unchanged; otherwise it moves to hsoauth.
    const url = hubapi ? hubspotUrl : baseUrl + hubspotUrl.slice(hubspotOrigin.length);

    const response = await fetch(url, { redirect: 'manual' });
    const page = await response.text();
    assert.equal(response.status, 200, `GET ${url}:\n${page}`);
    assert.match(response.headers.get('content-type'), /^text\/html/);
    assert.ok(page.includes(demo.name), `the consent page names "${demo.name}":\n${page}`);
  });

  test('basePath takes a sandbox\'s base_url: the whole flow runs inside it, unknown at the root', async () => {
    // A sandbox seeded with the demo app (its own world: the root's tokens are unknown in it).
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const seed = {
      hubs: [{ hub_id: demo.hubId, hub_domain: demo.hubDomain }],
      users: [{ user_id: demo.userId, email: demo.user, hub_ids: [demo.hubId] }],
      apps: [{ app_id: demo.appId, name: demo.name, client_id: demo.clientId, client_secret: demo.clientSecret,
               redirect_uris: [demo.redirectUri], scopes: demo.scopes, optional_scopes: demo.optionalScopes }],
    };
    const created = await fetch(new URL('/admin/v1/sandboxes', baseUrl), {
      method: 'POST', headers: admin, body: JSON.stringify({ name: 'node client', seed }),
    });
    const sandbox = await created.json();
    assert.equal(created.status, 201, JSON.stringify(sandbox));
    assert.match(sandbox.base_url, new RegExp(`/sandboxes/${sandbox.id}$`));
    const minted = await fetch(`${sandbox.base_url}/admin/v1/authorization-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.admin_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: demo.clientId, hub_id: demo.hubId, user_id: demo.userId,
                             redirect_uri: demo.redirectUri, scopes: demo.scopes }),
    });
    const { code } = await minted.json();
    assert.equal(minted.status, 201);

    const inSandbox = new Client({ basePath: sandbox.base_url });
    const tokens = await inSandbox.oauth.tokensApi.create('authorization_code', code, demo.redirectUri,
                                                          demo.clientId, demo.clientSecret);
    const info = await inSandbox.oauth.accessTokensApi.get(tokens.accessToken);
    assert.equal(info.hubId, demo.hubId);
    const refreshed = await inSandbox.oauth.tokensApi.create('refresh_token', undefined, undefined, demo.clientId,
                                                             demo.clientSecret, tokens.refreshToken);
    assert.equal(refreshed.tokenType, 'bearer');
    // The root does not know the sandbox's tokens.
    assertApiError(await rejectionOf(client.oauth.accessTokensApi.get(tokens.accessToken)), 401, 'INVALID_TOKEN');
    await inSandbox.oauth.refreshTokensApi.archive(tokens.refreshToken);
    assertApiError(await rejectionOf(inSandbox.oauth.refreshTokensApi.get(tokens.refreshToken)), 401, 'INVALID_TOKEN');
  });

  if (hubapi) {
    test('the client with no basePath reaches hsoauth at https://api.hubapi.com over verified TLS', async () => {
      const response = await fetch('https://api.hubapi.com/healthz');
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
      const tokens = await mintTokens();  // through client.oauth, which knows no other host
      assert.equal(tokens.tokenType, 'bearer');
    });
  }
});

// The controls against the official client with retries on (numberOfApiCallRetries): fault rules
// make HubSpot's bad days happen (a TEN_SECONDLY_ROLLING 429, a 502 and a 504), the client
// retries them as it was written to, and the integration report for its app says it did nothing
// wrong. Its own server, so that the other tests' deliberate mistakes stay out of the report.
describe('@hubspot/api-client with retries against fault rules, and its integration report', () => {
  let dir;
  let server;
  let baseUrl;
  let client;
  let app;

  const admin = async (method, path, body) => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsoauth-clients-retry-'));
    server = startServer(dir);
    baseUrl = await server.ready;
    client = new Client({ basePath: baseUrl, numberOfApiCallRetries: 3 });
    const created = await admin('POST', '/admin/v1/apps', {
      name: 'Retrying Integration', client_id: 'retrying-client', client_secret: 'retrying-secret-0123',
      redirect_uris: [demo.redirectUri], scopes: demo.scopes,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    app = created.body;
  });

  after(async () => {
    await stopServer(server?.child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the client retries a 429 TEN_SECONDLY_ROLLING and 5xx answers, and the report is clean', async () => {
    const rules = [
      { match: { client_id: 'retrying-client', grant_type: 'refresh_token' }, action: { kind: 'rate_limit' }, times: 1 },
      { match: { route: 'access_token_metadata' }, action: { kind: 'server_error', status: 502 }, times: 1 },
      { match: { route: 'refresh_token_metadata' }, action: { kind: 'server_error', status: 504 }, times: 1 },
    ];
    for (const rule of rules) {
      const added = await admin('POST', '/admin/v1/faults', rule);
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
    const minted = await admin('POST', '/admin/v1/authorization-codes', {
      client_id: 'retrying-client', hub_id: demo.hubId, user_id: demo.userId,
      redirect_uri: demo.redirectUri, scopes: demo.scopes,
    });
    assert.equal(minted.status, 201);
    const tokens = await client.oauth.tokensApi.create('authorization_code', minted.body.code, demo.redirectUri,
      'retrying-client', 'retrying-secret-0123');

    // 429 first: the client waits its 10 s (Retry-After says 10) and the retry succeeds.
    const started = Date.now();
    const refreshed = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, 'retrying-client',
      'retrying-secret-0123', tokens.refreshToken);
    assert.ok(Date.now() - started >= 10000, 'the retry came after Retry-After');
    assert.equal(refreshed.refreshToken, tokens.refreshToken);
    // 502 and 504 first: retried after 200 ms.
    const info = await client.oauth.accessTokensApi.get(refreshed.accessToken);
    assert.equal(info.appId, app.app_id);
    const refreshInfo = await client.oauth.refreshTokensApi.get(tokens.refreshToken);
    assert.equal(refreshInfo.clientId, 'retrying-client');

    const faults = await admin('GET', '/admin/v1/faults');
    assert.deepEqual(faults.body.results.map((rule) => rule.fired), [1, 1, 1]);
    const report = await admin('GET', `/admin/v1/apps/${app.app_id}/report`);
    assert.equal(report.status, 200);
    assert.deepEqual(report.body.findings, [], JSON.stringify(report.body, null, 2));
    assert.equal(report.body.clean, true);
    const faulted = (await admin('GET', '/admin/v1/events?kind=fault')).body.results;
    assert.equal(faulted.length, 3);
  });
});
