// End-to-end test harness: headless Chromium (Debian's, through
// playwright-core), a static HTTP server on 127.0.0.1, and a test "LMS"
// page that exposes a recording SCORM API (1.2 `API`, 2004 `API_1484_11`)
// and plays a SCO in an iframe. Reusable by every e2e test.
//
//   const env = await startEnv(folder);            // server + browser
//   const lms = await env.openSco('content/a.html', { version: '2004' });
//   await lms.frame.click('text=Mark as complete');
//   const calls = await lms.calls();               // [{fn, args, result}]
//   await env.close();

import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

export const sourceDir = process.env.PA_SOURCE_DIR || resolve(here, '..', '..', '..');
export const binary = process.env.PA_BINARY || join(sourceDir, 'build', 'dev', 'passerelle');
export const axePath = join(sourceDir, 'node_modules', 'axe-core', 'axe.min.js');

export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// A fresh empty folder for one test, under the build's test-tmp.
export function testTmp(name) {
  const base = process.env.PA_TEST_TMP || join(tmpdir(), 'passerelle-test');
  const dir = join(base, 'e2e', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

// Run `passerelle pack`; returns the zip path. Throws with the tool's output on failure.
export function pack(courseDir, format, out, extra = []) {
  try {
    execFileSync(binary, ['pack', courseDir, '--format', format, '-o', out, ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`passerelle pack failed (${e.status}):\n${e.stdout}${e.stderr}`);
  }
  return out;
}

// Unzip with Debian's unzip into a fresh folder.
export function unzip(zip, dest) {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  execFileSync('unzip', ['-q', zip, '-d', dest]);
  return dest;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.xsd': 'application/xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.svg': 'image/svg+xml', '.webp': 'image/webp', '.mp4': 'video/mp4', '.webm': 'video/webm',
  '.mp3': 'audio/mpeg', '.vtt': 'text/vtt', '.pdf': 'application/pdf', '.txt': 'text/plain; charset=utf-8',
};

// The test LMS page: a recording SCORM API for the SCO in its iframe.
// Query: sco (path of the SCO), version (12, 2004, both or none), cmi (JSON
// of the data model's starting values), strict=1 (enforce SCORM 1.2's
// 4,096-character suspend_data).
const LMS_PAGE = String.raw`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%;display:block}</style>
<script>
(function () {
  var q = new URLSearchParams(location.search);
  var version = q.get('version') || '2004';
  var strict = q.get('strict') === '1';
  var cmi = JSON.parse(q.get('cmi') || '{}');
  var calls = [], state = { initialized: false, terminated: false, error: '0' };
  window.__calls = calls;
  window.__cmi = cmi;
  window.__state = state;
  function count(prefix) {
    var n = 0, re = new RegExp('^' + prefix.replace(/\./g, '\\.') + '(\\d+)\\.');
    Object.keys(cmi).forEach(function (k) { var m = re.exec(k); if (m) n = Math.max(n, Number(m[1]) + 1); });
    return String(n);
  }
  function defaults(v2004) {
    return v2004
      ? { 'cmi.entry': 'ab-initio', 'cmi.completion_status': 'unknown', 'cmi.success_status': 'unknown',
          'cmi.mode': 'normal', 'cmi.credit': 'credit', 'cmi.learner_id': 'u1', 'cmi.learner_name': 'Doe, Jane' }
      : { 'cmi.core.entry': 'ab-initio', 'cmi.core.lesson_status': 'not attempted', 'cmi.core.lesson_mode': 'normal',
          'cmi.core.credit': 'credit', 'cmi.core.student_id': 'u1', 'cmi.core.student_name': 'Doe, Jane' };
  }
  function make(v2004) {
    var d = defaults(v2004);
    function rec(fn, args, result) { calls.push({ fn: fn, args: args, result: result, t: Date.now() }); return result; }
    function live() { return state.initialized && !state.terminated; }
    function get(el) {
      if (!live()) { state.error = state.terminated ? (v2004 ? '123' : '301') : (v2004 ? '122' : '301'); return ''; }
      state.error = '0';
      var m = /^(cmi\.(?:interactions|objectives))\._count$/.exec(el);
      if (m) return count(m[1] + '.');
      if (Object.prototype.hasOwnProperty.call(cmi, el)) return String(cmi[el]);
      if (Object.prototype.hasOwnProperty.call(d, el)) return d[el];
      return '';
    }
    function set(el, value) {
      if (!live()) { state.error = state.terminated ? (v2004 ? '133' : '301') : (v2004 ? '132' : '301'); return 'false'; }
      // strict: SCORM 1.2's CMIString4096 for suspend_data, as strict LMSs enforce it.
      if (strict && !v2004 && el === 'cmi.suspend_data' && String(value).length > 4096) { state.error = '405'; return 'false'; }
      state.error = '0';
      cmi[el] = String(value);
      return 'true';
    }
    var api = {};
    var names = v2004
      ? ['Initialize', 'Terminate', 'GetValue', 'SetValue', 'Commit', 'GetLastError', 'GetErrorString', 'GetDiagnostic']
      : ['LMSInitialize', 'LMSFinish', 'LMSGetValue', 'LMSSetValue', 'LMSCommit', 'LMSGetLastError', 'LMSGetErrorString', 'LMSGetDiagnostic'];
    var impl = [
      function () {
        if (state.initialized) { state.error = v2004 ? (state.terminated ? '104' : '103') : '101'; return 'false'; }
        state.initialized = true; state.error = '0'; return 'true';
      },
      function () {
        if (!live()) { state.error = v2004 ? (state.terminated ? '113' : '112') : '301'; return 'false'; }
        state.terminated = true; state.error = '0'; return 'true';
      },
      get, set,
      function () { if (!live()) { state.error = v2004 ? '142' : '301'; return 'false'; } state.error = '0'; return 'true'; },
      function () { return state.error; },
      function (c) { return c === '0' ? 'No error' : 'Error ' + c; },
      function (c) { return ''; }
    ];
    names.forEach(function (name, i) {
      api[name] = function () {
        var args = Array.prototype.slice.call(arguments).map(String);
        var skip = /GetLastError|GetErrorString|GetDiagnostic/.test(name);
        var result = impl[i].apply(null, arguments);
        return skip ? result : rec(name, args, result);
      };
    });
    return api;
  }
  if (version === '2004' || version === 'both') window.API_1484_11 = make(true);
  if (version === '12' || version === 'both') window.API = make(false);
})();
</script></head>
<body><iframe id="sco" title="Course"></iframe>
<script>document.getElementById('sco').src = new URLSearchParams(location.search).get('sco');</script>
</body></html>`;

// Serve folder on 127.0.0.1 (any free port); /__lms.html is the test LMS.
export async function serve(folder) {
  const root = resolve(folder);
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/__lms.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(LMS_PAGE);
      return;
    }
    let path;
    try {
      path = normalize(join(root, decodeURIComponent(url.pathname)));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path !== root && !path.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(path).isDirectory()) path = join(path, 'index.html');
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path).toLowerCase()] || 'application/octet-stream',
        'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

// Chromium with the offline flags and a fresh profile.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'pa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    locale: 'en-US',
    viewport: { width: 1000, height: 700 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// The SCO's frame once its page has loaded.
async function scoFrame(page, scoPath) {
  const name = scoPath.split('/').pop();
  for (let i = 0; i < 100; i++) {
    const f = page.frames().find((fr) => fr !== page.mainFrame() && fr.url().endsWith(name));
    if (f) {
      await f.waitForLoadState('load');
      return f;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`the SCO ${scoPath} did not load`);
}

// Server + browser for a folder (an unzipped package).
export async function startEnv(folder) {
  const server = await serve(folder);
  const browser = await launch();
  return {
    server,
    browser,
    // Open the test LMS playing the SCO at scoPath (relative to folder).
    // version: '2004', '12', 'both' or 'none'; cmi: starting data model values;
    // clock: install Playwright's fake clock first (page.clock moves time on).
    async openSco(scoPath, { version = '2004', cmi = {}, locale, clock = false, strict = false } = {}) {
      const page = await browser.context.newPage();
      if (clock) await page.clock.install();
      if (locale) {
        await page.setExtraHTTPHeaders({ 'accept-language': locale });
      }
      const q = new URLSearchParams({ sco: '/' + scoPath, version, cmi: JSON.stringify(cmi), strict: strict ? '1' : '0' });
      await page.goto(`${server.url}__lms.html?${q}`);
      const frame = await scoFrame(page, scoPath);
      return {
        page,
        frame,
        calls: () => page.evaluate(() => window.__calls.map((c) => ({ fn: c.fn, args: c.args, result: c.result }))),
        cmi: () => page.evaluate(() => Object.assign({}, window.__cmi)),
        lmsState: () => page.evaluate(() => Object.assign({}, window.__state)),
        // Close the SCO as a learner leaving it: the iframe is emptied (pagehide).
        async unload() {
          await page.evaluate(() => { document.getElementById('sco').src = 'about:blank'; });
          await page.waitForFunction(() => {
            const f = document.getElementById('sco');
            return f.contentWindow && f.contentWindow.location.href === 'about:blank';
          });
        },
        close: () => page.close(),
      };
    },
    // Open a page directly, with no LMS around it.
    async openStandalone(path) {
      const page = await browser.context.newPage();
      await page.goto(server.url + path);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

// What an LMS keeps for the next session after the learner left: the data
// model, with cmi.entry set from cmi.exit as SCORM says.
export function nextSession(cmi, v2004 = true) {
  const next = { ...cmi };
  if (v2004) {
    next['cmi.entry'] = cmi['cmi.exit'] === 'suspend' ? 'resume' : 'ab-initio';
    delete next['cmi.exit'];
    delete next['cmi.session_time'];
  } else {
    next['cmi.core.entry'] = cmi['cmi.core.exit'] === 'suspend' ? 'resume' : '';
    delete next['cmi.core.exit'];
    delete next['cmi.core.session_time'];
  }
  return next;
}

// Run axe-core in a frame or page; returns the violations for WCAG 2.1 A/AA.
export async function axe(target) {
  const has = await target.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await target.addScriptTag({ path: axePath });
  return target.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary) }));
  });
}

// `passerelle serve` on a free loopback port for the LTI tests: resolves
// with the child once it listens, child.origin its URL and child.log() what
// it wrote; rejects with that log if it exits first. settings: NAME=VALUE.
export function startServe(data, settings = []) {
  return new Promise((resolve, reject) => {
    const args = ['serve', '--data', data, '--set', 'listen=127.0.0.1:0'];
    for (const s of settings) args.push('--set', s);
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
