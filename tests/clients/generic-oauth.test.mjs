// A client written from HubSpot's published 2026-03 document and the RFCs alone, with no code of
// hsoauth's: panva's oauth4webapi (the exact version of package.json), a generic OAuth 2 library,
// against /oauth/2026-03/*. It authenticates the way such libraries do (HTTP Basic, and
// private_key_jwt with a WebCrypto key), and checks the answers the way it checks any server's:
// token responses, RFC 7662 introspection, RFC 7009 revocation. Only the admin API, which no
// client knows, is called with plain fetch: to register the apps and mint authorization codes.
//
//   HSOAUTH_BINARY=build/hsoauth node --test generic-oauth.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { adminKey, binary, startServer, stopServer } from '../support/hsoauth-server.mjs';

const version = '2026-03';
const redirectUri = 'http://localhost:3000/oauth/callback';
const http = { [oauth.allowInsecureRequests]: true };

describe(`oauth4webapi against /oauth/${version}`, () => {
  let dir;
  let server;
  let baseUrl;
  let as;  // the authorization server, as a client configures it from HubSpot's documents

  async function admin(method, path, body) {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const json = await response.json();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function mintCode(clientId, pkceChallenge) {
    const body = { client_id: clientId, hub_id: 62515, user_id: 123456, redirect_uri: redirectUri,
      scopes: ['oauth', 'crm.objects.contacts.read'] };
    if (pkceChallenge) Object.assign(body, { code_challenge: pkceChallenge, code_challenge_method: 'S256' });
    return (await admin('POST', '/admin/v1/authorization-codes', body)).code;
  }

  before(async () => {
    assert.ok(existsSync(binary), `hsoauth binary not found at ${binary} (set HSOAUTH_BINARY)`);
    dir = mkdtempSync(join(tmpdir(), 'hsoauth-generic-'));
    server = startServer(dir);
    baseUrl = await server.ready;
    as = {
      issuer: baseUrl,
      token_endpoint: `${baseUrl}/oauth/${version}/token`,
      introspection_endpoint: `${baseUrl}/oauth/${version}/token/introspect`,
      revocation_endpoint: `${baseUrl}/oauth/${version}/token/revoke`,
    };
  });

  after(async () => {
    await stopServer(server?.child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the whole flow with HTTP Basic: PKCE code, introspection, refresh, revocation', async () => {
    const clientId = 'generic-basic';
    const secret = 'generic-basic-secret:with+odd%chars';
    await admin('POST', '/admin/v1/apps', { name: 'Generic (Basic)', client_id: clientId, client_secret: secret,
      redirect_uris: [redirectUri], scopes: ['oauth', 'crm.objects.contacts.read'] });
    const client = { client_id: clientId };
    const auth = oauth.ClientSecretBasic(secret);

    const verifier = oauth.generateRandomCodeVerifier();
    const code = await mintCode(clientId, await oauth.calculatePKCECodeChallenge(verifier));
    const callback = oauth.validateAuthResponse(as, client, new URL(`${redirectUri}?code=${code}`), oauth.skipStateCheck);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, callback, redirectUri, verifier, http));
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 1800);
    assert.equal(tokens.hub_id, 62515);
    assert.equal(typeof tokens.refresh_token, 'string');

    const info = await oauth.processIntrospectionResponse(as, client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, http));
    assert.equal(info.active, true);
    assert.equal(info.client_id, clientId);
    assert.equal(info.token_use, 'access_token');
    assert.equal(info.user, 'dev@example.com');
    assert.equal(typeof info.signed_access_token.signature, 'string');

    const refreshed = await oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, http));
    assert.equal(refreshed.refresh_token, tokens.refresh_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.refresh_token, http));
    for (const token of [tokens.access_token, refreshed.access_token, tokens.refresh_token]) {
      const dead = await oauth.processIntrospectionResponse(as, client,
        await oauth.introspectionRequest(as, client, auth, token, http));
      assert.deepEqual(dead, { active: false });
    }
    // Revoking again is still a success (RFC 7009 §2.2).
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.refresh_token, http));
    await assert.rejects(
      oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, http)
        .then((response) => oauth.processRefreshTokenResponse(as, client, response)),
      (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant' && error.status === 400);
  });

  test('client_credentials with private_key_jwt (ES256 and PS256 keys made by WebCrypto)', async () => {
    const es = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const ps = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const publicJwk = async (key, kid) => {
      const { kty, crv, x, y, n, e } = await crypto.subtle.exportKey('jwk', key.publicKey);
      return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, kid }).filter(([, v]) => v !== undefined));
    };
    const clientId = 'generic-jwt';
    await admin('POST', '/admin/v1/apps', { name: 'Generic (JWT)', client_id: clientId,
      redirect_uris: [redirectUri], scopes: ['oauth'], client_credentials_scopes: ['automation', 'oauth'],
      jwks: { keys: [await publicJwk(es, 'es'), await publicJwk(ps, 'ps')] } });
    const client = { client_id: clientId };

    for (const [kid, key] of [['es', es], ['ps', ps]]) {
      const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid });
      const tokens = await oauth.processClientCredentialsResponse(as, client,
        await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: 'automation' }), http));
      assert.equal(tokens.token_type, 'bearer');
      assert.deepEqual(tokens.scopes, ['automation']);
      assert.equal(tokens.refresh_token, undefined);
    }

    // A key the app never registered is refused as the client's authentication.
    const stranger = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    await assert.rejects(
      oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: stranger.privateKey, kid: 'es' }),
        new URLSearchParams(), http).then((response) => oauth.processClientCredentialsResponse(as, client, response)),
      (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_client' && error.status === 401
        && error.cause.status === 'BAD_CLIENT_ASSERTION');
  });
});
