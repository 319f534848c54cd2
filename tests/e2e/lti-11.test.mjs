// LTI 1.1 end to end: `passerelle serve` with a consumer registered by
// `passerelle consumer add`, and the test LMS (tests/lms/consumer11.mjs,
// signing with python3-oauthlib) launching over real HTTP on loopback: a
// learner's browser posts the signed form and plays the sample course in
// the player; instructors go to the link's page; and every launch that
// must not pass is refused with a clear 4xx and a log line naming the
// check. Score delivery itself (replaceResult) is tested in
// tests/unit/test_lti11.c against the same test LMS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { binary, sourceDir, testTmp, pack, CHROMIUM_FLAGS, startServe } from './lib/harness.mjs';
import { startConsumer, signLaunch, formBody } from '../lms/consumer11.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const schemas = join(shared, 'schemas');
const tmp = testTmp('lti-11');
const data = join(tmp, 'data');
const KEY = 'moodle.test.example';
const WINDOW = 120;

let server;
let origin;
let toolUrl;
let secret;
let pkg;
let lms;
let browser;

function passerelle(...args) {
  return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function serve() {
  return startServe(data, ['threads=4', `schema_dir=${schemas}`, 'lti_allow_http=true', `lti_oauth_window=${WINDOW}`,
    'trusted_proxies=127.0.0.1']);
}

// What the LMS sends for one learner on one link (the custom package parameter names the module).
function launchParams(extra = {}) {
  return {
    resource_link_id: 'link-1', resource_link_title: 'Module 1', user_id: 'u-42', roles: 'Learner',
    lis_person_name_given: 'Zoë', lis_person_name_family: 'Ünal', context_id: 'course-7',
    context_title: 'Migration 101', custom_package: String(pkg), lis_outcome_service_url: lms.outcomeUrl,
    lis_result_sourcedid: 'course-7:link-1:u-42', launch_presentation_locale: 'en-GB', ...extra,
  };
}

function post(pairs, headers = {}) {
  return fetch(toolUrl, {
    method: 'POST', body: formBody(pairs), redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
}

// The log lines written since mark.
const logSince = (mark) => server.log().slice(mark);

// A launch that must be refused: its status, the words on the page, and the log line.
async function refused(pairs, status, check, headers) {
  const mark = server.log().length;
  const res = await post(pairs, headers);
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const page = await res.text();
  assert.match(page, /This activity could not be opened/);
  for (let i = 0; i < 50 && !logSince(mark).includes('launch refused'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(logSince(mark), new RegExp(`lti11: launch refused \\(${check}\\)`));
  return page;
}

function sql(query) {
  return execFileSync('sqlite3', [join(data, 'passerelle.db'), query], { encoding: 'utf8' }).trim();
}

before(async () => {
  const added = passerelle('consumer', 'add', KEY, '--name', 'Test Moodle', '--data', data);
  secret = /^shared secret: +(\S+)$/m.exec(added)[1];
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  const zip = pack(join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course'), 'scorm2004', join(tmp, 'sample.zip'));
  const out = passerelle('import', '--data', data, '--schemas', schemas, '--json', zip);
  pkg = JSON.parse(out.trim().split('\n').pop()).package;
  server = await serve();
  origin = server.origin;
  toolUrl = `${origin}/lti/11/launch`;
  lms = await startConsumer({ key: KEY, secret });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  await lms?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

test('consumer list shows the consumer, never its secret', () => {
  const list = passerelle('consumer', 'list', '--data', data);
  assert.match(list, new RegExp(`^1\\t${KEY.replace(/\./g, '\\.')}\\tTest Moodle\\t\\d{4}-\\d\\d-\\d\\dT`, 'm'));
  assert.ok(!list.includes(secret));
});

test('a learner launches from the LMS in a browser and plays the sample course', async () => {
  const signed = signLaunch(toolUrl, KEY, secret, launchParams());
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  // The LMS's page posts the signed form to the tool; the tool sends the browser on to the player.
  await page.goto(lms.launchPage(toolUrl, signed));
  await page.waitForURL(/\/play\/\d+\?lang=en&token=/);
  const player = new URL(page.url());
  await page.waitForFunction(() => window.passerelle && window.passerelle.current);
  const attempt = player.pathname.split('/').pop();
  const auth = { Authorization: `Bearer ${player.searchParams.get('token')}` };
  let session = (await (await fetch(`${origin}/api/attempts/${attempt}`, { headers: auth })).json()).session;
  for (let i = 0; i < session.scos.length; i++) {
    await page.waitForFunction((want) => window.passerelle.current === want, session.scos[i].id);
    const done = page.frameLocator('iframe').getByRole('button', { name: /Mark as complete|Submit answers/ });
    await done.first().waitFor();
    await done.first().click();
    await page.waitForTimeout(300);
    if (i < session.scos.length - 1) await page.evaluate((next) => window.passerelle.go(next), session.scos[i + 1].id);
  }
  await page.evaluate(() => window.passerelle.flush());
  await page.waitForFunction(() => window.passerelle.pending === 0);
  session = (await (await fetch(`${origin}/api/attempts/${attempt}`, { headers: auth })).json()).session;
  const lesson = session.scos.find((s) => /set cmi\.completion_status completed/.test(s.state));
  assert.ok(lesson, 'a unit of the sample was completed in the LTI launch');
  await context.close();
  // Recorded: the learner (named as the LMS says), the link and where its scores go.
  assert.equal(sql(`SELECT name FROM learners WHERE subject = 'lti11 ${KEY} u-42'`), 'Ünal, Zoë');
  assert.equal(sql('SELECT lti_version, resource_link_id, context_title, package_id FROM lti_links'),
    `11|link-1|Migration 101|${pkg}`);
  assert.equal(sql('SELECT outcome_url FROM lti_links'), lms.outcomeUrl);
  assert.equal(sql(`SELECT user_ref FROM lti_grade_targets WHERE attempt_id = ${attempt}`), 'course-7:link-1:u-42');
  // Launching again after completing it starts a new attempt (new_attempt_after_completion), scored the same way.
  const again = await post(signLaunch(toolUrl, KEY, secret, launchParams()));
  assert.equal(again.status, 303);
  const next = /\/play\/(\d+)\?lang=en&token=/.exec(again.headers.get('location'))[1];
  assert.equal(sql(`SELECT user_ref FROM lti_grade_targets WHERE attempt_id = ${next}`), 'course-7:link-1:u-42');
});

test('instructors, teaching assistants and administrators go to the link\'s page', async () => {
  for (const roles of ['Instructor', 'urn:lti:role:ims/lis/TeachingAssistant', 'Learner,urn:lti:instrole:ims/lis/Administrator',
    'urn:lti:role:ims/lis/Instructor/TeachingAssistant', 'ContentDeveloper']) {
    const res = await post(signLaunch(toolUrl, KEY, secret, launchParams({ user_id: 'teacher-1', roles })));
    assert.equal(res.status, 303, roles);
    assert.match(res.headers.get('location'), /\/lti\/links\/\d+\?lang=en&token=/, roles);
  }
  for (const roles of ['Learner', 'urn:lti:role:ims/lis/Learner', 'Mentor', '']) {
    const res = await post(signLaunch(toolUrl, KEY, secret, launchParams({ user_id: 'student-2', roles })));
    assert.equal(res.status, 303, roles);
    assert.match(res.headers.get('location'), /\/play\/\d+\?lang=en&token=/, roles);
  }
  const fr = await post(signLaunch(toolUrl, KEY, secret, launchParams({ launch_presentation_locale: 'fr-CA' })));
  assert.match(fr.headers.get('location'), /\?lang=fr&/);
});

test('refused: a bad signature', async () => {
  const signed = signLaunch(toolUrl, KEY, secret, launchParams());
  const tampered = signed.map(([k, v]) => [k, k === 'user_id' ? 'someone-else' : v]);
  await refused(tampered, 401, 'oauth_signature');
  // Signed with another secret, or for another URL.
  await refused(signLaunch(toolUrl, KEY, 'not-the-secret', launchParams()), 401, 'oauth_signature');
  await refused(signLaunch(toolUrl.replace('http:', 'https:'), KEY, secret, launchParams()), 401, 'oauth_signature');
});

test('refused: a stale timestamp, or one from the future', async () => {
  const now = Math.floor(Date.now() / 1000);
  await refused(signLaunch(toolUrl, KEY, secret, launchParams(), { timestamp: now - WINDOW - 60 }), 401, 'oauth_timestamp');
  await refused(signLaunch(toolUrl, KEY, secret, launchParams(), { timestamp: now + WINDOW + 60 }), 401, 'oauth_timestamp');
  // Within the window it passes.
  const ok = await post(signLaunch(toolUrl, KEY, secret, launchParams(), { timestamp: now - WINDOW + 30 }));
  assert.equal(ok.status, 303);
});

test('refused: a replayed nonce', async () => {
  const signed = signLaunch(toolUrl, KEY, secret, launchParams());
  const first = await post(signed);
  assert.equal(first.status, 303);
  const page = await refused(signed, 401, 'oauth_nonce');
  assert.match(page, /already used/);
  // The same nonce from another consumer is that consumer's business.
  passerelle('consumer', 'add', 'other.example', '--data', data);
  const nonce = signed.find(([k]) => k === 'oauth_nonce')[1];
  const other = await post(signLaunch(toolUrl, KEY, secret, launchParams(), { nonce: `${nonce}x` }));
  assert.equal(other.status, 303);
});

test('refused: an unknown consumer key', async () => {
  await refused(signLaunch(toolUrl, 'nobody.example', 'whatever', launchParams()), 401, 'consumer');
});

test('refused: no resource_link_id, no user_id, not a basic launch', async () => {
  await refused(signLaunch(toolUrl, KEY, secret, launchParams({ resource_link_id: undefined })), 400, 'resource_link_id');
  await refused(signLaunch(toolUrl, KEY, secret, launchParams({ user_id: undefined })), 400, 'user_id');
  await refused(signLaunch(toolUrl, KEY, secret, launchParams({ lti_message_type: 'ContentItemSelectionRequest' })),
    400, 'lti_message_type');
  await refused(signLaunch(toolUrl, KEY, secret, launchParams({ lti_version: 'LTI-2p0' })), 400, 'lti_version');
  // A protocol parameter twice.
  const signed = signLaunch(toolUrl, KEY, secret, launchParams());
  await refused([...signed, ['oauth_nonce', 'another']], 400, 'parameters');
  // Not a form.
  const mark = server.log().length;
  const res = await fetch(toolUrl, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 415);
  await res.text();
  assert.match(logSince(mark), /launch refused \(content type\)/);
  // Larger than any launch form (64 KiB).
  const big = await post([...signed, ['filler', 'x'.repeat(70 * 1024)]]);
  assert.equal(big.status, 413);
  await big.text();
});

test('behind a TLS proxy: the URL the consumer signed is the public one', async () => {
  const headers = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'tool.example.org', 'X-Forwarded-For': '203.0.113.9' };
  const res = await post(signLaunch('https://tool.example.org/lti/11/launch', KEY, secret, launchParams()), headers);
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^https:\/\/tool\.example\.org\/play\/\d+\?/);
  // Signed for the address behind the proxy: refused.
  await refused(signLaunch(toolUrl, KEY, secret, launchParams()), 401, 'oauth_signature', headers);
});

test('a launch URL with a query string: its parameters are signed too', async () => {
  const url = `${toolUrl}?from=lms&note=a%20b`;
  const signed = signLaunch(url, KEY, secret, launchParams());
  const ok = await fetch(url, { method: 'POST', body: formBody(signed), redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(ok.status, 303);
  // The same form posted without the query it was signed with.
  await refused(signLaunch(url, KEY, secret, launchParams()), 401, 'oauth_signature');
});

test('consumer remove: its launches are refused at once', async () => {
  passerelle('consumer', 'remove', 'other.example', '--data', data);
  await refused(signLaunch(toolUrl, 'other.example', 'x', launchParams()), 401, 'consumer');
});
