// The player end to end: `passerelle serve` on 127.0.0.1 with a fresh data
// folder, vendor packages (Rustici's Golf Explained, ../shared/content/golf)
// and a package of our own imported, preview links opened in headless
// Chromium, courses played to completion, a window closed in the middle and
// resumed, every stored value checked through the API and the store; and a
// server killed (SIGKILL) during a stream of commits, every acknowledged
// commit found after the restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { binary, sourceDir, testTmp, pack, CHROMIUM_FLAGS, axePath } from './lib/harness.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const golf = join(shared, 'content', 'golf');
const tmp = testTmp('player');
const data = join(tmp, 'data');
const schemas = join(shared, 'schemas');

let server;
let origin;
let browser;
const packages = {};

// Start `passerelle serve` on an ephemeral port; resolves with its origin.
function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--data', data, '--set', 'listen=127.0.0.1:0', '--set', 'threads=4',
      '--set', `schema_dir=${schemas}`, '--set', 'commit_interval=5'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    child.log = () => log;
  });
}

function passerelle(...args) {
  return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function importPackage(path) {
  const out = passerelle('import', '--data', data, '--schemas', schemas, '--json', path);
  return JSON.parse(out.trim().split('\n').pop()).package;
}

// The preview link of a package, on the running server (the URL is the last line).
function previewLink(pkg) {
  const out = passerelle('preview', '--data', data, '--set', `public_base_url=${origin}`, String(pkg));
  const url = out.trim().split('\n').pop();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/play\/\d+\?token=/);
  return url;
}

async function attemptState(url) {
  const u = new URL(url);
  const id = u.pathname.split('/').pop();
  const res = await fetch(`${origin}/api/attempts/${id}`, { headers: { Authorization: `Bearer ${u.searchParams.get('token')}` } });
  assert.equal(res.status, 200);
  return (await res.json()).session;
}

// The value of an element in a SCO's exported engine state.
function stored(sco, element) {
  const line = sco.state.split('\n').find((l) => l.startsWith(`set ${element} `));
  return line ? line.slice(`set ${element} `.length) : undefined;
}
const phase = (sco) => /^phase (.*)$/m.exec(sco.state)[1];

// Open a player page; dialogs (the golf course's "resume?") are accepted.
async function open(url, { lang = 'en-US', viewport, bypassCSP = false } = {}) {
  const context = await browser.newContext({ locale: lang, viewport: viewport || { width: 1280, height: 900 }, bypassCSP });
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  await page.waitForFunction(() => window.passerelle && window.passerelle.current);
  return { context, page };
}

// The frame of the golf launch page (the SCO), once its own content frame is there.
async function golfFrame(page) {
  await page.waitForSelector('iframe');
  for (let i = 0; i < 100; i++) {
    const f = page.frames().find((fr) => fr.url().includes('/shared/launchpage.html'));
    if (f) {
      await f.waitForSelector('#butNext');
      return f;
    }
    await page.waitForTimeout(50);
  }
  throw new Error('the golf launch page never loaded');
}

async function saved(page) {
  await page.evaluate(() => window.passerelle.flush());
  await page.waitForFunction(() => window.passerelle.pending === 0);
}

before(async () => {
  assert.ok(existsSync(golf), `golf content missing at ${golf}`);
  packages.golf2004 = importPackage(join(golf, 'RuntimeBasicCalls_SCORM20043rdEdition'));
  packages.golf12 = importPackage(join(golf, 'RuntimeBasicCalls_SCORM12'));
  packages.multi = importPackage(join(golf, 'ContentPackagingOneFilePerSCO_SCORM20043rdEdition'));
  const zip = pack(join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course'), 'scorm2004', join(tmp, 'sample.zip'));
  packages.sample = importPackage(zip);
  server = await serve();
  origin = server.origin;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

test('golf 2004: play to completion, every value stored', async () => {
  const url = previewLink(packages.golf2004);
  const { context, page } = await open(url);
  const sco = await golfFrame(page);
  for (let i = 0; i < 14; i++) await sco.click('#butNext');
  await saved(page);
  let s = (await attemptState(url)).scos[0];
  assert.equal(stored(s, 'cmi.location'), '14');
  assert.equal(stored(s, 'cmi.completion_status'), 'completed');
  // the assessment: answer what it asks and submit
  const quiz = page.frames().find((f) => f.url().includes('assessmenttemplate.html'));
  await quiz.waitForSelector('input');
  await quiz.evaluate(() => {
    for (const r of document.querySelectorAll('input[type=radio]')) if (!r.checked) r.checked = true;
    for (const t of document.querySelectorAll('input[type=text]')) t.value = '18';
  });
  await quiz.click('input[type=button], button');
  await sco.click('#butExit');
  await page.waitForSelector('.done');
  await saved(page);
  s = (await attemptState(url)).scos[0];
  assert.equal(phase(s), 'terminated');
  assert.equal(stored(s, 'cmi.completion_status'), 'completed');
  assert.match(stored(s, 'cmi.score.scaled'), /^(0(\.\d+)?|1)$/);
  assert.ok(['passed', 'failed'].includes(stored(s, 'cmi.success_status')));
  assert.equal(stored(s, 'cmi.learner_id'), 'preview');
  assert.match(s.state, /^total-time [1-9]\d*$/m);
  await context.close();
});

test('golf 1.2: close the window in the middle, then resume', async () => {
  const url = previewLink(packages.golf12);
  let { context, page } = await open(url);
  let sco = await golfFrame(page);
  for (let i = 0; i < 5; i++) await sco.click('#butNext');
  // the course counts whole seconds of session time
  await page.waitForTimeout(2200);
  // the learner closes the tab: beforeunload/unload run in the SCO, pagehide here
  await page.close({ runBeforeUnload: true });
  await context.close();
  let session;
  for (let i = 0; i < 50; i++) {
    session = await attemptState(url);
    if (phase(session.scos[0]) === 'terminated') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let s = session.scos[0];
  assert.equal(phase(s), 'terminated', s.state);
  assert.equal(stored(s, 'cmi.core.lesson_location'), '5');
  assert.equal(stored(s, 'cmi.core.exit'), 'suspend');
  assert.equal(stored(s, 'cmi.core.lesson_status'), 'incomplete');
  const firstTime = /^total-time (\d+)$/m.exec(s.state)[1];
  assert.ok(Number(firstTime) > 0);

  // the same link again: entry resume, location restored (the course asks; we accept)
  ({ context, page } = await open(url));
  sco = await golfFrame(page);
  const entry = await page.evaluate(() => window.API.LMSGetValue('cmi.core.entry'));
  assert.equal(entry, 'resume');
  const location = await page.evaluate(() => window.API.LMSGetValue('cmi.core.lesson_location'));
  assert.equal(location, '5');
  await sco.waitForFunction(() => document.getElementById('contentFrame').src.includes('Etiquette/Course.html'));
  for (let i = 0; i < 9; i++) await sco.click('#butNext');
  await page.waitForTimeout(1200);
  await sco.click('#butExit');
  await page.waitForSelector('.done');
  await saved(page);
  s = (await attemptState(url)).scos[0];
  assert.equal(stored(s, 'cmi.core.lesson_status'), 'completed');
  assert.ok(Number(/^total-time (\d+)$/m.exec(s.state)[1]) > Number(firstTime), 'total time accumulates');
  await context.close();
});

test('golf 2004: the calls made before a window closes reach the server (pagehide, keepalive)', async () => {
  const url = previewLink(packages.golf2004);
  const before = await attemptState(url);
  const { context, page } = await open(url);
  const sco = await golfFrame(page);
  await saved(page);
  for (let i = 0; i < 3; i++) await sco.click('#butNext');
  assert.ok(await page.evaluate(() => window.passerelle.pending) > 0, 'calls wait for a commit');
  await page.close(); // no beforeunload: pagehide and unload only
  await context.close();
  let s;
  for (let i = 0; i < 50; i++) {
    const now = await attemptState(url);
    s = now.scos[0];
    if (now.last_seq > before.last_seq && phase(s) === 'terminated') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // the course's unload handler terminates (without exit suspend: its choice)
  assert.equal(phase(s), 'terminated', s.state);
  assert.equal(stored(s, 'cmi.location'), '3', s.state);
  assert.match(stored(s, 'cmi.session_time'), /^PT/);
});

test('multi-SCO 2004: table of contents and next in flow order, completion of each', async () => {
  const url = previewLink(packages.multi);
  const { context, page } = await open(url, { lang: 'fr-FR' });
  const session = await attemptState(url);
  assert.ok(session.scos.length > 1);
  // French interface
  await page.waitForSelector('nav summary');
  assert.equal(await page.textContent('nav summary'), 'Sommaire');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  const ids = [];
  for (let i = 0; i < session.scos.length; i++) {
    ids.push(await page.evaluate(() => window.passerelle.current));
    await page.waitForFunction(() => document.querySelector('iframe').src !== 'about:blank');
    await page.waitForTimeout(300);
    if (i < session.scos.length - 1) {
      await page.click('text=Suivant');
      await page.waitForFunction((prev) => window.passerelle.current !== prev, ids[i]);
    }
  }
  assert.deepEqual(ids, session.scos.map((s) => s.id));
  await page.click('text=Enregistrer et quitter');
  await page.waitForSelector('.done');
  await saved(page);
  const after2 = await attemptState(url);
  for (const s of after2.scos.filter((x) => x.type === 'sco')) {
    assert.notEqual(phase(s), 'not-initialized', `${s.id} was launched`);
  }
  await context.close();
});

test('our own sample package plays in the player, on a phone, accessibly', async () => {
  const url = previewLink(packages.sample);
  // (axe is injected: the page's CSP allows no inline script)
  const { context, page } = await open(url, { viewport: { width: 390, height: 844 }, bypassCSP: true });
  await page.waitForFunction(() => document.querySelector('iframe').src !== 'about:blank');
  await page.waitForTimeout(500);
  await page.addScriptTag({ content: readFileSync(axePath, 'utf8') });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { exclude: [['iframe']] });
    return r.violations.map((v) => `${v.id}: ${v.help}`);
  });
  assert.deepEqual(result, []);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling on a phone (${width})`);
  // every unit to its end: lessons marked complete, assessments submitted
  let session = await attemptState(url);
  for (let i = 0; i < session.scos.length; i++) {
    const id = session.scos[i].id;
    await page.waitForFunction((want) => window.passerelle.current === want, id);
    const sco = page.frameLocator('iframe');
    const done = sco.getByRole('button', { name: /Mark as complete|Submit answers/ });
    await done.first().waitFor();
    await done.first().click();
    await page.waitForTimeout(300);
    if (i < session.scos.length - 1) await page.evaluate((next) => window.passerelle.go(next), session.scos[i + 1].id);
  }
  await page.evaluate(() => window.passerelle.exit());
  await page.waitForSelector('.done');
  await saved(page);
  session = await attemptState(url);
  for (const s of session.scos) {
    assert.equal(phase(s), 'terminated', s.id);
    assert.equal(stored(s, 'cmi.completion_status'), 'completed', `${s.id}: ${s.state}`);
  }
  await context.close();
});

test('an outage is shown and retried; a refused commit reaches the SCO as 391', async () => {
  const url = previewLink(packages.golf2004);
  const { context, page } = await open(url);
  await golfFrame(page);
  await saved(page);
  // the server cannot be reached: the status says so, the calls wait
  await page.route('**/commits*', (route) => route.abort('connectionrefused'));
  await page.evaluate(() => { window.API_1484_11.SetValue('cmi.location', '7'); window.API_1484_11.Commit(''); });
  await page.waitForSelector('.status[data-state="offline"]');
  assert.match(await page.textContent('.status'), /cannot be reached/);
  assert.ok(await page.evaluate(() => window.passerelle.pending) > 0);
  await page.unroute('**/commits*');
  await page.evaluate(() => window.passerelle.flush());
  await page.waitForSelector('.status[data-state="saved"]', { timeout: 60000 });
  let s = (await attemptState(url)).scos[0];
  assert.equal(stored(s, 'cmi.location'), '7');
  // the server refuses a commit: the SCO's next Commit says false, GetLastError 391
  await page.route('**/commits*', (route) => route.fulfill({
    status: 422, contentType: 'application/json',
    body: JSON.stringify({ ok: false, code: 391, error: 'refused (test)', last_seq: 0 }),
  }));
  await page.evaluate(() => window.API_1484_11.SetValue('cmi.location', '8'));
  await page.evaluate(() => window.passerelle.flush());
  await page.waitForSelector('.status[data-state="rejected"]');
  await page.unroute('**/commits*');
  const answer = await page.evaluate(() => {
    const api = window.API_1484_11;
    return [api.Commit(''), api.GetLastError(), api.GetValue('cmi.location'), api.GetLastError()];
  });
  assert.deepEqual(answer, ['false', '391', '7', '0'], 'the refused value is gone, the saved one is back');
  await saved(page);
  s = (await attemptState(url)).scos[0];
  assert.equal(stored(s, 'cmi.location'), '7');
  await context.close();
});

test('SIGKILL during a stream of commits: every acknowledged commit is stored', async () => {
  const url = previewLink(packages.golf2004);
  const u = new URL(url);
  const id = u.pathname.split('/').pop();
  const token = u.searchParams.get('token');
  let session = await attemptState(url);
  let seq = session.last_seq;
  const sco = session.scos[0].id;
  // One browser-side engine builds real commits (the server replays them).
  const { loadScormEngine } = await import(join(sourceDir, 'runtime', 'scorm', 'engine.mjs'));
  const wasm = readFileSync(join(dirname(binary), 'scorm.wasm'));
  const engines = await loadScormEngine(wasm);
  const e = engines.import(session.scos[0].state);
  const calls = [];
  const rec = (fn, args, result) => calls.push({ fn, args, result, error: e.getLastError() });
  if (e.phase !== 'not-initialized') { e.nextSession(); calls.push({ fn: 'NextSession', args: [], result: '', error: 0 }); }
  rec('Initialize', [''], e.initialize('') ? 'true' : 'false');
  const acknowledged = [];
  let killed = false;
  const stream = (async () => {
    for (let i = 1; !killed; i++) {
      rec('SetValue', ['cmi.location', `k${i}`], e.setValue('cmi.location', `k${i}`) ? 'true' : 'false');
      const body = JSON.stringify({ seq: seq + 1, sco, calls });
      try {
        const res = await fetch(`${origin}/api/attempts/${id}/commits?token=${token}`, { method: 'POST', body });
        if (res.status === 200) {
          seq += 1;
          acknowledged.push({ seq, location: `k${i}` });
          calls.length = 0;
        }
      } catch {
        break;
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 700));
  server.kill('SIGKILL');
  killed = true;
  await stream;
  assert.ok(acknowledged.length > 5, `some commits were acknowledged (${acknowledged.length})`);
  server = await serve();
  origin = server.origin;
  session = await attemptState(url.replace(/^http:\/\/[^/]+/, origin));
  const last = acknowledged[acknowledged.length - 1];
  assert.ok(session.last_seq >= last.seq, `last_seq ${session.last_seq} >= acknowledged ${last.seq}`);
  const loc = stored(session.scos[0], 'cmi.location');
  // the acknowledged one, or the one in flight when the server died (stored, not yet answered)
  assert.ok(loc === last.location || session.last_seq === last.seq + 1, `location ${loc} after ${last.location}`);
  for (const a of acknowledged.slice(-3)) {
    const res = await fetch(`${origin}/api/attempts/${id}/commits?token=${token}`, {
      method: 'POST', body: JSON.stringify({ seq: a.seq, sco, calls: [] }),
    });
    assert.equal(res.status, 200, `commit ${a.seq} is still answered`);
    assert.equal((await res.json()).seq, a.seq);
  }
});
