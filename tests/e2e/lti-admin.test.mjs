// Instructors and admins end to end: learners launch a link from the test
// LMS (tests/lms/platform.mjs) and answer through the player's API, then an
// instructor launches the same link in a real browser: the link's page
// (French from the launch's locale, English, a phone's width, axe-core
// clean), its two CSV files, and "Play this module". And GET /lti/config,
// as JSON and as a page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { axe, binary, sourceDir, testTmp, pack, CHROMIUM_FLAGS, startServe } from './lib/harness.mjs';
import { startPlatform, ROLE } from '../lms/platform.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const tmp = testTmp('lti-admin');
const data = join(tmp, 'data');
const LINK = { id: 'admin-link-1', title: 'Migration basics' };

let server, tool, lms, browser, pkg;

function serve() {
  return startServe(data, ['threads=2', 'lti_allow_http=true', `schema_dir=${join(shared, 'schemas')}`]);
}

// A learner's launch, then one commit of answers through the player's API
// (the calls the SCO would make; the server replays them).
async function learnerAnswers(sub, name, answers) {
  const { response } = await lms.launch(tool, {
    sub, claims: { name, given_name: undefined, family_name: undefined }, custom: { package: pkg }, resourceLink: LINK,
    // The link's page lists the attempts whose scores go to the LMS: Moodle's grade service on.
    ags: { scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'], lineitem: `${lms.issuer}/lineitems/admin-1` },
  });
  assert.equal(response.status, 303, `launch of ${sub}`);
  const play = new URL(response.headers.get('location'));
  const attempt = play.pathname.split('/').pop();
  const token = play.searchParams.get('token');
  const session = await (await fetch(`${tool}/api/attempts/${attempt}?token=${token}`)).json();
  const sco = (session.session ?? session).scos[0].id;
  const ok = (fn, args) => ({ fn, args, result: 'true', error: 0 });
  const calls = [ok('Initialize', [''])];
  answers.forEach(([id, type, response, result], n) => {
    calls.push(ok('SetValue', [`cmi.interactions.${n}.id`, id]), ok('SetValue', [`cmi.interactions.${n}.type`, type]),
      ok('SetValue', [`cmi.interactions.${n}.learner_response`, response]),
      ok('SetValue', [`cmi.interactions.${n}.result`, result]),
      ok('SetValue', [`cmi.interactions.${n}.latency`, 'PT42S']));
  });
  calls.push(ok('SetValue', ['cmi.score.scaled', '0.75']), ok('SetValue', ['cmi.session_time', 'PT3M']), ok('Terminate', ['']));
  const res = await fetch(`${tool}/api/attempts/${attempt}/commits?token=${token}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seq: 1, sco, calls }),
  });
  assert.equal(res.status, 200, await res.text());
}

before(async () => {
  const zip = pack(join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course'), 'scorm2004', join(tmp, 'sample.zip'));
  const out = execFileSync(binary, ['import', '--data', data, '--schemas', join(shared, 'schemas'), '--json', zip],
    { encoding: 'utf8' });
  pkg = String(JSON.parse(out.trim().split('\n').pop()).package);
  lms = await startPlatform();
  lms.register({ binary, data });
  server = await serve();
  tool = server.origin;
  await learnerAnswers('learner-ada', 'Ada Lovelace', [['q-border', 'choice', 'b', 'correct'], ['q-word', 'fill-in', '=1+1', 'incorrect']]);
  await learnerAnswers('learner-bob', 'Bob, "the" <builder>', [['q-border', 'choice', 'a', 'incorrect']]);
  browser = await chromium.launch({ executablePath: process.env.PA_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  await lms?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (server) writeFileSync(join(tmp, 'serve.log'), server.log());
});

function report(where, violations) {
  return `${where}:\n` + violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

// An instructor's launch in a browser (axe needs its script in the page: CSP bypassed for the test only).
async function instructorPage(locale, viewport) {
  const context = await browser.newContext({ bypassCSP: true, viewport: viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(lms.launchUrl(tool, {
    sub: 'teacher-1', roles: [ROLE.instructor], custom: { package: pkg }, resourceLink: LINK, locale,
  }));
  await page.waitForURL(/\/lti\/links\/\d+\?/);
  return { context, page };
}

test('an instructor sees the link\'s attempts and answers, in French, axe-clean', async () => {
  const { context, page } = await instructorPage('fr-FR');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  const text = await page.textContent('main');
  assert.match(text, /Tentatives \(2\)/);
  assert.match(text, /Ada Lovelace/);
  assert.match(text, /Bob, "the" <builder>/);       // a name is text, never markup
  assert.match(text, /75\u202f%/);
  assert.match(text, /Lancer ce module/);
  for (const d of await page.locator('details').all()) await d.locator('summary').click();
  assert.match(await page.textContent('main'), /q-word[\s\S]*=1\+1[\s\S]*faux/);
  await page.screenshot({ path: join(tmp, 'link-fr.png'), fullPage: true });   // to look at
  const violations = await axe(page);
  assert.deepEqual(violations, [], report('link page [fr]', violations));
  await context.close();
});

test('the page in English works on a phone, axe-clean', async () => {
  const { context, page } = await instructorPage('en-US', { width: 360, height: 740 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(await page.textContent('main'), /Attempts \(2\)/);
  // Nothing wider than the screen but the tables' own scrolling regions.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  for (const d of await page.locator('details').all()) await d.locator('summary').click();
  await page.screenshot({ path: join(tmp, 'link-en-phone.png'), fullPage: true });
  const violations = await axe(page);
  assert.deepEqual(violations, [], report('link page [en, phone]', violations));
  await context.close();
});

test('the CSV files: UTF-8 with BOM, RFC 4180, formulas kept as text', async () => {
  const { context, page } = await instructorPage('en-US');
  const attemptsHref = await page.locator('a[href*="/attempts.csv"]').getAttribute('href');
  const interactionsHref = await page.locator('a[href*="/interactions.csv"]').getAttribute('href');
  const attempts = await fetch(new URL(attemptsHref, tool));
  assert.equal(attempts.status, 200);
  assert.match(attempts.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(attempts.headers.get('content-disposition'), /^attachment; filename="passerelle-link-\d+-attempts\.csv"$/);
  const a = Buffer.from(await attempts.arrayBuffer());
  assert.deepEqual([...a.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const rows = a.subarray(3).toString('utf8').split('\r\n');
  assert.equal(rows[0], 'attempt_id,learner_name,lms_user_id,completion_status,success_status,score_scaled,' +
    'score_percent,total_time_seconds,started,last_access,interactions');
  assert.equal(rows.length, 4);   // header, two attempts, the empty string after the last CRLF
  assert.ok(rows.some((r) => /^\d+,Ada Lovelace,learner-ada,\w+,\w+,0\.7500,75\.0,180\.00,[\dT:Z-]+,[\dT:Z-]+,2$/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => r.includes(',"Bob, ""the"" <builder>",learner-bob,')), rows.join('\n'));

  const interactions = await fetch(new URL(interactionsHref, tool));
  const lines = (await interactions.text()).replace(/^\ufeff/, '').split('\r\n');
  assert.equal(lines.length, 5);   // header, three answers, ''
  assert.ok(lines.some((r) => /,Ada Lovelace,learner-ada,[^,]+,q-word,fill-in,'=1\+1,incorrect,42\.00,,$/.test(r)), lines.join('\n'));
  await context.close();
});

test('the page a page of learners at a time, axe-clean; the CSV files still have every attempt', async () => {
  const { context, page } = await instructorPage('en-US');
  const url = new URL(page.url());
  url.searchParams.set('per_page', '1');   // 100 by default: two learners make two pages of one
  await page.goto(url.href);
  const names = ['Ada Lovelace', 'Bob, "the" <builder>'];
  // The learner in the attempts table (the first table of the page).
  const shown = async () => page.locator('tbody th[scope="row"]').first().textContent();
  const first = await page.textContent('main');
  assert.match(first, /Attempts \(2\)/);
  assert.match(first, /Attempts 1–1 of 2, page 1 of 2/);
  assert.equal(await page.locator('a[rel="prev"]').count(), 0);
  const onFirst = await shown();
  let violations = await axe(page);
  assert.deepEqual(violations, [], report('link page, page 1 of 2', violations));

  await page.getByRole('link', { name: /Next page/ }).click();
  await page.waitForURL(/[?&]page=2/);
  const second = await page.textContent('main');
  assert.match(second, /Attempts 2–2 of 2, page 2 of 2/);
  assert.equal(await page.locator('a[rel="next"]').count(), 0);
  const onSecond = await shown();
  // Each learner on one page, and only there.
  assert.deepEqual([onFirst, onSecond].sort(), [...names].sort());
  assert.ok(!second.includes(onFirst), `${onFirst} is on page 1 only`);
  await page.screenshot({ path: join(tmp, 'link-page-2.png'), fullPage: true });
  violations = await axe(page);
  assert.deepEqual(violations, [], report('link page, page 2 of 2', violations));
  await page.getByRole('link', { name: /Previous page/ }).click();
  await page.waitForURL(/[?&]page=1/);
  assert.equal(await shown(), onFirst);

  // The files do not follow the pages: every attempt, streamed in chunks.
  for (const [file, lines] of [['attempts', 4], ['interactions', 5]]) {
    const href = await page.locator(`a[href*="/${file}.csv"]`).getAttribute('href');
    const res = await fetch(new URL(href, tool));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    const rows = (await res.text()).replace(/^\ufeff/, '').split('\r\n');
    assert.equal(rows.length, lines, rows.join('\n'));
    assert.ok(rows.some((r) => r.includes(',Ada Lovelace,learner-ada,')), rows.join('\n'));
    assert.ok(rows.some((r) => r.includes(',learner-bob,')), rows.join('\n'));
  }
  // Not a page number: refused, in words.
  url.searchParams.set('page', '0');
  assert.equal((await fetch(url.href)).status, 400);
  await context.close();
});

test('"Play this module" opens the instructor\'s own attempt in the player', async () => {
  const { context, page } = await instructorPage('en-US');
  await page.getByRole('link', { name: 'Play this module' }).click();
  await page.waitForURL(/\/play\/\d+\?(lang=en&)?token=/);
  await page.waitForFunction(() => window.passerelle && window.passerelle.current);
  await context.close();
  // Still two learners' attempts: the instructor's is not one of them.
  const again = await instructorPage('en-US');
  assert.match(await again.page.textContent('main'), /Attempts \(2\)/);
  await again.context.close();
});

test('a link page without its token, or with another link\'s, is refused', async () => {
  const { context, page } = await instructorPage('en-US');
  const url = new URL(page.url());
  const id = Number(url.pathname.split('/').pop());
  const token = url.searchParams.get('token');
  assert.equal((await fetch(`${tool}/lti/links/${id}`)).status, 403);
  assert.equal((await fetch(`${tool}/lti/links/${id + 1}?token=${encodeURIComponent(token)}`)).status, 403);
  assert.equal((await fetch(`${tool}/lti/links/${id}/attempts.csv?token=x${encodeURIComponent(token)}`)).status, 403);
  await context.close();
});

test('GET /lti/config: the URLs for the LMS, as JSON and as a page', async () => {
  const json = await (await fetch(`${tool}/lti/config`)).json();
  assert.equal(json.oidc_login, `${tool}/lti/login`);
  assert.equal(json.jwks, `${tool}/lti/jwks`);
  assert.deepEqual(json.redirect_uris, [`${tool}/lti/launch`]);
  const cli = JSON.parse(execFileSync(binary, ['lti-config', '--base-url', tool, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  assert.deepEqual(cli, json);
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${tool}/lti/config`);
  assert.match(await page.textContent('main'), /Initiate login URL/);
  const violations = await axe(page);
  assert.deepEqual(violations, [], report('/lti/config page', violations));
  await context.close();
});
