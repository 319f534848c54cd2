// Score deliveries per second: Passerelle's outbox worker sending AGS
// scores to a platform on loopback. The driver is the platform (OAuth 2
// token endpoint, line items' /scores, its JWKS) and the learners: each
// launches once (an AGS line item in the id_token), then commits new
// scores through the player's API; every commit that changes the score
// puts a job in the outbox, in the commit's transaction (a newer score of
// the same learner and link supersedes one not sent yet: the LMS needs the
// latest). The platform's /scores answers 503 while the learners commit, so
// the outbox fills (retries every second at most: lti_grade_backoff_max=1);
// then it comes back and the backlog drains. Timed: from the first score
// accepted to the last. Checked: each learner's final score arrives, and
// per learner the timestamps only grow.
//
// usage: node bench/lti/scores.mjs --passerelle BIN [--learners 2000] [--commits 2] [--clients 32]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CLIENT_ID = 'passerelle-bench';
const DEPLOYMENT = 'deployment-1';
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';

const o = {
  passerelle: join(root, 'build', 'release', 'passerelle'), learners: 2000, commits: 2, clients: 32, threads: 4,
  work: join(process.env.BENCH_TMP || tmpdir(), 'passerelle-bench-lti-scores'),
  package: join(root, 'samples', 'countering-trafficking'),
};
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in o)) throw new Error(`unknown option ${process.argv[i]}`);
  o[k] = typeof o[k] === 'number' ? Number(process.argv[++i]) : process.argv[++i];
}

// A port free at this moment (bound to 0 and released).
async function freePort() {
  const s = http.createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });

function request(url, { method = 'GET', body = null, type = null, cookie = null } = {}) {
  return new Promise((ok, fail) => {
    const u = new URL(url);
    const headers = {};
    if (body) Object.assign(headers, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    if (cookie) headers.cookie = cookie;
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

// --- the platform ---
const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'scores-1', alg: 'RS256', use: 'sig' };
const received = new Map();   // sub -> [scoreGiven...] in arrival order
let first = 0, last = 0, total = 0, tokens = 0, bad = 0, refusedWhileDown = 0;
let down = true;   // /scores answers 503 until the learners have committed
const platform = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else if (req.url === '/token' && req.method === 'POST') {
      tokens++;
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: `t${tokens}`, token_type: 'Bearer', expires_in: 3600 }));
    } else if (/^\/lineitems\/[^/]+\/scores$/.test(req.url) && req.method === 'POST') {
      let s;
      try {
        s = JSON.parse(body);
      } catch {
        s = null;
      }
      if (!s || !req.headers.authorization?.startsWith('Bearer ') ||
          !String(req.headers['content-type']).startsWith('application/vnd.ims.lis.v1.score+json')) {
        bad++;
        res.writeHead(400).end();
        return;
      }
      if (down) {
        refusedWhileDown++;
        res.writeHead(503, { 'retry-after': '1' }).end();
        return;
      }
      const now = performance.now();
      if (!first) first = now;
      last = now;
      total++;
      if (!received.has(s.userId)) received.set(s.userId, []);
      received.get(s.userId).push(s);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      res.writeHead(404).end();
    }
  });
});
await new Promise((ok) => platform.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${platform.address().port}`;

// --- Passerelle ---
function run(args) {
  return execFileSync(o.passerelle, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const data = join(o.work, 'data');
rmSync(o.work, { recursive: true, force: true });
mkdirSync(o.work, { recursive: true });
const zip = join(o.work, 'course.zip');
run(['pack', o.package, '--format', 'scorm2004', '--lang', 'en', '--quiet', '-o', zip]);
const pkg = JSON.parse(run(['import', '--data', data, '--json', zip]).trim().split('\n').pop()).package;
run(['platform', 'add', '--data', data, '--set', 'lti_allow_http=true', '--issuer', origin, '--client-id', CLIENT_ID,
  '--auth-url', `${origin}/auth`, '--token-url', `${origin}/token`, '--jwks-url', `${origin}/jwks`, '--deployment', DEPLOYMENT]);
// log_level=warn (no line per request), so no "listening" line: our port, and /healthz until it answers.
const port = await freePort();
const serve = spawn(o.passerelle, ['serve', '--data', data, '--set', `listen=127.0.0.1:${port}`, '--set', `threads=${o.threads}`,
  '--set', 'lti_allow_http=true', '--set', 'log_level=error', '--set', 'lti_grade_backoff_max=1'],
{ stdio: ['ignore', 'ignore', 'inherit'] });
const tool = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (serve.exitCode !== null || i > 200) throw new Error('passerelle serve did not start');
  try {
    if ((await fetch(`${tool}/healthz`)).ok) break;
  } catch { /* not yet */ }
  await new Promise((ok) => setTimeout(ok, 50));
}

async function launch(k) {
  const sub = `learner-${k}`;
  const login = await request(`${tool}/lti/login?${new URLSearchParams({
    iss: origin, login_hint: sub, target_link_uri: `${tool}/lti/launch`, client_id: CLIENT_ID, lti_deployment_id: DEPLOYMENT,
  })}`);
  const auth = new URL(login.headers.location);
  const now = Math.floor(Date.now() / 1000);
  const link = `link-${k % 10}`;
  const idToken = await new SignJWT({
    nonce: auth.searchParams.get('nonce'), sub, name: `Learner ${k}`,
    [`${LTI}message_type`]: 'LtiResourceLinkRequest', [`${LTI}version`]: '1.3.0', [`${LTI}deployment_id`]: DEPLOYMENT,
    [`${LTI}target_link_uri`]: `${tool}/lti/launch`, [`${LTI}resource_link`]: { id: link },
    [`${LTI}roles`]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], [`${LTI}custom`]: { package: String(pkg) },
    'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
      scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'], lineitem: `${origin}/lineitems/${link}`,
    },
  }).setProtectedHeader({ alg: 'RS256', kid: 'scores-1' }).setIssuer(origin).setAudience(CLIENT_ID)
    .setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
  const cookie = (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
  const res = await request(auth.searchParams.get('redirect_uri'), {
    method: 'POST', type: 'application/x-www-form-urlencoded', cookie,
    body: new URLSearchParams({ id_token: idToken, state: auth.searchParams.get('state') }).toString(),
  });
  if (res.status !== 303) throw new Error(`launch ${k}: ${res.status} ${res.text.slice(0, 200)}`);
  const play = new URL(res.headers.location);
  const attempt = play.pathname.split('/').pop();
  const token = play.searchParams.get('token');
  const session = JSON.parse((await request(`${tool}/api/attempts/${attempt}?token=${token}`)).text);
  return { sub, attempt, token, sco: (session.session ?? session).scos[0].id };
}

async function pool(count, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: o.clients }, async () => {
    for (let i; (i = next++) < count;) await fn(i);
  }));
}

const learners = new Array(o.learners);
await pool(o.learners, async (k) => { learners[k] = await launch(k); });
let acked = 0;
const t0 = performance.now();
await pool(o.learners, async (k) => {
  const l = learners[k];
  for (let c = 1; c <= o.commits; c++) {
    const ok = (fn, args) => ({ fn, args, result: 'true', error: 0 });
    const calls = c === 1 ? [ok('Initialize', [''])] : [];
    calls.push(ok('SetValue', ['cmi.score.scaled', String(c / o.commits)]), ok('Commit', ['']));
    const res = await request(`${tool}/api/attempts/${l.attempt}/commits?token=${l.token}`, {
      method: 'POST', type: 'application/json', body: JSON.stringify({ seq: c, sco: l.sco, calls }),
    });
    if (res.status !== 200) throw new Error(`commit ${c} of ${l.sub}: ${res.status} ${res.text.slice(0, 200)}`);
    acked++;
  }
});
const committed = performance.now();
down = false;
// Wait until the outbox is empty (nothing arrives for 3 s).
for (let seen = -1; seen !== total;) {
  seen = total;
  await new Promise((ok) => setTimeout(ok, 3000));
}
serve.kill('SIGTERM');
platform.close();
agent.destroy();

let outOfOrder = 0, lastMissing = 0;
for (const l of learners) {
  const got = received.get(l.sub) || [];
  for (let i = 1; i < got.length; i++) if (Date.parse(got[i].timestamp) <= Date.parse(got[i - 1].timestamp)) outOfOrder++;
  if (!got.length || got[got.length - 1].scoreGiven / got[got.length - 1].scoreMaximum !== 1) lastMissing++;
}
const seconds = (last - first) / 1000;
console.log(JSON.stringify({
  learners: o.learners, commits_acknowledged: acked, scores_received: total, scores_malformed: bad,
  answered_503_while_down: refusedWhileDown, token_requests: tokens,
  commits_per_s: Math.round(acked / ((committed - t0) / 1000)),
  deliveries_per_s: Math.round(total / Math.max(seconds, 1e-3)), delivery_seconds: seconds,
  out_of_order: outOfOrder, learners_without_final_score: lastMissing,
}));
if (!total && !refusedWhileDown) process.stderr.write('scores: no score reached the platform: this build has no grade delivery (branch lti-grades)\n');
if (lastMissing || outOfOrder || bad) process.exitCode = 1;
