// The test LMS as an LTI 1.1 consumer: it signs launches (OAuth 1.0a
// through python3-oauthlib, tests/lms/oauth1_sign.py: not Passerelle's
// code), serves the auto-submitting form a browser posts to the tool, and
// runs a Basic Outcomes service that checks each replaceResult
// (oauth_body_hash and signature, through oauthlib too) and records the
// scores.
//
//   const lms = await startConsumer({ key: 'k', secret: 's' });
//   const params = signLaunch(toolUrl, 'k', 's', { resource_link_id: 'r1', user_id: 'u1', ... });
//   const page = lms.launchPage(toolUrl, params);     // a URL for the browser
//   lms.scores                                         // [{ sourcedid, score, messageId, key }]
//   lms.mode = 'down' | 'fail' | 'ok';                 // how the service answers
//
// Run alone (`node consumer11.mjs KEY SECRET`) it serves outcomes and
// prints "outcomes <url>" then "scores <url>": tests in C use it that way.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';   // Debian's, where python3-oauthlib lives
const SIGNER = join(here, 'oauth1_sign.py');

function oauthlib(request) {
  const out = execFileSync(PYTHON, [SIGNER], { input: JSON.stringify(request), encoding: 'utf8' });
  return JSON.parse(out);
}

function oauthlibAsync(request) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SIGNER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
    child.stdin.end(JSON.stringify(request));
  });
}

// A signed launch: params (an object or [name, value] pairs) plus the
// LTI 1.1 basics, signed for url. Returns [name, value] pairs, oauth_* included.
export function signLaunch(url, key, secret, params, { timestamp, nonce } = {}) {
  const base = [['lti_message_type', 'basic-lti-launch-request'], ['lti_version', 'LTI-1p0']];
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const names = new Set(pairs.map(([k]) => k));
  const all = [...base.filter(([k]) => !names.has(k)), ...pairs].filter(([, v]) => v !== undefined);
  return oauthlib({ op: 'sign', url, key, secret, params: all,
    timestamp: timestamp === undefined ? undefined : String(timestamp), nonce }).params;
}

export function formBody(pairs) {
  return new URLSearchParams(pairs).toString();
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const POX_NS = 'http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0';

function poxAnswer(major, description, refId) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeResponse xmlns="${POX_NS}">
  <imsx_POXHeader><imsx_POXResponseHeaderInfo>
    <imsx_version>V1.0</imsx_version><imsx_messageIdentifier>${Date.now()}</imsx_messageIdentifier>
    <imsx_statusInfo>
      <imsx_codeMajor>${major}</imsx_codeMajor><imsx_severity>${major === 'success' ? 'status' : 'error'}</imsx_severity>
      <imsx_description>${escapeHtml(description)}</imsx_description>
      <imsx_messageRefIdentifier>${escapeHtml(refId || '')}</imsx_messageRefIdentifier>
      <imsx_operationRefIdentifier>replaceResult</imsx_operationRefIdentifier>
    </imsx_statusInfo>
  </imsx_POXResponseHeaderInfo></imsx_POXHeader>
  <imsx_POXBody>${major === 'success' ? '<replaceResultResponse/>' : ''}</imsx_POXBody>
</imsx_POXEnvelopeResponse>
`;
}

const text = (xml, tag) => {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') : null;
};

export async function startConsumer({ key, secret, host = '127.0.0.1' }) {
  const lms = {
    key, secret, mode: 'ok', scores: [], refused: [], requests: 0, launches: new Map(), nextLaunch: 1,
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, lms.origin);
      try {
        if (req.method === 'GET' && url.pathname.startsWith('/launch/')) {
          // What an LMS serves the learner's browser: a form that posts itself to the tool.
          const l = lms.launches.get(url.pathname.slice('/launch/'.length));
          if (!l) { res.writeHead(404).end(); return; }
          const inputs = l.params.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Launching</title></head>
<body><form id="f" method="post" action="${escapeHtml(l.toolUrl)}" enctype="application/x-www-form-urlencoded">${inputs}</form>
<script>document.getElementById('f').submit();</script></body></html>`);
          return;
        }
        if (req.method === 'GET' && url.pathname === '/scores') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ scores: lms.scores, refused: lms.refused }));
          return;
        }
        if (req.method === 'POST' && url.pathname === '/mode') {
          lms.mode = url.searchParams.get('set') || 'ok';
          res.writeHead(204).end();
          return;
        }
        if (req.method === 'POST' && url.pathname === '/outcomes') {
          lms.requests++;
          if (lms.mode === 'down') { res.writeHead(503, { 'Content-Type': 'text/plain' }).end('down for maintenance'); return; }
          const type = req.headers['content-type'] || '';
          const messageId = text(body, 'imsx_messageIdentifier');
          const answer = (status, major, description) => {
            res.writeHead(status, { 'Content-Type': 'application/xml' }).end(poxAnswer(major, description, messageId));
          };
          if (!/^application\/xml\b/.test(type)) { lms.refused.push(`content type ${type}`); answer(415, 'failure', 'not application/xml'); return; }
          const check = await oauthlibAsync({ op: 'verify', method: 'POST', url: `${lms.origin}${req.url}`,
            authorization: req.headers.authorization, body, secrets: { [key]: secret } });
          if (!check.ok) { lms.refused.push(check.error); answer(200, 'failure', `OAuth: ${check.error}`); return; }
          const sourcedid = text(body, 'sourcedId');
          const score = text(body, 'textString');
          if (!/<replaceResultRequest>/.test(body) || sourcedid === null || score === null ||
              !/^(0(\.\d+)?|1(\.0+)?)$/.test(score)) {
            lms.refused.push(`bad request ${body.slice(0, 200)}`);
            answer(200, 'failure', 'not a replaceResult with a score from 0.0 to 1.0');
            return;
          }
          if (lms.mode === 'fail') { answer(200, 'failure', `sourcedid ${sourcedid} is not known`); return; }
          lms.scores.push({ sourcedid, score: Number(score), text: score, messageId, key: check.key, at: Date.now() });
          answer(200, 'success', `Score for ${sourcedid} is now ${score}`);
          return;
        }
        res.writeHead(404).end();
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e.stack || e));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  lms.origin = `http://${host}:${server.address().port}`;
  // A query string in the service URL, as Moodle's has: it is signed too.
  lms.outcomeUrl = `${lms.origin}/outcomes?course=101&kind=lti%201.1`;
  lms.launchPage = (toolUrl, params) => {
    const id = String(lms.nextLaunch++);
    lms.launches.set(id, { toolUrl, params });
    return `${lms.origin}/launch/${id}`;
  };
  lms.close = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); });
  return lms;
}

// Alone: an outcomes service for KEY and SECRET until stdin closes or a signal comes.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [key, secret, mode] = process.argv.slice(2);
  const lms = await startConsumer({ key, secret });
  if (mode) lms.mode = mode;
  process.stdout.write(`outcomes ${lms.outcomeUrl}\nscores ${lms.origin}/scores\n`);
  process.stdin.resume();
  process.stdin.on('end', () => lms.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => lms.close().then(() => process.exit(0)));
}
