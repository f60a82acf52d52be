// A stand-in for the API mock behind hsoauth's gateway, for the tests and the benchmark: it echoes
// what it received as JSON, and misbehaves on request under /stub/.
//
//   node tests/support/echo-upstream.mjs [PORT]     (0 or nothing: a free port)
//
// Prints "listening on http://127.0.0.1:PORT" once it serves. Plain Node.js, no package.
//
// Answers:
// - GET /crm/v3/objects/contacts…: a page of CRM objects as HubSpot shapes it, one object whose
//   `properties` hold what the stub received (method, url, the X-HubSpot-* headers), so that a
//   typed client shows them;
// - /stub/status/CODE: that status with an echo body (HEAD: no body);
// - /stub/slow/MS: the echo after MS milliseconds;
// - /stub/large/BYTES: a body of BYTES bytes ("x" repeated), in chunks;
// - /stub/close: the connection closed without an answer;
// - /stub/garbage: bytes that are not HTTP, then the close;
// - /stub/headers: an echo with hop-by-hop and hsoauth's own headers set, to see them dropped;
// - anything else: 200 {"method", "url", "headers", "body", "connection"}, where `connection`
//   counts the stub's connections (the first is 1), so a test sees keep-alive reuse.
import http from 'node:http';

const port = Number(process.argv[2] || 0);
let connections = 0;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.on('connection', (socket) => {
  socket.stubConnection = ++connections;
});

function echo(req, body) {
  return { method: req.method, url: req.url, headers: req.headers, body, connection: req.socket.stubConnection };
}

function send(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function answer(req, res, body) {
  const path = req.url.split('?')[0];
  const parts = path.split('/');
  if (req.method === 'GET' && path.startsWith('/crm/v3/objects/contacts')) {
    const properties = {
      method: req.method,
      url: req.url,
      hub_id: String(req.headers['x-hubspot-hub-id'] ?? ''),
      user_id: String(req.headers['x-hubspot-user-id'] ?? ''),
      app_id: String(req.headers['x-hubspot-app-id'] ?? ''),
      scopes: String(req.headers['x-hubspot-scopes'] ?? ''),
      authorization: String(req.headers.authorization ?? ''),
    };
    const now = new Date().toISOString();
    return send(res, 200, { results: [{ id: '1', properties, createdAt: now, updatedAt: now, archived: false }] });
  }
  if (parts[1] !== 'stub') return send(res, 200, echo(req, body));
  switch (parts[2]) {
    case 'status': return send(res, Number(parts[3]) || 500, echo(req, body));
    case 'slow': return setTimeout(() => send(res, 200, echo(req, body)), Number(parts[3]) || 1000);
    case 'large': {
      let left = Number(parts[3]) || 0;
      res.writeHead(200, { 'content-type': 'text/plain' });
      const piece = 'x'.repeat(65536);
      while (left > 0) {
        const n = Math.min(left, piece.length);
        res.write(piece.slice(0, n));
        left -= n;
      }
      return res.end();
    }
    case 'close': return req.socket.destroy();
    case 'garbage':
      req.socket.write('THIS IS NOT HTTP\r\n\r\n');
      return req.socket.end();
    case 'headers': {
      const text = JSON.stringify(echo(req, body));
      res.writeHead(200, {
        'content-type': 'application/json;charset=utf-8',
        'x-stub-kept': 'yes',
        'x-stub-hop': 'dropped',
        connection: 'keep-alive, x-stub-hop',
        'x-hubspot-correlation-id': 'from-the-stub',
        'x-hubspot-ratelimit-max': '999',
        server: 'echo-stub',
      });
      return res.end(text);
    }
    default: return send(res, 200, echo(req, body));
  }
}

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
