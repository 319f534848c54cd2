// LTI 1.3 launches end to end: the test LMS (tests/lms/platform.mjs, jose
// from npm) registered with `passerelle platform add`, `passerelle serve`
// on loopback, a learner's real browser following login -> platform
// authentication -> form post -> player, the SCO played and saved; the
// login's parameters and cookie; platform storage (postMessage); and every
// rejection of the Security Framework, each a 4xx page, one log line naming
// the failed check, and no attempt recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { binary, sourceDir, testTmp, pack, CHROMIUM_FLAGS, startServe } from './lib/harness.mjs';
import { startPlatform, makeKey, LTI, AGS, ROLE } from '../lms/platform.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const tmp = testTmp('lti-launch');
const data = join(tmp, 'data');

let server, tool, lms, browser, pkg;

function serve(extra = []) {
  const sets = [];
  for (let i = 0; i + 1 < extra.length; i += 2) if (extra[i] === '--set') sets.push(extra[i + 1]);
  return startServe(data, ['threads=2', 'lti_allow_http=true', `schema_dir=${join(shared, 'schemas')}`, ...sets]);
}

function sql(query) {
  return execFileSync('sqlite3', [join(data, 'passerelle.db'), query], { encoding: 'utf8' }).trim();
}
const attempts = () => Number(sql('SELECT count(*) FROM attempts'));

// The server's log lines written from offset on, once one matches re (they come a moment after the answer).
async function logLine(offset, re) {
  for (let i = 0; i < 100; i++) {
    const line = server.log().slice(offset).split('\n').find((l) => re.test(l));
    if (line) return line;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  assert.fail(`no log line ${re} in:\n${server.log().slice(offset)}`);
}

before(async () => {
  const zip = pack(join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course'), 'scorm2004', join(tmp, 'sample.zip'));
  const out = execFileSync(binary, ['import', '--data', data, '--schemas', join(shared, 'schemas'), '--json', zip],
    { encoding: 'utf8' });
  pkg = String(JSON.parse(out.trim().split('\n').pop()).package);
  lms = await startPlatform();
  const printed = lms.register({ binary, data, extra: ['--base-url', 'https://tool.example.org/passerelle'] });
  assert.match(printed, /login URL.*https:\/\/tool\.example\.org\/passerelle\/lti\/login/);
  assert.match(printed, /redirect URL.*https:\/\/tool\.example\.org\/passerelle\/lti\/launch/);
  assert.match(printed, /JWKS URL.*https:\/\/tool\.example\.org\/passerelle\/lti\/jwks/);
  server = await serve();
  tool = server.origin;
  // Pages fulfilled by the test (the LMS's course page, the login without
  // its cookie) count as public: let them reach loopback.
  browser = await chromium.launch({ executablePath: process.env.PA_CHROMIUM || '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, '--disable-features=LocalNetworkAccessChecks'] });
});

after(async () => {
  await browser?.close();
  await lms?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (server) writeFileSync(join(tmp, 'serve.log'), server.log());   // to read when a test fails
});

test('a learner launches from the LMS in a real browser, and the SCO plays and saves', async () => {
  const before = attempts();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(lms.launchUrl(tool, { sub: 'browser-learner', custom: { package: pkg } }));
  await page.waitForURL(/\/play\/\d+\?/);
  await page.waitForFunction(() => window.passerelle && window.passerelle.current);
  const done = page.frameLocator('iframe').getByRole('button', { name: /Mark as complete/ });
  await done.first().waitFor();
  await done.first().click();
  await page.evaluate(() => window.passerelle.flush());
  await page.waitForFunction(() => window.passerelle.pending === 0);

  const url = new URL(page.url());
  const id = url.pathname.split('/').pop();
  const res = await fetch(`${tool}/api/attempts/${id}`, { headers: { Authorization: `Bearer ${url.searchParams.get('token')}` } });
  assert.equal(res.status, 200);
  const sco = (await res.json()).session.scos[0];
  assert.match(sco.state, /^set cmi\.completion_status completed$/m);
  assert.equal(attempts(), before + 1);
  assert.equal(sql(`SELECT l.subject || '|' || l.name FROM attempts a JOIN learners l ON l.id = a.learner_id WHERE a.id = ${id}`),
    `lti13 ${lms.issuer} browser-learner|Doe, Jane`);
  assert.equal(sql("SELECT resource_link_id || '|' || deployment_id || '|' || context_title FROM lti_links WHERE owner_id = 1"),
    'link-1|deployment-1|Migration and mobility');
  // the login went to the platform with what Security Framework 5.1.1.2 asks for
  const auth = lms.stats.authRequests.at(-1);
  assert.equal(auth.redirect_uri, `${tool}/lti/launch`);
  await context.close();
});

test('login by GET and by POST: a redirect to the platform with a fresh state and nonce, and a cookie for third-party iframes', async () => {
  // a hint as platforms make them: opaque, with characters that need encoding
  const full = lms.prepare(tool, { messageHint: `{"cmid":7,"t":"a+b c/=&é"}.${Date.now()}` });
  const params = new URLSearchParams(Object.entries(lms.loginParams(full)).filter(([, v]) => v !== undefined));
  const seen = new Set();
  const before = sql('SELECT count(*) FROM lti_nonces');
  for (const method of ['GET', 'POST']) {
    const res = method === 'GET'
      ? await fetch(`${tool}/lti/login?${params}`, { redirect: 'manual' })
      : await fetch(`${tool}/lti/login`, { method, redirect: 'manual', body: params,
        headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 302, method);
    const loc = new URL(res.headers.get('location'));
    assert.equal(`${loc.origin}${loc.pathname}`, lms.authUrl);
    const q = Object.fromEntries(loc.searchParams);
    assert.equal(q.scope, 'openid');
    assert.equal(q.response_type, 'id_token');
    assert.equal(q.response_mode, 'form_post');
    assert.equal(q.prompt, 'none');
    assert.equal(q.client_id, lms.clientId);
    assert.equal(q.redirect_uri, `${tool}/lti/launch`);
    assert.equal(q.login_hint, full.loginHint);
    assert.equal(q.lti_message_hint, full.messageHint);
    // the state is signed, with its expiry: nothing is stored at login
    assert.match(q.state, /^\d{13}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.ok(Number(q.state.split('.')[0]) > Date.now());
    assert.match(q.nonce, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!seen.has(q.state) && !seen.has(q.nonce));
    seen.add(q.state).add(q.nonce);
    const cookie = res.headers.get('set-cookie');
    assert.ok(cookie.startsWith(`pa_lti_${q.nonce}=`), cookie);
    for (const attr of ['Secure', 'HttpOnly', 'SameSite=None', 'Partitioned', 'Path=/lti/'])
      assert.ok(cookie.split('; ').includes(attr), `${attr} in ${cookie}`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
  // the login wrote nothing: the launch spends the nonce once, when it records the launch
  assert.equal(sql('SELECT count(*) FROM lti_nonces'), before);
});

test('behind a reverse proxy under a path: the redirect URI and the cookie\'s path follow public_base_url', async () => {
  const base = 'https://tool.example.org/passerelle';
  const proxied = await serve(['--set', `public_base_url=${base}`]);
  try {
    const full = lms.prepare(base, {});
    const params = new URLSearchParams(Object.entries(lms.loginParams(full)).filter(([, v]) => v !== undefined));
    const res = await fetch(`${proxied.origin}/lti/login?${params}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')).searchParams.get('redirect_uri'), `${base}/lti/launch`);
    assert.ok(res.headers.get('set-cookie').split('; ').includes('Path=/passerelle/lti/'), res.headers.get('set-cookie'));
    // a target outside the base is not ours
    params.set('target_link_uri', 'https://tool.example.org/other/lti/launch');
    assert.equal((await fetch(`${proxied.origin}/lti/login?${params}`, { redirect: 'manual' })).status, 400);
  } finally {
    proxied.kill('SIGTERM');
  }
});

test('login refusals: an unknown platform, a target that is not ours, missing parameters', async () => {
  const cases = [
    [{ iss: 'https://unknown.example.org', login_hint: 'x', target_link_uri: `${tool}/lti/launch` }, 403, /not registered/, /lti: login refused: platform: /],
    [{ iss: lms.issuer, client_id: 'other-client', login_hint: 'x', target_link_uri: `${tool}/lti/launch` }, 403, /not registered/, /lti: login refused: platform: /],
    [{ iss: lms.issuer, login_hint: 'x', target_link_uri: 'https://evil.example.org/lti/launch' }, 400, /does not lead to Passerelle/, /lti: login refused: target_link_uri: /],
    [{ iss: lms.issuer, target_link_uri: `${tool}/lti/launch` }, 400, /incomplete/, /lti: login refused: parameters: no login_hint/],
  ];
  for (const [params, status, page, line] of cases) {
    const offset = server.log().length;
    const res = await fetch(`${tool}/lti/login?${new URLSearchParams(params)}`, { redirect: 'manual' });
    assert.equal(res.status, status, JSON.stringify(params));
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(await res.text(), page);
    await logLine(offset, line);
  }
});

test('without cookies (blocked in the LMS iframe) the server-side state is enough; a cookie of another browser is refused', async () => {
  let r = await lms.launch(tool, { sub: 'no-cookie', custom: { package: pkg }, cookie: false });
  assert.equal(r.response.status, 303, r.text);
  assert.match(r.response.headers.get('location'), /\/play\/\d+\?/);
  const before = attempts();
  const offset = server.log().length;
  // the cookie named after the state, with another value
  const full = lms.prepare(tool, { sub: 'wrong-cookie', custom: { package: pkg } });
  const login = await fetch(`${tool}/lti/login`, { method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.entries(lms.loginParams(full)).filter(([, v]) => v !== undefined)) });
  const auth = new URL(login.headers.get('location'));
  const state = auth.searchParams.get('state');
  const idToken = await lms.idToken({ ...full, nonce: auth.searchParams.get('nonce') });
  const res = await fetch(`${tool}/lti/launch`, { method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `pa_lti_${auth.searchParams.get('nonce')}=forged` },
    body: new URLSearchParams({ id_token: idToken, state }) });
  assert.equal(res.status, 400);
  await logLine(offset, /lti: launch refused: state: its cookie is another browser's/);
  assert.equal(attempts(), before);
});

// The LMS's course page: the tool in an iframe, the page itself the
// platform storage (lti_storage_target=_parent) answering put_data and
// get_data; answer: 'kept' (what was put), 'other' (another value), or
// 'silent' (a platform that never answers get_data). The browser keeps no
// cookie of the tool (blocked in third-party iframes).
async function storageLaunch(sub, answer) {
  const context = await browser.newContext();
  await context.route(`${tool}/lti/login`, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    await context.clearCookies();   // route.fetch kept them in the context's jar
    const headers = { ...response.headers() };
    delete headers['set-cookie'];
    await route.fulfill({ response, headers });
  });
  const page = await context.newPage();
  const full = lms.prepare(tool, { sub, custom: { package: pkg }, storageTarget: '_parent' });
  await page.route(`${lms.issuer}/course`, (route) => route.fulfill({ contentType: 'text/html', body:
    `<!DOCTYPE html><html><body><script>
      window.stored = {}; window.messages = [];
      window.addEventListener('message', (e) => {
        const m = e.data || {};
        window.messages.push({ origin: e.origin, subject: m.subject, key: m.key });
        if (m.subject === 'lti.put_data') {
          window.stored[m.key] = m.value;
          e.source.postMessage({ subject: 'lti.put_data.response', message_id: m.message_id, key: m.key, value: m.value }, e.origin);
        } else if (m.subject === 'lti.get_data' && ${JSON.stringify(answer)} !== 'silent') {
          const value = ${JSON.stringify(answer)} === 'kept' ? window.stored[m.key] : 'another-browsers-value';
          e.source.postMessage({ subject: 'lti.get_data.response', message_id: m.message_id, key: m.key, value }, e.origin);
        }
      });
    </script><iframe title="tool" src="${lms.issuer}/start/${full.messageHint}" style="width:900px;height:600px"></iframe></body></html>` }));
  const before = attempts();
  const offset = server.log().length;
  await page.goto(`${lms.issuer}/course`);
  let played = false;
  for (let i = 0; i < 200; i++) {
    if (page.frames().some((f) => /\/play\/\d+\?/.test(f.url()))) { played = true; break; }
    if (server.log().slice(offset).includes('launch refused')) break;
    await page.waitForTimeout(50);
  }
  const result = { played, stored: await page.evaluate(() => window.stored), messages: await page.evaluate(() => window.messages),
    attempts: attempts() - before, offset };
  await context.close();
  return result;
}

test('platform storage, no cookies: the login puts the state\'s binding in the platform\'s frame, the launch gets it back (postMessage)', async () => {
  const r = await storageLaunch('storage-learner', 'kept');
  assert.ok(r.played, 'the player opened in the iframe');
  assert.equal(r.attempts, 1);
  const keys = Object.keys(r.stored);
  assert.equal(keys.length, 1);
  assert.match(keys[0], /^pa_lti_state_[A-Za-z0-9_-]{43}$/);
  assert.match(r.stored[keys[0]], /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(r.messages.map((m) => m.subject), ['lti.put_data', 'lti.get_data']);
  assert.ok(r.messages.every((m) => m.origin === tool && m.key === keys[0]));
});

test('platform storage: another browser\'s binding is refused; a platform that never answers still launches (the state is enough)', async () => {
  const other = await storageLaunch('storage-other', 'other');
  assert.ok(!other.played);
  assert.equal(other.attempts, 0);
  await logLine(other.offset, /lti: launch refused: state: platform storage holds another browser's binding/);
  const silent = await storageLaunch('storage-silent', 'silent');
  assert.ok(silent.played, 'launched after the 2 s wait');
  assert.equal(silent.attempts, 1);
});

// Moodle shows the tool in an iframe of its own page: the player, and the SCO inside it, must load there.
test('inside the LMS\'s iframe the player opens and the SCO\'s content loads', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const full = lms.prepare(tool, { sub: 'framed-learner', custom: { package: pkg } });
  await page.route(`${lms.issuer}/framed`, (route) => route.fulfill({ contentType: 'text/html', body:
    `<!DOCTYPE html><html><body><iframe title="tool" src="${lms.issuer}/start/${full.messageHint}" style="width:900px;height:600px"></iframe></body></html>` }));
  try {
    await page.goto(`${lms.issuer}/framed`);
    const lesson = () => page.frames().find((f) => f.url().includes('/content/') && f.url().endsWith('.html'));
    for (let i = 0; i < 200 && !lesson(); i++) await page.waitForTimeout(50);
    assert.ok(lesson(), 'the SCO was delivered');
    await lesson().getByRole('button', { name: /Mark as complete/ }).first().waitFor({ timeout: 5000 });
  } finally {
    await context.close();
  }
});

test('an instructor goes to the link\'s page; AGS claims give the link its line item', async () => {
  let r = await lms.launch(tool, { sub: 'teacher', roles: [ROLE.instructor], custom: { package: pkg },
    resourceLink: { id: 'link-teach', title: 'Module 1' } });
  assert.equal(r.response.status, 303, r.text);
  assert.match(r.response.headers.get('location'), /\/lti\/links\/\d+\?/);
  // Who teaches: sub-roles of Instructor, content developers, administrators; a mentor or a learner plays.
  const M = 'http://purl.imsglobal.org/vocab/lis/v2/';
  for (const [role, page] of [[`${M}membership/Instructor#TeachingAssistant`, true], [`${M}membership#ContentDeveloper`, true],
    ['Administrator', true], [`${M}institution/person#Administrator`, true], [`${M}membership#Mentor`, false],
    [`${M}membership#Learner`, false], ['urn:lti:role:ims/lis/Instructor', false]]) {
    r = await lms.launch(tool, { sub: `role-${page}`, roles: [role], custom: { package: pkg }, resourceLink: { id: 'link-roles' } });
    assert.equal(r.response.status, 303, r.text);
    assert.match(r.response.headers.get('location'), page ? /\/lti\/links\/\d+\?/ : /\/play\/\d+\?/, role);
  }
  const lineitem = `${lms.issuer}/lineitems/7/lineitem?type=x`;
  r = await lms.launch(tool, { sub: 'graded', custom: { package: pkg }, resourceLink: { id: 'link-graded' },
    ags: { scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'], lineitem } });
  assert.equal(r.response.status, 303, r.text);
  assert.equal(sql("SELECT lineitem FROM lti_links WHERE resource_link_id = 'link-graded'"), lineitem);
  assert.equal(sql(`SELECT t.user_ref FROM lti_grade_targets t JOIN lti_links k ON k.id = t.link_id WHERE k.resource_link_id = 'link-graded'`), 'graded');
  // without the score scope, no line item is taken
  r = await lms.launch(tool, { sub: 'graded', custom: { package: pkg }, resourceLink: { id: 'link-ungraded' },
    ags: { scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly'], lineitem } });
  assert.equal(r.response.status, 303, r.text);
  assert.equal(sql("SELECT ifnull(lineitem, 'none') FROM lti_links WHERE resource_link_id = 'link-ungraded'"), 'none');
});

// A launch that must be refused: 4xx, an HTML page, the log line, no attempt.
async function refused(opts, check, status = [400, 401, 403]) {
  const before = attempts();
  const offset = server.log().length;
  const r = await lms.launch(tool, { custom: { package: pkg }, sub: `refused-${check}`, ...opts });
  assert.ok([].concat(status).includes(r.response.status), `${check}: status ${r.response.status}: ${r.text}`);
  assert.match(r.response.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<h1>/);
  const line = await logLine(offset, new RegExp(`lti: launch refused: ${check}: `));
  assert.equal(attempts(), before, `${check}: no attempt`);
  assert.equal(sql(`SELECT count(*) FROM learners WHERE subject LIKE '%refused-${check}'`), '0');
  return { r, line };
}

const now = () => Math.floor(Date.now() / 1000);

test('rejected: a bad signature', async () => {
  await refused({ sign: { tamper: { sub: 'someone-else' } } }, 'signature', 401);
});

test('rejected: alg none and HS256', async () => {
  const { line } = await refused({ sign: { alg: 'none' } }, 'alg', 401);
  assert.match(line, /none/);
  assert.match((await refused({ sign: { alg: 'HS256' } }, 'alg', 401)).line, /HS256/);
});

test('unknown kid: a platform that rotated is fetched again and accepted; a kid it never published is refused', async () => {
  const fetches = lms.stats.jwksFetches;
  await lms.rotate({ dropOld: true });
  const r = await lms.launch(tool, { sub: 'after-rotation', custom: { package: pkg } });
  assert.equal(r.response.status, 303, r.text);
  assert.ok(lms.stats.jwksFetches > fetches, 'the keys were fetched again');
  const stranger = await makeKey('never-published');
  await refused({ sign: { key: stranger } }, 'kid', 401);
  // a published kid with another key's signature is a bad signature, not an unknown kid
  await refused({ sign: { key: stranger, kid: lms.currentKey.kid } }, 'signature', 401);
});

test('rejected: wrong iss, wrong aud, several aud without our azp', async () => {
  await refused({ claims: { iss: 'https://evil.example.org' } }, 'iss', 401);
  await refused({ claims: { aud: 'another-tool' } }, 'aud', 401);
  await refused({ claims: { aud: ['another-tool', lms.clientId] } }, 'azp', 401);
  await refused({ claims: { aud: [lms.clientId, 'another-tool'], azp: 'another-tool' } }, 'azp', 401);
  const r = await lms.launch(tool, { sub: 'azp-ok', custom: { package: pkg },
    claims: { aud: [lms.clientId, 'another-tool'], azp: lms.clientId } });
  assert.equal(r.response.status, 303, r.text);
});

test('rejected: expired, issued in the future (beyond the clock leeway)', async () => {
  await refused({ claims: { exp: now() - 3600, iat: now() - 4000 } }, 'exp', 401);
  await refused({ claims: { iat: now() + 3600, exp: now() + 4000 } }, 'iat', 401);
  await refused({ claims: { exp: undefined } }, 'exp', 401);
  // within the 60 s leeway: accepted
  const r = await lms.launch(tool, { sub: 'leeway', custom: { package: pkg }, claims: { exp: now() - 30 } });
  assert.equal(r.response.status, 303, r.text);
});

test('rejected: a replayed id_token (state used once), another login\'s nonce', async () => {
  const first = await lms.launch(tool, { sub: 'replayer', custom: { package: pkg } });
  assert.equal(first.response.status, 303, first.text);
  await refused({ replay: first }, 'state', 400);
  // the same id_token with a fresh login's state: its nonce is not that login's
  const fresh = await lms.launch(tool, { sub: 'replayer', custom: { package: pkg }, nonce: first.nonce });
  assert.equal(fresh.response.status, 401);
  await refused({ nonce: 'not-the-nonce-of-this-login' }, 'nonce', 401);
});

test('rejected: wrong, forged or missing state', async () => {
  await refused({ state: 'forged-state-value' }, 'state', 400);
  await refused({ omitState: true }, 'state', 400);
  await refused({ state: 'x'.repeat(1000) }, 'state', 400);
});

test('rejected: an unknown deployment, a wrong message type, a wrong version', async () => {
  const { r } = await refused({ deploymentId: 'deployment-nobody-registered' }, 'deployment_id', 403);
  assert.match(r.text, /platform deployment add/);
  await refused({ claims: { [`${LTI}message_type`]: 'LtiSubmissionReviewRequest' } }, 'message_type', 401);
  await refused({ claims: { [`${LTI}version`]: '1.1.0' } }, 'version', 401);
  await refused({ claims: { [`${LTI}version`]: undefined } }, 'version', 401);
});

test('rejected: a target_link_uri not the login\'s, no resource link id, an anonymous launch', async () => {
  await refused({ claims: { [`${LTI}target_link_uri`]: `${tool}/lti/other` } }, 'target_link_uri', 401);
  await refused({ resourceLink: { title: 'no id' } }, 'resource_link', 401);
  const { r } = await refused({ claims: { sub: undefined } }, 'sub', 403);
  assert.match(r.text, /Sign in to your LMS/);
});

test('rejected: an error answered by the platform, a GET, a body too large', async () => {
  let offset = server.log().length;
  let res = await fetch(`${tool}/lti/launch`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'error=login_required&error_description=not+signed+in&state=abc' });
  assert.equal(res.status, 403);
  await logLine(offset, /lti: launch refused: platform: the platform answered login_required: not signed in/);
  res = await fetch(`${tool}/lti/launch`);
  assert.equal(res.status, 405);
  offset = server.log().length;
  res = await fetch(`${tool}/lti/launch`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `state=abc&id_token=${'a'.repeat(70000)}` });
  assert.equal(res.status, 413);
  await logLine(offset, /lti: launch refused: form: /);
  // chunked (no length said): capped as it comes
  offset = server.log().length;
  const big = new TextEncoder().encode(`state=abc&id_token=${'a'.repeat(70000)}`);
  res = await fetch(`${tool}/lti/launch`, { method: 'POST', duplex: 'half',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new ReadableStream({ start(c) { c.enqueue(big.slice(0, 30000)); c.enqueue(big.slice(30000)); c.close(); } }) });
  assert.equal(res.status, 413);
  await logLine(offset, /lti: launch refused: form: /);
});

test('the server stops cleanly after all that (and, under sanitizers, with nothing reported)', async () => {
  const exited = new Promise((ok) => server.on('exit', (code, signal) => ok({ code, signal })));
  server.kill('SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, server.log().slice(-2000));
  assert.doesNotMatch(server.log(), /Sanitizer|runtime error:/);
});
