// A test platform's HTTP server on 127.0.0.1 (any free port): routes are
// added by the modules of tests/lms (registration, deep linking), each a
// function (req, res, url, body) that answers and returns true, or returns
// false to let the next one try. Request bodies are read whole first.
import { createServer } from 'node:http';

export async function startLoopback() {
  const routes = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://127.0.0.1');
    try {
      for (const route of routes) {
        if (await route(req, res, url, body)) return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e && e.stack || e));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    use(route) { routes.push(route); },
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}

// Answers.
export function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
  return true;
}

export function html(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
  return true;
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A page that POSTs fields to action at once (what platforms do between steps).
export function autoPost(res, action, fields) {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  return html(res, 200, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test LMS</title></head>`
    + `<body><form id="f" method="post" action="${escapeHtml(action)}">${inputs}</form>`
    + `<script>document.getElementById('f').submit();</script></body></html>`);
}
