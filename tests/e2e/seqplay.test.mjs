// SCORM 2004 sequencing in the player, end to end: Rustici's "Golf
// Explained - Simple Remediation" (../shared/content/golf) played in
// headless Chromium along the path its designers meant (docs/sequencing.md):
// the four lessons, the four tests with the first failed, remediation of
// the failed topic only (its lesson, then its test again), and the course
// passed. On the way: the table of contents never allows a choice (the
// package is flow only), Previous and Next follow the engine's
// request_valid, and a suspend all in the middle, a reload and a resume
// all give back the same activity and the same tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { binary, sourceDir, testTmp, CHROMIUM_FLAGS } from './lib/harness.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const remediation = join(shared, 'content', 'golf', 'SequencingSimpleRemediation_SCORM20043rdEdition');
const tmp = testTmp('seqplay');
const data = join(tmp, 'data');
const schemas = join(shared, 'schemas');

let server;
let origin;
let browser;
let pkg;

function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--data', data, '--set', 'listen=127.0.0.1:0', '--set', 'threads=4',
      '--set', `schema_dir=${schemas}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
      const m = /listening on .* \(port (\d+)\)/.exec(log);
      if (m && !child.origin) {
        child.origin = `http://127.0.0.1:${m[1]}`;
        resolve(child);
      }
    });
    child.on('exit', (code) => { if (!child.origin) reject(new Error(`serve exited ${code}:\n${log}`)); });
  });
}

const passerelle = (...args) => execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  assert.ok(existsSync(remediation), `golf content missing at ${remediation}`);
  const out = passerelle('import', '--data', data, '--schemas', schemas, '--json', remediation);
  pkg = JSON.parse(out.trim().split('\n').pop()).package;
  server = await serve();
  origin = server.origin;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

async function sequencing(url) {
  const u = new URL(url);
  const res = await fetch(`${origin}/api/attempts/${u.pathname.split('/').pop()}`,
    { headers: { Authorization: `Bearer ${u.searchParams.get('token')}` } });
  assert.equal(res.status, 200);
  return (await res.json()).session.sequencing;
}

// The golf launch page of the SCO on screen, once it runs.
async function golfFrame(page) {
  for (let i = 0; i < 200; i++) {
    const f = page.frames().find((fr) => fr.url().includes('/shared/launchpage.html'));
    if (f) {
      await f.waitForSelector('#butNext');
      return f;
    }
    await page.waitForTimeout(50);
  }
  throw new Error('the golf launch page never loaded');
}

// Read a lesson to its last page (the SCO then says completed and passed).
async function readLesson(page) {
  const sco = await golfFrame(page);
  for (let i = 0; i < 30 && !(await sco.isDisabled('#butNext')); i++) await sco.click('#butNext');
}

// Take a test with a score (the SCO's own RecordTest, which its quiz page calls).
async function takeTest(page, score) {
  const sco = await golfFrame(page);
  await sco.evaluate((s) => window.RecordTest(s), score);
}

// The player's Next (continue), then the activity it delivers.
async function next(page, expect) {
  const before = await page.evaluate(() => window.passerelle.current);
  await page.click('header button:has-text("Next")');
  if (expect === null) {
    await page.waitForSelector('.done');
    return;
  }
  await page.waitForFunction((b) => window.passerelle.current !== b, before);
  assert.equal(await page.evaluate(() => window.passerelle.current), expect);
}

// The table of contents as shown: [{ id, text, disabled }].
const toc = (page) => page.$$eval('nav li', (lis) => lis.map((li) => {
  const b = li.querySelector('button');
  return { id: li.dataset.id, text: li.textContent, disabled: b ? b.disabled : true };
}));

const statuses = (nav) => Object.fromEntries(nav.toc.map((a) => [a.id, `${a.completion}/${a.success}`]));

test('Simple Remediation: pre-test, remediation of the failed topic, post-test; suspend and resume', async () => {
  const url = passerelle('preview', '--data', data, '--set', `public_base_url=${origin}`, String(pkg)).trim().split('\n').pop();
  let context = await browser.newContext({ locale: 'en-US' });
  let page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  await page.waitForFunction(() => window.passerelle && window.passerelle.current);
  assert.equal(await page.evaluate(() => window.passerelle.current), 'playing_item');

  // Flow only: nothing may be chosen; the hidden wrapper is not listed.
  let items = await toc(page);
  assert.ok(items.length >= 8, JSON.stringify(items));
  assert.ok(items.every((i) => i.disabled), JSON.stringify(items));
  assert.ok(!items.some((i) => i.id === 'content_wrapper'));
  assert.equal(await page.isDisabled('header button:has-text("Previous")'), true);
  assert.equal(await page.isDisabled('header button:has-text("Next")'), false);

  await readLesson(page);
  await next(page, 'etuqiette_item');
  // The lesson read said itself passed: its skip rule (satisfied) leaves
  // nothing before this one, so Previous is not valid.
  assert.equal(await page.evaluate(() => window.passerelle.nav.valid.previous), false);
  assert.equal(await page.isDisabled('header button:has-text("Previous")'), true);
  await readLesson(page);

  // Suspend all in the middle, reload: resume all, the same tree.
  await page.click('header button:has-text("Save and exit")');
  await page.waitForSelector('.done');
  const suspended = await sequencing(url);
  assert.ok(suspended.toc.some((a) => a.suspended));
  await context.close();
  context = await browser.newContext({ locale: 'en-US' });
  page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  await page.waitForFunction(() => window.passerelle && window.passerelle.current);
  assert.equal(await page.evaluate(() => window.passerelle.current), 'etuqiette_item');
  const resumed = await page.evaluate(() => window.passerelle.nav);
  assert.equal(resumed.resumed, true);
  // The lesson read before the suspend counts: its data reached sequencing.
  assert.equal(statuses(suspended).etuqiette_item, 'completed/passed');
  assert.deepEqual(statuses(resumed), statuses(suspended));

  await readLesson(page);
  await next(page, 'handicapping_item');
  await readLesson(page);
  await next(page, 'havingfun_item');
  await readLesson(page);
  // The tests: fail the first topic, pass the others.
  await next(page, 'test_1');
  await takeTest(page, 40);
  await next(page, 'test_2');
  await takeTest(page, 80);
  await next(page, 'test_3');
  await takeTest(page, 100);
  await next(page, 'test_4');
  await takeTest(page, 90);
  // Remediation: only the failed topic, its lesson then its test.
  await next(page, 'playing_item');
  items = await toc(page);
  assert.match(items.find((i) => i.id === 'test_1').text, /failed/);
  assert.match(items.find((i) => i.id === 'test_2').text, /passed/);
  await readLesson(page);
  await next(page, 'test_1');
  await takeTest(page, 90);
  await next(page, 'test_4');
  await next(page, null);
  const end = await sequencing(url);
  const root = end.toc.find((a) => a.depth === 0);
  assert.equal(root.success, 'passed');
  await context.close();
});
