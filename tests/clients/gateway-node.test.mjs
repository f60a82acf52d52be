// HubSpot's official Node client through hsoauth's API gateway, with ONE basePath for OAuth and
// the API, as against api.hubapi.com: the echo stub (tests/support/echo-upstream.mjs) stands in
// for the integrator's API mock behind hsoauth. Every assertion is on what the client hands back.
//
//   HSOAUTH_BINARY=build/hsoauth node --test gateway-node.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminKey, repo, startServer, stopServer } from '../support/hsoauth-server.mjs';
import { Client } from '@hubspot/api-client';

// The demo of conf/seed.json.
const demo = {
  appId: 456789,
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  redirectUri: 'http://localhost:3000/oauth/callback',
  scopes: ['oauth', 'crm.objects.contacts.read'],
  hubId: 62515,
  userId: 123456,
};

// Starts the echo stub; resolves with its child and URL once it listens.
function startEcho() {
  const child = spawn(process.execPath, [join(repo, 'tests', 'support', 'echo-upstream.mjs'), '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8');
  let output = '';
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`the echo stub exited (${code}): ${output}`)));
  });
  return { child, ready };
}

async function rejectionOf(promise) {
  try {
    const value = await promise;
    assert.fail(`expected the call to reject, it resolved with ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

describe('@hubspot/api-client through the gateway, one basePath', () => {
  let dir;
  let echo;
  let server;
  let baseUrl;

  const admin = async (method, path, body) => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  // A token pair of the demo app, through the client's own token call.
  async function mintTokens() {
    const code = await admin('POST', '/admin/v1/authorization-codes', {
      client_id: demo.clientId, hub_id: demo.hubId, user_id: demo.userId, redirect_uri: demo.redirectUri,
      scopes: demo.scopes,
    });
    assert.equal(code.status, 201, JSON.stringify(code.body));
    return new Client({ basePath: baseUrl }).oauth.tokensApi.create(
      'authorization_code', code.body.code, demo.redirectUri, demo.clientId, demo.clientSecret);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsoauth-gateway-client-'));
    echo = startEcho();
    const upstream = await echo.ready;
    server = startServer(dir, ['--gateway-upstream', upstream]);
    baseUrl = await server.ready;
  });

  after(async () => {
    await stopServer(server?.child);
    echo?.child.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('crm.contacts.basicApi.getPage passes through to the API mock, which sees who calls', async () => {
    const tokens = await mintTokens();
    const client = new Client({ basePath: baseUrl, accessToken: tokens.accessToken });
    const page = await client.crm.contacts.basicApi.getPage(10, undefined, ['email']);
    assert.equal(page.results.length, 1);
    const seen = page.results[0].properties;
    assert.equal(seen.method, 'GET');
    assert.match(seen.url, /^\/crm\/v3\/objects\/contacts\?/);
    assert.match(seen.url, /limit=10/);
    assert.equal(seen.hub_id, String(demo.hubId));
    assert.equal(seen.user_id, String(demo.userId));
    assert.equal(seen.app_id, String(demo.appId));
    assert.equal(seen.scopes, demo.scopes.join(' '));
    assert.equal(seen.authorization, `Bearer ${tokens.accessToken}`);
  });

  test('a call the token has no scope for rejects with 403 MISSING_SCOPES', async () => {
    const client = new Client({ basePath: baseUrl, accessToken: (await mintTokens()).accessToken });
    const error = await rejectionOf(client.crm.deals.basicApi.getPage());
    assert.equal(error.code, 403);
    assert.equal(error.body.status, 'error');
    assert.equal(error.body.category, 'MISSING_SCOPES');
    assert.deepEqual(error.body.errors[0].context.requiredGranularScopes, ['crm.objects.deals.read']);
    assert.equal(error.headers['x-hubspot-correlation-id'], error.body.correlationId);
  });

  test('a 429 of the ten-secondly limit is retried by the client (numberOfApiCallRetries) and then succeeds', async () => {
    const app = await admin('GET', `/admin/v1/apps/${demo.appId}`);
    assert.equal((await admin('POST', '/admin/v1/apps', { ...app.body, rate_limit: 1 })).status, 200);
    try {
      // A window of its own: the calls of the tests above leave the sandbox's 10 s.
      assert.equal((await admin('POST', '/admin/v1/clock', { advance_seconds: 11 })).status, 200);
      const tokens = await mintTokens();
      const plain = new Client({ basePath: baseUrl, accessToken: tokens.accessToken });
      await plain.crm.contacts.basicApi.getPage();
      const limited = await rejectionOf(plain.crm.contacts.basicApi.getPage());
      assert.equal(limited.code, 429);
      assert.equal(limited.body.policyName, 'TEN_SECONDLY_ROLLING');
      assert.equal(limited.body.errorType, 'RATE_LIMIT');
      assert.equal(limited.body.message, 'You have reached your ten_secondly_rolling limit.');

      const retried = [];
      const log = console.error;
      console.error = (line) => retried.push(String(line));
      let page;
      try {
        const retrying = new Client({ basePath: baseUrl, accessToken: tokens.accessToken, numberOfApiCallRetries: 2 });
        page = await retrying.crm.contacts.basicApi.getPage();
      } finally {
        console.error = log;
      }
      assert.equal(page.results.length, 1);
      assert.ok(retried.some((line) => line.includes('[429]')), `the client's retry log: ${retried.join('\n')}`);
    } finally {
      await admin('POST', '/admin/v1/apps', { ...app.body, rate_limit: null });
    }
  });

  test('after the sandbox clock passes 30 minutes the same call rejects with 401 EXPIRED_AUTHENTICATION', async () => {
    const client = new Client({ basePath: baseUrl, accessToken: (await mintTokens()).accessToken });
    await client.crm.contacts.basicApi.getPage();
    assert.equal((await admin('POST', '/admin/v1/clock', { advance_seconds: 1801 })).status, 200);
    const error = await rejectionOf(client.crm.contacts.basicApi.getPage());
    assert.equal(error.code, 401);
    assert.equal(error.body.status, 'error');
    assert.equal(error.body.category, 'EXPIRED_AUTHENTICATION');
    assert.match(error.body.message, /^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/);
    assert.ok(Array.isArray(error.body.context['expire time']));
  });
});
