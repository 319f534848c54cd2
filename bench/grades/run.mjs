// Score deliveries per second: N scores waiting in the outbox of a fresh
// data folder (N learners on one LTI 1.3 link, as commits leave them),
// `passerelle serve` started, and the test LMS (tests/lms/ags.mjs: token
// endpoint checking the client assertion with jose, scores endpoint) on
// loopback receiving them. Measured from the first score received to the
// last; every score must arrive once.
//
//   node bench/grades/run.mjs [N=2000]
//   PA_BINARY (default build/release/passerelle), PA_SHARED_DIR (default ../shared)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgs } from '../../tests/lms/ags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = process.env.PA_BINARY || join(root, 'build', 'release', 'passerelle');
const shared = process.env.PA_SHARED_DIR || join(root, '..', 'shared');
const n = Number(process.argv[2] || 2000);
const work = process.env.BENCH_TMP || '/tmp/passerelle-bench-grades';
const data = join(work, 'data');
const CLIENT = 'bench-client';

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const out = execFileSync(binary, ['import', '--data', data, '--schemas', join(shared, 'schemas'), '--json',
  join(shared, 'content', 'golf', 'RuntimeBasicCalls_SCORM20043rdEdition')], { encoding: 'utf8' });
const pkg = JSON.parse(out.trim().split('\n').pop()).package;

let origin = null;
const lms = await startAgs({ clientId: CLIENT, jwksUrl: () => `${origin}/lti/jwks` });

// The rows commits would have written: one pending score per learner.
const py = `
import sqlite3, sys
n, pkg, token_url, lineitem = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
db = sqlite3.connect(sys.argv[1])
c = db.cursor()
c.execute("INSERT INTO lti_platforms (id, issuer, client_id, auth_url, token_url, jwks_url, created) VALUES (1, 'https://lms.bench', ?, 'https://lms.bench/auth', ?, 'https://lms.bench/jwks', 0)", ('${CLIENT}', token_url))
c.execute("INSERT INTO lti_links (id, lti_version, owner_id, resource_link_id, package_id, lineitem, created, updated) VALUES (1, 13, 1, 'rl', ?, ?, 0, 0)", (pkg, lineitem))
v = c.execute("SELECT id FROM package_versions WHERE package_id = ?", (pkg,)).fetchone()[0]
for i in range(n):
    c.execute("INSERT INTO learners (subject, created) VALUES (?, 0)", ('lti13 https://lms.bench u%d' % i,))
    l = c.lastrowid
    c.execute("INSERT INTO attempts (version_id, learner_id, completion_status, success_status, score_scaled, created, updated) VALUES (?, ?, 'completed', 'passed', 0.8, 0, 0)", (v, l))
    a = c.lastrowid
    c.execute("INSERT INTO lti_grade_targets (attempt_id, link_id, user_ref, created) VALUES (?, 1, ?, 0)", (a, 'u%d' % i))
    c.execute("INSERT INTO lti_outbox (attempt_id, link_id, user_ref, completion_status, success_status, score_scaled, timestamp, next_try, created) VALUES (?, 1, ?, 'completed', 'passed', 0.8, 1000, 0, 0)", (a, 'u%d' % i))
db.commit()
`;
execFileSync('python3', ['-c', py, join(data, 'passerelle.db'), String(n), String(pkg), lms.tokenUrl, lms.lineitem(1)]);

const server = spawn(binary, ['serve', '--data', data, '--set', 'listen=127.0.0.1:0',
  '--set', 'lti_allow_http=true', '--set', 'threads=2'], { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
await new Promise((ok, fail) => {
  server.stderr.on('data', (d) => {
    if (origin) return;   // one log line per delivery: not kept
    log += d;
    const m = /listening on .* \(port (\d+)\)/.exec(log);
    if (m && !origin) { origin = `http://127.0.0.1:${m[1]}`; ok(); }
  });
  server.on('exit', (code) => { if (!origin) fail(new Error(`serve exited ${code}:\n${log}`)); });
});

const started = Date.now();
let first = 0;
for (;;) {
  const got = lms.log.filter((e) => e.path.endsWith('/scores')).length;
  if (got && !first) first = lms.log.find((e) => e.path.endsWith('/scores')).at;
  if (got >= n) break;
  if (Date.now() - started > 600000) throw new Error(`only ${got} of ${n} scores in 10 minutes`);
  await new Promise((r) => setTimeout(r, 20));
}
const scoreLog = lms.log.filter((e) => e.path.endsWith('/scores'));
const last = scoreLog[scoreLog.length - 1].at;
let distinct = 0;
for (let i = 0; i < n; i++) if (lms.results('1', `u${i}`).current) distinct++;
server.kill('SIGTERM');
await lms.close();
const secs = (last - first) / 1000;
console.log(`| ${n} | ${(n / secs).toFixed(0)} | ${secs.toFixed(2)} s | ${lms.tokenRequests} | ${distinct} | ${lms.rejected.length} |`);
process.exit(distinct === n && lms.rejected.length === 0 ? 0 : 1);
