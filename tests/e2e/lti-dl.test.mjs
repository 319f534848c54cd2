// LTI 1.3 Dynamic Registration and Deep Linking 2.0 end to end: `passerelle
// serve` on 127.0.0.1 with a fresh data folder, and a test platform
// (tests/lms: Moodle's registration endpoints, an OIDC authentication
// endpoint, a deep_link_return_url verifying with jose) on another port.
// Registration is checked through HTTP, in a frame of the platform's page
// (the close message), and in `passerelle platform list`; deep linking in
// headless Chromium: two modules picked from the catalogue reach the
// platform in one signed response, and a learner launching the activity made
// of one plays that module. Bad inputs: a wrong registration token,
// a configuration that lies about its issuer or is not JSON, an
// unreachable platform, a tampered deep linking form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { axe, binary, sourceDir, testTmp, pack, CHROMIUM_FLAGS, startServe } from './lib/harness.mjs';
import { startLoopback, html } from '../lms/loopback.mjs';
import { registration } from '../lms/registration.mjs';
import { deepLinking } from '../lms/deeplinking.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const schemas = join(shared, 'schemas');
const tmp = testTmp('lti-dl');
const data = join(tmp, 'data');
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

let server;
let tool;
let lms;
let reg;
let browser;
let dl;
const packages = {};

function serve(dir = data, extra = []) {
  const sets = [];
  for (let i = 0; i + 1 < extra.length; i += 2) if (extra[i] === '--set') sets.push(extra[i + 1]);
  return startServe(dir, ['threads=4', `schema_dir=${schemas}`, 'lti_allow_http=true', 'lti_http_timeout=3', ...sets]);
}

function passerelle(...args) {
  return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Two modules of our own with their own identifiers and titles.
function importModules() {
  const course = join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course');
  const second = join(tmp, 'course-b');
  cpSync(course, second, { recursive: true });
  const meta = JSON.parse(readFileSync(join(second, 'course.json'), 'utf8'));
  meta.id = 'org.example.dl-refugee-law';
  meta.title = { en: 'Refugee law essentials', fr: 'L’essentiel du droit des réfugiés' };
  writeFileSync(join(second, 'course.json'), JSON.stringify(meta, null, 2));
  for (const [name, dir, format] of [['a', course, 'scorm2004'], ['b', second, 'scorm12']]) {
    const zip = pack(dir, format, join(tmp, `${name}.zip`));
    const out = passerelle('import', '--data', data, '--schemas', schemas, '--json', zip);
    packages[name] = JSON.parse(out.trim().split('\n').pop());
  }
}

const registerUrl = (r, token) => {
  const q = new URLSearchParams({ openid_configuration: r.configUrl });
  if (token !== undefined) q.set('registration_token', token);
  return `${tool}/lti/register?${q}`;
};

before(async () => {
  importModules();
  server = await serve();
  tool = server.origin;
  lms = await startLoopback();
  reg = registration(lms, { token: 'moodle-registration-token', clientId: 'passerelle-client', deploymentId: '3' });
  // The admin's page in the platform: the tool's registration in a frame, and the close message.
  lms.use((req, res, url) => url.pathname === '/admin/register.html' && html(res, 200,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Register</title></head><body>
     <iframe id="t" title="Tool registration" src="${url.searchParams.get('src').replace(/"/g, '&quot;')}"></iframe>
     <script>window.__messages = []; window.addEventListener('message', (e) => window.__messages.push(e.data));</script>
     </body></html>`));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  await lms?.close();
  if (server) {
    server.kill('SIGTERM');
    await new Promise((ok) => server.on('exit', ok));
  }
});

test('dynamic registration: the platform gets our registration, we keep the platform, the frame closes', async () => {
  const page = await browser.newPage();
  await page.goto(`${lms.origin}/admin/register.html?src=${encodeURIComponent(registerUrl(reg, 'moodle-registration-token'))}`);
  await page.waitForFunction(() => window.__messages.length > 0, null, { timeout: 10000 });
  const messages = await page.evaluate(() => window.__messages);
  assert.deepEqual(messages[0], { subject: 'org.imsglobal.lti.close' });
  const frame = page.frames().find((f) => f.url().startsWith(`${tool}/lti/register`));
  assert.match(await frame.textContent('h1'), /Passerelle is registered/);
  assert.match(await frame.textContent('main'), /passerelle-client/);
  assert.match(await frame.textContent('main'), /Activate/);
  await page.close();

  assert.equal(reg.registrations.length, 1);
  const sent = reg.registrations[0].request;
  assert.equal(sent.initiate_login_uri, `${tool}/lti/login`);
  assert.deepEqual(sent.redirect_uris, [`${tool}/lti/launch`]);
  assert.equal(sent.jwks_uri, `${tool}/lti/jwks`);
  assert.equal(sent.client_name, 'Passerelle');
  assert.deepEqual(sent.grant_types, ['implicit', 'client_credentials']);
  assert.match(sent.scope, /lti-ags\/scope\/score/);
  assert.match(sent.scope, /lti-nrps\/scope\/contextmembership\.readonly/);
  const toolConf = sent['https://purl.imsglobal.org/spec/lti-tool-configuration'];
  assert.equal(toolConf.domain, new URL(tool).host);
  assert.deepEqual(toolConf.messages.map((m) => m.type), ['LtiDeepLinkingRequest']);

  const list = passerelle('platform', 'list', '--data', data);
  const row = list.split('\n').find((l) => l.includes(lms.origin));
  assert.ok(row, `platform list:\n${list}`);
  assert.match(row, /passerelle-client/);
  assert.match(row, /\b3\b/);
  assert.match(row, /moodle/);
});

test('dynamic registration: refusals are clear pages and log lines, and nothing is kept', async () => {
  const before = passerelle('platform', 'list', '--data', data);

  // The platform refuses a wrong registration token.
  let res = await fetch(registerUrl(reg, 'not-the-token'));
  let text = await res.text();
  assert.equal(res.status, 502);
  assert.match(text, /did not accept the registration/);
  assert.match(text, /HTTP 401, invalid_token/);
  assert.doesNotMatch(text, /org\.imsglobal\.lti\.close/);
  assert.equal(reg.registrations.length, 1);
  assert.match(server.log(), /lti register: .*refused the registration \(HTTP 401/);

  // A configuration whose issuer is not its URL's prefix.
  const liar = await startLoopback();
  res = await fetch(registerUrl(registration(liar, { issuer: 'https://lms.example.org' }), 'x'));
  text = await res.text();
  assert.equal(res.status, 400);
  assert.match(text, /issuer &#39;https:\/\/lms\.example\.org&#39; does not match|issuer 'https:\/\/lms\.example\.org' does not match/);
  await liar.close();

  // A configuration that is not JSON.
  const broken = await startLoopback();
  res = await fetch(registerUrl(registration(broken, { brokenConfig: true }), 'x'));
  text = await res.text();
  assert.equal(res.status, 502);
  assert.match(text, /is not JSON/);
  await broken.close();

  // A platform that does not answer, and no configuration at all.
  res = await fetch(`${tool}/lti/register?openid_configuration=${encodeURIComponent('http://127.0.0.1:9/openid')}`);
  assert.equal(res.status, 502);
  assert.match(await res.text(), /could not be read/);
  res = await fetch(`${tool}/lti/register`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /No platform configuration/);
  res = await fetch(`${tool}/lti/register?openid_configuration=${encodeURIComponent('file:///etc/passwd')}`);
  assert.equal(res.status, 502);

  assert.equal(passerelle('platform', 'list', '--data', data), before);
});

// The platform's deep linking side, once the tool is registered there.
async function platformDl() {
  dl ||= await deepLinking(lms, { tool, clientId: reg.registrations[0].client_id, deploymentId: '3' });
  dl.responses.length = 0;
  return dl;
}

async function openCatalogue(dl, options) {
  const context = await browser.newContext({ locale: options.locale === 'fr' ? 'fr-FR' : 'en-US',
    bypassCSP: !!options.bypassCSP });
  const page = await context.newPage();
  await page.goto(dl.startUrl(options));
  await page.waitForSelector('ul.items', { timeout: 10000 });
  return { context, page };
}

test('dynamic registration: a platform that names no deployment is kept, and the admin told how to add one', async () => {
  const other = await startLoopback();
  try {
    const r = registration(other, { token: null, clientId: 'no-deployment', deploymentId: null, reuseClientId: true });
    const res = await fetch(registerUrl(r));
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(text, /Passerelle is registered/);
    assert.match(text, /gave no deployment ID/);
    assert.match(text, /passerelle platform deployment add \d+ DEPLOYMENT_ID/);
    // Registered again with the same client id: still one platform.
    const again = await fetch(registerUrl(r));
    assert.equal(again.status, 200);
    assert.match(await again.text(), /already registered/);
    const rows = passerelle('platform', 'list', '--data', data).split('\n').filter((l) => l.includes(other.origin));
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0], /no-deployment/);
  } finally {
    await other.close();
  }
});

test('deep linking: an instructor picks two modules, the platform receives both, signed', async () => {
  const dl = await platformDl();
  const { context, page } = await openCatalogue(dl, { acceptMultiple: true, locale: 'en' });
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('ul.items li').count(), 2);
  assert.equal(await page.locator('input[type=checkbox][name=package]').count(), 2);

  // The filter, with script: only the matching module stays in view.
  await page.fill('#q', 'refugee');
  await page.waitForFunction(() => [...document.querySelectorAll('ul.items li')].filter((li) => !li.hidden).length === 1);
  await page.check('ul.items li:not([hidden]) input');
  await page.fill('#q', '');
  await page.waitForFunction(() => [...document.querySelectorAll('ul.items li')].every((li) => !li.hidden));
  for (const box of await page.locator('input[name=package]').all()) await box.check();
  await page.click('#add');
  await page.waitForURL(`${lms.origin}/dl/return`);
  await page.waitForSelector('#done');
  await context.close();

  assert.equal(dl.responses.length, 1, JSON.stringify(dl.responses));
  const { claims, header } = dl.responses[0];
  assert.equal(header.alg, 'RS256');
  assert.ok(header.kid);
  assert.equal(claims[`${DL}data`], 'moodle-dl-data-42');
  const items = claims[`${DL}content_items`];
  assert.equal(items.length, 2);
  const ids = items.map((i) => i.custom.package).sort();
  assert.deepEqual(ids, ['org.example.dl-refugee-law', 'org.example.sco-e2e']);
  for (const item of items) {
    assert.equal(item.type, 'ltiResourceLink');
    assert.ok(item.title);
    assert.equal(item.lineItem.scoreMaximum, 100);
    assert.equal(item.lineItem.label, item.title);
    assert.equal(item.lineItem.resourceId, item.custom.package);
  }
  assert.ok(items.find((i) => i.title === 'Refugee law essentials'));

  // A learner opens the activity Moodle made of an item: its package plays.
  const item = items.find((i) => i.title === 'Refugee law essentials');
  const learner = await browser.newContext();
  const play = await learner.newPage();
  await play.goto(dl.launchUrl(item));
  await play.waitForURL(/\/play\/\d+\?/, { timeout: 10000 });
  await play.waitForFunction(() => window.passerelle && window.passerelle.current, null, { timeout: 10000 });
  await play.waitForSelector('h1');
  assert.match(await play.textContent('h1'), /Refugee law essentials/);
  await learner.close();
});

test('deep linking: French, one module only, searching without script', async () => {
  const dl = await platformDl();
  // bypassCSP: for axe's script (the English test runs ours under the real policy).
  const { context, page } = await openCatalogue(dl, { acceptMultiple: false, locale: 'fr', bypassCSP: true });
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.deepEqual(await axe(page), []);
  assert.match(await page.textContent('h1'), /Choisir des modules/);
  assert.equal(await page.locator('input[type=radio][name=package]').count(), 2);

  // The search form posted (as without script): the server filters.
  const token = await page.getAttribute('input[name=token]', 'value');
  const res = await fetch(`${tool}/lti/deep-link`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, q: 'REFUGEE', action: 'search' }) });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /org\.example\.dl-refugee-law/);
  assert.doesNotMatch(text, /org\.example\.sco-e2e/);

  // Two modules where one is accepted: refused, nothing sent.
  const two = new URLSearchParams({ token, action: 'select' });
  two.append('package', String(packages.a.package));
  two.append('package', String(packages.b.package));
  const r2 = await fetch(`${tool}/lti/deep-link`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: two });
  assert.match(await r2.text(), /Choisissez un seul module/);

  await page.check(`input[value="${packages.b.package}"]`);
  await page.click('#add');
  await page.waitForSelector('#done');
  await context.close();
  assert.equal(dl.responses.length, 1, JSON.stringify(dl.responses));
  const items = dl.responses[0].claims[`${DL}content_items`];
  assert.equal(items.length, 1);
  assert.equal(items[0].custom.package, 'org.example.dl-refugee-law');
});

test('deep linking: a tampered form is refused, nothing reaches the platform', async () => {
  const dl = await platformDl();
  const { context, page } = await openCatalogue(dl, { acceptMultiple: true, locale: 'en' });
  const token = await page.getAttribute('input[name=token]', 'value');
  await context.close();

  // The context rewritten to send the answer elsewhere: the signature no longer matches.
  const [prefix, payload, mac] = token.split('.');
  const ctx = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  ctx.ret = 'https://attacker.example/steal';
  const forged = [prefix, Buffer.from(JSON.stringify(ctx)).toString('base64url'), mac].join('.');
  const post = (fields) => fetch(`${tool}/lti/deep-link`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

  let res = await post({ token: forged, action: 'select', package: String(packages.a.package) });
  assert.equal(res.status, 403);
  let text = await res.text();
  assert.match(text, /altered/);
  assert.doesNotMatch(text, /attacker\.example/);
  res = await post({ action: 'select', package: String(packages.a.package) });
  assert.equal(res.status, 403);
  res = await post({ token, action: 'select', package: '999999' });
  assert.equal(res.status, 400);
  res = await post({ token, action: 'select', package: '1; DROP' });
  assert.equal(res.status, 400);
  // Nothing chosen: the catalogue again, saying so.
  res = await post({ token, action: 'select' });
  text = await res.text();
  assert.equal(res.status, 200);
  assert.match(text, /Choose at least one module/);
  assert.equal(dl.responses.length, 0);
  assert.match(server.log(), /lti deep link: refused: the form was altered/);

  // The platform removed while the page was open (last: the platform is gone after this).
  const id = passerelle('platform', 'list', '--data', data).split('\n')
    .find((l) => l.includes(lms.origin) && l.includes(reg.registrations[0].client_id)).split('\t')[0];
  passerelle('platform', 'remove', '--data', data, id);
  res = await post({ token, action: 'select', package: String(packages.a.package) });
  assert.equal(res.status, 403);
  assert.match(await res.text(), /no longer registered/);
  assert.equal(dl.responses.length, 0);
});

test('dynamic registration: with lti_registration_key, only the URL with the key registers', async () => {
  const dir = join(tmp, 'data-keyed');
  const keyed = await serve(dir, ['--set', 'lti_registration_key=k3y-of-the-admin']);
  try {
    const platform = await startLoopback();
    const r = registration(platform, { token: 't', clientId: 'keyed-client', deploymentId: '9' });
    const url = (key) => {
      const q = new URLSearchParams({ openid_configuration: r.configUrl, registration_token: 't' });
      if (key !== undefined) q.set('key', key);
      return `${keyed.origin}/lti/register?${q}`;
    };
    for (const key of [undefined, '', 'k3y-of-the-admim', 'k3y-of-the-admin-and-more']) {
      const res = await fetch(url(key));
      assert.equal(res.status, 403, `key ${key}`);
      assert.match(await res.text(), /Registration key needed/);
    }
    assert.equal(r.registrations.length, 0, 'the platform was never asked');
    const res = await fetch(url('k3y-of-the-admin'));
    assert.equal(res.status, 200, await res.text());
    assert.equal(r.registrations.length, 1);
    assert.match(passerelle('platform', 'list', '--data', dir), /keyed-client/);
    await platform.close();
  } finally {
    keyed.kill('SIGTERM');
    await new Promise((ok) => keyed.on('exit', ok));
  }
});
