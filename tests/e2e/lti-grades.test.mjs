// Grade passback end to end: `passerelle serve`, a learner's attempt bound
// to an LTI link (by a real LTI 1.3 launch from the test platform, or, to
// set up many learners and links quickly, with the rows a launch leaves
// written to the store), commits sent through the player's API as a SCO
// makes them, and the test LMS (tests/lms/ags.mjs: jose checks our client
// assertion against /lti/jwks) receiving the scores.
// Faults: the score endpoint refusing connections, then 500 and 429, then
// back; a 400 that fails a score until an admin retries it; the server
// SIGKILLed between a commit and its delivery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binary, sourceDir, testTmp, startServe } from './lib/harness.mjs';
import { startAgs } from '../lms/ags.mjs';
import { startConsumer } from '../lms/consumer11.mjs';
import { startPlatform } from '../lms/platform.mjs';

const shared = process.env.PA_SHARED_DIR || join(sourceDir, '..', 'shared');
const golf = join(shared, 'content', 'golf', 'RuntimeBasicCalls_SCORM20043rdEdition');
const schemas = join(shared, 'schemas');
const tmp = testTmp('lti-grades');
const data = join(tmp, 'data');
const ISSUER = 'https://lms.test';
const CLIENT = 'client-e2e';

let server;
let lms;
let pkg;

function passerelle(...args) {
  return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function serve() {
  return startServe(data, ['threads=4', `schema_dir=${schemas}`, 'lti_allow_http=true', 'lti_grade_backoff_max=2',
    'lti_http_timeout=3']);
}

function stop(child, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill(signal);
  });
}

// SQL on the store, behind the server's back, through python3's sqlite3.
function sql(script) {
  const py = 'import sqlite3, sys\n' +
    'db = sqlite3.connect(sys.argv[1], timeout=10)\n' +
    'cur = db.cursor()\nrows = []\n' +
    'for stmt in sys.stdin.read().split(";\\n"):\n' +
    '    if stmt.strip():\n' +
    '        cur.execute(stmt)\n' +
    '        rows = cur.fetchall()\n' +
    'db.commit()\nprint("\\n".join("\\t".join(str(c) for c in r) for r in rows))\n';
  return execFileSync('python3', ['-c', py, join(data, 'passerelle.db')], { input: script, encoding: 'utf8' }).trim();
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

// A learner's attempt on the package through link (resource link rl),
// with scores going to line item `item` for userId `sub`: what a launch records.
function learnerOnLink(sub, rl, item) {
  const now = Date.now();
  const out = sql(
    `INSERT OR IGNORE INTO lti_platforms (id, issuer, client_id, auth_url, token_url, jwks_url, created) VALUES ` +
    `(1, ${q(ISSUER)}, ${q(CLIENT)}, ${q(`${lms.origin}/auth`)}, ${q(lms.tokenUrl)}, ${q(`${lms.origin}/jwks`)}, ${now});\n` +
    `INSERT OR IGNORE INTO lti_links (lti_version, owner_id, resource_link_id, package_id, lineitem, created, updated) ` +
    `VALUES (13, 1, ${q(rl)}, ${pkg}, ${q(lms.lineitem(item))}, ${now}, ${now});\n` +
    `INSERT INTO learners (subject, name, created) VALUES (${q(`lti13 ${ISSUER} ${sub}`)}, ${q(sub)}, ${now});\n` +
    `INSERT INTO attempts (version_id, learner_id, created, updated) VALUES ` +
    `((SELECT id FROM package_versions WHERE package_id = ${pkg} ORDER BY version DESC LIMIT 1), ` +
    `(SELECT id FROM learners WHERE subject = ${q(`lti13 ${ISSUER} ${sub}`)}), ${now}, ${now});\n` +
    `INSERT INTO lti_grade_targets (attempt_id, link_id, user_ref, created) VALUES ((SELECT max(id) FROM attempts), ` +
    `(SELECT id FROM lti_links WHERE resource_link_id = ${q(rl)}), ${q(sub)}, ${now});\n` +
    `SELECT a.id, a.learner_id FROM attempts a WHERE a.id = (SELECT max(id) FROM attempts)`);
  const [attempt, learner] = out.split('\t').map(Number);
  // The player's session token (docs/player.md): ATTEMPT.LEARNER.EXPIRY.HMAC under DATA/session.key.
  const key = readFileSync(join(data, 'session.key'));
  const claims = `${attempt}.${learner}.${Math.floor(Date.now() / 1000) + 3600}`;
  const token = `${claims}.${createHmac('sha256', key).update(claims).digest('hex')}`;
  return { attempt, token, seq: 0, sco: null, sub, item, started: false };
}

// The same through an LTI 1.1 link: the consumer's key and secret, the
// outcomes service URL, and lis_result_sourcedid as the learner's name there.
function learnerOnLink11(consumer, user, rl, sourcedid) {
  const now = Date.now();
  const out = sql(
    `INSERT OR IGNORE INTO lti_consumers (id, consumer_key, secret, created) VALUES ` +
    `(1, ${q(consumer.key)}, ${q(consumer.secret)}, ${now});\n` +
    `INSERT OR IGNORE INTO lti_links (lti_version, owner_id, resource_link_id, package_id, outcome_url, created, updated) ` +
    `VALUES (11, 1, ${q(rl)}, ${pkg}, ${q(consumer.outcomeUrl)}, ${now}, ${now});\n` +
    `INSERT INTO learners (subject, name, created) VALUES (${q(`lti11 ${consumer.key} ${user}`)}, ${q(user)}, ${now});\n` +
    `INSERT INTO attempts (version_id, learner_id, created, updated) VALUES ` +
    `((SELECT id FROM package_versions WHERE package_id = ${pkg} ORDER BY version DESC LIMIT 1), ` +
    `(SELECT id FROM learners WHERE subject = ${q(`lti11 ${consumer.key} ${user}`)}), ${now}, ${now});\n` +
    `INSERT INTO lti_grade_targets (attempt_id, link_id, user_ref, created) VALUES ((SELECT max(id) FROM attempts), ` +
    `(SELECT id FROM lti_links WHERE lti_version = 11 AND resource_link_id = ${q(rl)}), ${q(sourcedid)}, ${now});\n` +
    `SELECT a.id, a.learner_id FROM attempts a WHERE a.id = (SELECT max(id) FROM attempts)`);
  const [attempt, learner] = out.split('\t').map(Number);
  const key = readFileSync(join(data, 'session.key'));
  const claims = `${attempt}.${learner}.${Math.floor(Date.now() / 1000) + 3600}`;
  const token = `${claims}.${createHmac('sha256', key).update(claims).digest('hex')}`;
  return { attempt, token, seq: 0, sco: null, started: false };
}

async function api(l, method, path, body) {
  const res = await fetch(`${server.origin}${path}`, {
    method,
    headers: { Authorization: `Bearer ${l.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

// One commit of the SCO: the SetValue calls given, then Commit.
async function commit(l, values) {
  if (!l.sco) {
    const a = await api(l, 'GET', `/api/attempts/${l.attempt}`);
    l.sco = a.session.scos[0].id;
  }
  const calls = [];
  if (!l.started) {
    calls.push({ fn: 'Initialize', args: [''], result: 'true', error: 0 });
    l.started = true;
  }
  for (const [el, v] of values) calls.push({ fn: 'SetValue', args: [el, v], result: 'true', error: 0 });
  calls.push({ fn: 'Commit', args: [''], result: 'true', error: 0 });
  l.seq++;
  await api(l, 'POST', `/api/attempts/${l.attempt}/commits`, { seq: l.seq, sco: l.sco, calls });
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n--- server log ---\n${server.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The scores of a learner as the LMS recorded them: in order, none out of order.
function checkHistory(l) {
  const r = lms.results(l.item, l.sub);
  assert.deepEqual(r.outOfOrder, [], 'no score older than one recorded');
  for (let i = 1; i < r.history.length; i++) {
    assert.ok(Date.parse(r.history[i].timestamp) > Date.parse(r.history[i - 1].timestamp), 'timestamps increase');
  }
  return r;
}

function assertSubsequence(got, done) {
  let i = 0;
  for (const v of got) {
    while (i < done.length && done[i] !== v) i++;
    assert.ok(i < done.length, `${JSON.stringify(got)} is not in the order of ${JSON.stringify(done)}`);
    i++;
  }
  assert.equal(got[got.length - 1], done[done.length - 1], 'the last score arrived');
}

before(async () => {
  lms = await startAgs({ clientId: CLIENT, jwksUrl: () => `${server.origin}/lti/jwks` });
  const out = passerelle('import', '--data', data, '--schemas', schemas, '--json', golf);
  pkg = JSON.parse(out.trim().split('\n').pop()).package;
  server = await serve();
});

after(async () => {
  if (server) await stop(server);
  if (lms) await lms.close();
});

test('each commit that changes the grade reaches the line item, in order', async () => {
  const alice = learnerOnLink('alice', 'rl-1', '1');
  const bob = learnerOnLink('bob', 'rl-1', '1');
  await commit(alice, [['cmi.completion_status', 'incomplete']]);
  await commit(bob, [['cmi.completion_status', 'incomplete']]);
  await until('alice started', () => lms.results('1', 'alice').current);
  await commit(alice, [['cmi.score.scaled', '0.4']]);
  await until('alice at 40', () => lms.results('1', 'alice').current?.scoreGiven === 40);
  // A commit that does not change the grade sends nothing.
  await commit(alice, [['cmi.location', 'page-3']]);
  await commit(alice, [['cmi.score.scaled', '0.9'], ['cmi.success_status', 'passed'], ['cmi.completion_status', 'completed']]);
  await until('alice at 90', () => lms.results('1', 'alice').current?.scoreGiven === 90);
  await until('bob started', () => lms.results('1', 'bob').current);

  const a = checkHistory(alice);
  assert.deepEqual(a.history.map((s) => [s.activityProgress, s.gradingProgress, s.scoreGiven]), [
    ['InProgress', 'Pending', undefined],
    ['InProgress', 'Pending', 40],
    ['Completed', 'FullyGraded', 90],
  ]);
  assert.equal(a.current.scoreMaximum, 100);
  assert.equal(a.current.userId, 'alice');
  assert.equal(a.replays, 0);
  assert.deepEqual(lms.rejected, []);
  assert.deepEqual(lms.tokenRefusals, []);
  // One token, reused.
  assert.equal(lms.tokenRequests, 1);
  assert.equal(passerelle('grades', 'list', '--data', data), '');
  assert.match(server.log(), /score #\d+ delivered/);
});

test('the score endpoint down for a while, then back: every learner ends with the last score, in order', async () => {
  const carol = learnerOnLink('carol', 'rl-2', '2');
  const dave = learnerOnLink('dave', 'rl-2', '2');
  await lms.fault({ refuseMs: 2500 });           // connection refused
  await commit(carol, [['cmi.completion_status', 'incomplete']]);
  await commit(dave, [['cmi.completion_status', 'incomplete'], ['cmi.score.scaled', '0.1']]);
  await new Promise((r) => setTimeout(r, 800));
  await commit(carol, [['cmi.score.scaled', '0.5']]);
  await commit(carol, [['cmi.score.scaled', '0.7'], ['cmi.completion_status', 'completed']]);
  await until('the LMS back', () => !lms.refusing());
  await lms.fault({ status: 500, count: 2 });    // then errors
  await commit(dave, [['cmi.score.scaled', '0.6']]);
  await until('the 500s used', () => lms.faultLeft() === 0);
  await lms.fault({ status: 429, count: 1, retryAfter: 1 });
  await commit(dave, [['cmi.score.scaled', '0.8'], ['cmi.success_status', 'passed']]);

  await until('carol at 70', () => lms.results('2', 'carol').current?.scoreGiven === 70);
  await until('dave at 80', () => lms.results('2', 'dave').current?.scoreGiven === 80);
  await lms.fault(null);
  const c = checkHistory(carol);
  const d = checkHistory(dave);
  // What arrived is what the learner did, in the order it happened (a score superseded
  // while the LMS was away may be skipped, never sent after a newer one).
  assertSubsequence(c.history.map((s) => s.scoreGiven), [undefined, 50, 70]);
  assert.equal(c.current.activityProgress, 'Completed');
  assertSubsequence(d.history.map((s) => s.scoreGiven), [10, 60, 80]);
  assert.equal(d.current.gradingProgress, 'FullyGraded');
  assert.deepEqual(lms.rejected, []);
  // Nothing left in the outbox, and the log says what happened.
  assert.equal(passerelle('grades', 'list', '--data', data), '');
  assert.match(server.log(), /not delivered .*next try in/);
  assert.match(passerelle('grades', 'list', '--all', '--data', data), /superseded by #\d+/);
});

test('a score the LMS refuses fails with its answer, and goes after an admin retries it', async () => {
  const erin = learnerOnLink('erin', 'rl-3', '3');
  await lms.fault({ status: 400, count: 1 });
  await commit(erin, [['cmi.completion_status', 'completed'], ['cmi.score.scaled', '1']]);
  const line = await until('the failure', () => {
    const out = passerelle('grades', 'list', '--failed', '--data', data);
    return out ? out : null;
  });
  const [id, state, tries, , user, completion, , score, , , status, answer] = line.split('\n')[0].split('\t');
  assert.equal(state, 'failed');
  assert.equal(tries, '1');
  assert.equal(user, 'erin');
  assert.equal(completion, 'completed');
  assert.equal(score, '1');
  assert.equal(status, '400');
  assert.match(answer, /injected fault/);
  assert.equal(lms.results('3', 'erin').current, null);
  // Admins see the same over HTTP, with an admin token.
  const admin = passerelle('admin', 'create', 'grades-e2e', '--data', data).trim();
  assert.equal((await fetch(`${server.origin}/lti/admin/grades?state=failed`)).status, 401);
  const res = await fetch(`${server.origin}/lti/admin/grades?state=failed`, { headers: { Authorization: `Bearer ${admin}` } });
  assert.equal(res.status, 200);
  const { grades } = await res.json();
  assert.equal(grades.length, 1);
  assert.equal(grades[0].id, Number(id));
  assert.equal(grades[0].user, 'erin');
  assert.equal(grades[0].last_status, 400);
  assert.equal(grades[0].score, 1);
  assert.match(grades[0].last_answer, /injected fault/);
  passerelle('grades', 'retry', id, '--data', data);
  await until('erin at 100', () => lms.results('3', 'erin').current?.scoreGiven === 100);
  assert.equal(passerelle('grades', 'list', '--failed', '--data', data), '');
});

test('the server killed between a commit and its delivery: the score arrives after the restart', async () => {
  const frank = learnerOnLink('frank', 'rl-4', '4');
  await lms.fault({ status: 503, ms: 60000 });   // nothing gets through
  await commit(frank, [['cmi.completion_status', 'completed'], ['cmi.score.scaled', '0.75']]);
  await until('a try', () => /score #\d+ not delivered \(link \d+, learner frank/.test(server.log()));
  await stop(server, 'SIGKILL');
  assert.equal(lms.results('4', 'frank').current, null);
  await lms.fault(null);
  server = await serve();
  await until('frank at 75', () => lms.results('4', 'frank').current?.scoreGiven === 75);

  // And killed at once after a commit: delivered once, or delivered again with the same
  // timestamp (a replay the LMS does not count), never twice as two scores.
  await commit(frank, [['cmi.score.scaled', '0.8']]);
  await stop(server, 'SIGKILL');
  server = await serve();
  await until('frank at 80', () => lms.results('4', 'frank').current?.scoreGiven === 80);
  const f = checkHistory(frank);
  assert.deepEqual(f.history.map((s) => s.scoreGiven), [75, 80]);
  assert.deepEqual(lms.rejected, []);
});

test('LTI 1.1: the score reaches the outcomes service, after it was down, and a refusal is kept', async () => {
  const consumer = await startConsumer({ key: 'moodle-11', secret: 's3cret' });
  try {
    const gina = learnerOnLink11(consumer, 'gina', 'rl-11', 'sourcedid-gina');
    consumer.mode = 'down';
    // No score yet: Basic Outcomes has nothing to carry.
    await commit(gina, [['cmi.completion_status', 'incomplete']]);
    await commit(gina, [['cmi.score.scaled', '0.35']]);
    await until('a try while down', () => consumer.requests > 0);
    consumer.mode = 'ok';
    await until('gina at 0.35', () => consumer.scores.find((s) => s.sourcedid === 'sourcedid-gina'));
    assert.deepEqual(consumer.scores.map((s) => [s.sourcedid, s.score]), [['sourcedid-gina', 0.35]]);
    assert.deepEqual(consumer.refused, []);

    // The consumer answers imsx_codeMajor failure: kept with its description.
    consumer.mode = 'fail';
    await commit(gina, [['cmi.score.scaled', '0.6'], ['cmi.completion_status', 'completed']]);
    const line = await until('the failure', () => passerelle('grades', 'list', '--failed', '--data', data) || null);
    assert.match(line, /sourcedid-gina.*is not known/);
    consumer.mode = 'ok';
    passerelle('grades', 'retry', '--all-failed', '--data', data);
    await until('gina at 0.6', () => consumer.scores.find((s) => s.score === 0.6));
    assert.deepEqual(consumer.refused, []);
  } finally {
    await consumer.close();
  }
});

test('a learner launched from the platform: the score reaches the line item of the launch', async () => {
  const platform = await startPlatform({ clientId: 'client-launch', deploymentId: 'dep-1' });
  const ags = await startAgs({ clientId: 'client-launch', jwksUrl: () => `${server.origin}/lti/jwks` });
  try {
    platform.register({ binary, data, extra: ['--token-url', ags.tokenUrl] });
    const r = await platform.launch(server.origin, {
      sub: 'learner-42', resourceLink: { id: 'link-graded', title: 'Module 1' }, custom: { package: String(pkg) },
      ags: { scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'], lineitem: ags.lineitem(42) },
    });
    assert.equal(r.response.status, 303, r.text);
    const loc = new URL(r.response.headers.get('location'), server.origin);
    const m = /^\/play\/(\d+)$/.exec(loc.pathname);
    assert.ok(m, loc.href);
    const learner = { attempt: Number(m[1]), token: loc.searchParams.get('token'), seq: 0, sco: null, started: false };
    await commit(learner, [['cmi.completion_status', 'completed'], ['cmi.success_status', 'passed'], ['cmi.score.scaled', '0.95']]);
    await until('learner-42 at 95', () => ags.results('42', 'learner-42').current?.scoreGiven === 95);
    const s = ags.results('42', 'learner-42').current;
    assert.equal(s.activityProgress, 'Completed');
    assert.equal(s.gradingProgress, 'FullyGraded');
    assert.deepEqual(ags.tokenRefusals, []);
    assert.deepEqual(ags.rejected, []);
  } finally {
    await ags.close();
    await platform.close();
  }
});
