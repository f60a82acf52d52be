// The peer that `scripts/bench.sh --peers` measures beside hsoauth: panva's oidc-provider with its
// in-memory store, refresh tokens not rotated, token introspection (RFC 7662) enabled.
//
//   node oidc-peer.mjs --tokens N --out-dir DIR
//
// Contract, in order:
//   1. listens on 127.0.0.1 on a free port (the issuer is that base URL);
//   2. preloads N authorizations through the provider's own models: per authorization one Grant,
//      one RefreshToken and one live AccessToken, all for client bench-client (secret
//      bench-client-secret, client_secret_post), account bench-user, scope "oauth crm.objects.contacts.read",
//      the access token living 86,400 s as in hsoauth's preload. Tokens are the provider's default
//      opaque format. One grant per pair, not one shared by all: the adapter keeps a per-grant
//      index of tokens that every save walks, so one grant of 10,000 tokens would cost O(N);
//   3. writes the token values, one a line, to DIR/refresh.txt and DIR/access.txt;
//   4. prints "listening on <base URL>" on stdout (the line hsoauth prints too) and serves until
//      killed. Token endpoint: POST /token; introspection: POST /token/introspection.
// Anything that fails before step 4 exits non-zero with the reason on stderr.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';
// oidc-provider has no exports map, so its default in-memory adapter can be reached directly.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-client-secret';
const ACCOUNT_ID = 'bench-user';
const SCOPE = 'oauth crm.objects.contacts.read';
const DAY_S = 86400;

// The default MemoryAdapter class, but over an LRU with room for every entry of a run: the
// provider's stock store holds 1,000 entries per generation, so the preloaded grants and tokens
// would be evicted and most requests would fail. Nothing is evicted below this size; entries still
// expire by their TTL.
const STORE_ENTRIES = 10_000_000;

function parseOptions() {
  const { values } = parseArgs({
    options: { tokens: { type: 'string' }, 'out-dir': { type: 'string' } },
  });
  const tokens = Number(values.tokens);
  if (!Number.isInteger(tokens) || tokens <= 0 || !values['out-dir']) {
    throw new Error('usage: node oidc-peer.mjs --tokens N --out-dir DIR');
  }
  return { tokens, outDir: values['out-dir'] };
}

// Resolves with the base URL once `server` listens on 127.0.0.1 on a free port.
function listenOnFreePort(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

// The provider configured as close to hsoauth's bench set-up as oidc-provider allows.
function createProvider(issuer) {
  const store = new LRU({ maxSize: STORE_ENTRIES });
  return new Provider(issuer, {
    adapter: (model) => new MemoryAdapter(model, store),
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['refresh_token'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    // offline_access is what enables the refresh_token grant; the bench tokens do not carry it.
    scopes: ['offline_access', ...SCOPE.split(' ')],
    rotateRefreshToken: false,
    ttl: { AccessToken: DAY_S, RefreshToken: 30 * DAY_S, Grant: 30 * DAY_S },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
    },
    routes: { token: '/token', introspection: '/token/introspection' },
    cookies: { keys: ['bench-only-cookie-key'] },
    // Every subject exists: the bench has one account and no user store.
    findAccount: (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });
}

// Saves `count` grant + refresh token + access token triples; returns their token values.
async function preload(provider, count) {
  const client = await provider.Client.find(CLIENT_ID);
  const refresh = [];
  const access = [];
  for (let i = 0; i < count; i += 1) {
    const grant = new provider.Grant({ accountId: ACCOUNT_ID, clientId: CLIENT_ID });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    const common = {
      accountId: ACCOUNT_ID, client, grantId, scope: SCOPE, gty: 'authorization_code',
    };
    refresh.push(await new provider.RefreshToken(common).save());
    access.push(await new provider.AccessToken(common).save());
  }
  return { refresh, access };
}

async function main() {
  const { tokens, outDir } = parseOptions();
  const server = createServer();
  const baseUrl = await listenOnFreePort(server);
  const provider = createProvider(baseUrl);
  server.on('request', provider.callback());

  const { refresh, access } = await preload(provider, tokens);
  await writeFile(join(outDir, 'refresh.txt'), `${refresh.join('\n')}\n`);
  await writeFile(join(outDir, 'access.txt'), `${access.join('\n')}\n`);
  process.stdout.write(`listening on ${baseUrl}\n`);
}

main().catch((error) => {
  process.stderr.write(`oidc-peer: ${error.stack ?? error}\n`);
  process.exit(1);
});
