// LTI 1.3 launches per second: Passerelle and ltijs, same machine, same
// platform, one run. The driver plays the platform (its RSA key, its
// JWKS on loopback, id_tokens signed with jose) and the learners'
// browsers (N concurrent clients, keep-alive, cookies kept per launch).
//
// One launch, for either tool:
//   GET  <login>?iss&login_hint&target_link_uri&client_id&lti_deployment_id
//        -> 302/303 to the platform's auth URL with state, nonce, redirect_uri
//   the platform signs an id_token carrying that nonce (RS256, jose)
//   POST <redirect_uri> id_token, state (and the login's cookies)
//        -> 303 from Passerelle to the player (learner and attempt recorded),
//           302 from ltijs to its app with an ltik (idtoken and context recorded)
//
// Signing is the platform's work, and at about 0.6 ms of CPU per token it
// would take most of a 2-core machine from the tools measured. So each
// round is phased: all logins (timed), then the platform signs every
// token (not timed: it does not run on the tool's side), then all the
// id_token POSTs (timed). A launch's time is its login plus its POST;
// launches/s = launches / (login phase + POST phase).
//
// The browsers of the timed phases are bench/lti/bench_lti.c (--driver c,
// the default): one epoll loop in C that runs a phase's requests over the
// clients' keep-alive connections and measures its own CPU and the tool's
// in the phase's window; node's http client (--driver node) costs the
// shared cores several times more per launch, which caps the wall rate of
// the faster tool. The same driver serves both tools. --inline signs in the
// launch instead (everything timed, the platform's CPU included): it runs
// on the node driver.
//
// usage: node bench/lti/bench.mjs --passerelle BIN [--clients 64] [--launches 20000]
//          [--rounds 3] [--users 2000] [--links 20] [--threads 32] [--inline]
//          [--driver c|node] [--driver-bin build/release/bench_lti]
//          [--only passerelle|ltijs] [--json FILE]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

function options(argv) {
  const o = {
    passerelle: join(root, 'build', 'release', 'passerelle'), clients: 64, launches: 20000, rounds: 3,
    users: 2000, links: 20, inline: false, only: null, json: null, threads: 32,
    driver: 'c', driverBin: join(root, 'build', 'release', 'bench_lti'),
    work: join(process.env.BENCH_TMP || tmpdir(), 'passerelle-bench-lti'),
    package: join(root, 'samples', 'countering-trafficking'),
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--passerelle') o.passerelle = next();
    else if (a === '--clients') o.clients = Number(next());
    else if (a === '--launches') o.launches = Number(next());
    else if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--users') o.users = Number(next());
    else if (a === '--links') o.links = Number(next());
    else if (a === '--threads') o.threads = Number(next());
    else if (a === '--inline') o.inline = true;
    else if (a === '--driver') o.driver = next();
    else if (a === '--driver-bin') o.driverBin = next();
    else if (a === '--only') o.only = next();
    else if (a === '--json') o.json = next();
    else if (a === '--work') o.work = next();
    else throw new Error(`unknown option ${a}`);
  }
  if (o.driver !== 'c' && o.driver !== 'node') throw new Error('--driver is c or node');
  if (o.inline) o.driver = 'node';
  return o;
}

const ISSUER = 'https://platform.bench.example';
const CLIENT_ID = 'passerelle-bench';
const DEPLOYMENT = 'deployment-1';

// --- the platform: a key, its JWKS on loopback, id_tokens ---

async function startPlatform() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    server, privateKey, publicPem: await exportSPKI(publicKey),
    jwksUrl: `${base}/jwks`, authUrl: `${base}/auth`, tokenUrl: `${base}/token`,
  };
}

function claims(i, o, nonce, target, pkg) {
  const user = `user-${i % o.users}`;
  const link = `link-${i % o.links}`;
  return {
    nonce, sub: user, azp: CLIENT_ID, name: `Learner ${user}`, given_name: 'Learner', family_name: user,
    'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
    'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
    'https://purl.imsglobal.org/spec/lti/claim/deployment_id': DEPLOYMENT,
    'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': target,
    'https://purl.imsglobal.org/spec/lti/claim/resource_link': { id: link, title: `Module ${link}` },
    'https://purl.imsglobal.org/spec/lti/claim/context': { id: 'course-1', title: 'Migration 101' },
    'https://purl.imsglobal.org/spec/lti/claim/roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    'https://purl.imsglobal.org/spec/lti/claim/custom': { package: String(pkg) },
    'https://purl.imsglobal.org/spec/lti/claim/launch_presentation': { locale: 'en', document_target: 'iframe' },
    'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
      scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
      lineitem: `https://platform.bench.example/lineitems/${link}`,
    },
  };
}

function sign(platform, payload) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'JWT' })
    .setIssuer(ISSUER).setAudience(CLIENT_ID).setIssuedAt().setExpirationTime('10m')
    .sign(platform.privateKey);
}

// --- HTTP with keep-alive, cookies per launch ---

function request(agent, url, { method = 'GET', body = null, cookies = null } = {}) {
  return new Promise((ok, fail) => {
    const u = new URL(url);
    const headers = { accept: 'text/html' };
    if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    if (cookies && cookies.length) headers.cookie = cookies.join('; ');
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}

function cookiesOf(res) {
  return (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).filter((c) => !c.endsWith('='));
}

// --- a tool under test ---

class Tool {
  // landed(status, location): did the launch end where this tool's launches end?
  constructor(name, base, loginPath, targetPath, pid, pkg, landed) {
    Object.assign(this, { name, base, loginPath, targetPath, pid, pkg, landed });
  }

  cpuTicks() {
    const f = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);   // utime + stime
  }

  rssMb() {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  }
}

function loginPath(tool, i, o) {
  const q = new URLSearchParams({
    iss: ISSUER, login_hint: `user-${i % o.users}`, target_link_uri: tool.base + tool.targetPath, client_id: CLIENT_ID,
    lti_deployment_id: DEPLOYMENT, lti_message_hint: `link-${i % o.links}`,
  });
  return `${tool.loginPath}?${q}`;
}

// What the platform reads from the login's redirect to it (its auth URL).
function loginAnswer(tool, i, status, location, cookies) {
  if (status !== 302 && status !== 303) throw new Error(`${tool.name}: login answered ${status}`);
  const auth = new URL(location, tool.base);
  const nonce = auth.searchParams.get('nonce');
  const state = auth.searchParams.get('state');
  const redirect = auth.searchParams.get('redirect_uri');
  if (!nonce || !state || !redirect) throw new Error(`${tool.name}: the login redirect lacks nonce, state or redirect_uri: ${auth}`);
  return { i, nonce, state, redirect, target: tool.base + tool.targetPath, cookies };
}

function launchBody(l) {
  return new URLSearchParams({ id_token: l.token, state: l.state }).toString();
}

function checkLanded(tool, status, location) {
  if (!tool.landed(status, location || '')) throw new Error(`${tool.name}: launch answered ${status} ${location || ''}`);
}

async function login(tool, agent, i, o) {
  const res = await request(agent, `${tool.base}${loginPath(tool, i, o)}`);
  return loginAnswer(tool, i, res.status, res.headers.location, cookiesOf(res));
}

async function post(tool, agent, l) {
  const res = await request(agent, l.redirect, { method: 'POST', body: launchBody(l), cookies: l.cookies });
  checkLanded(tool, res.status, res.headers.location);
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : 0;
}

// Run fn(i) for i in [0, count) on `clients` concurrent workers; times in ms per call.
async function pool(count, clients, fn) {
  const times = new Array(count);
  let next = 0;
  const errors = [];
  async function worker() {
    for (let i; (i = next++) < count;) {
      const t = performance.now();
      try {
        await fn(i);
      } catch (e) {
        errors.push(e.message);
      }
      times[i] = performance.now() - t;
    }
  }
  await Promise.all(Array.from({ length: clients }, worker));
  return { times, errors };
}

async function roundNode(tool, platform, o, offset) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const hz = 100;
  const cpu0 = tool.cpuTicks();
  let me = process.cpuUsage();   // the driver's CPU in the timed phases only
  const logins = new Array(o.launches);
  let t0 = performance.now();
  let a, b;
  if (o.inline) {
    a = await pool(o.launches, o.clients, async (k) => {
      const l = await login(tool, agent, offset + k, o);
      l.token = await sign(platform, claims(l.i, o, l.nonce, l.target, tool.pkg));
      await post(tool, agent, l);
    });
    b = { times: a.times.map(() => 0), errors: [] };
    me = process.cpuUsage(me);
  } else {
    a = await pool(o.launches, o.clients, async (k) => { logins[k] = await login(tool, agent, offset + k, o); });
    const paused = performance.now();
    const cpuPaused = tool.cpuTicks();
    const meLogins = process.cpuUsage(me);
    for (const l of logins) if (l) l.token = await sign(platform, claims(l.i, o, l.nonce, l.target, tool.pkg));
    t0 += performance.now() - paused;
    if (tool.cpuTicks() - cpuPaused > 5) process.stderr.write(`${tool.name}: busy while the platform signed\n`);
    const mePosts = process.cpuUsage();
    b = await pool(o.launches, o.clients, async (k) => { if (logins[k]) await post(tool, agent, logins[k]); });
    const p = process.cpuUsage(mePosts);
    me = { user: meLogins.user + p.user, system: meLogins.system + p.system };
  }
  const wall = performance.now() - t0;
  const cpu = (tool.cpuTicks() - cpu0) / hz;
  agent.destroy();
  const errors = [...a.errors, ...b.errors];
  const ok = o.launches - errors.length;
  const lat = a.times.map((t, k) => t + b.times[k]).sort((x, y) => x - y);
  return {
    tool: tool.name, driver: 'node', launches: o.launches, ok, errors: errors.length, first_error: errors[0] || null,
    seconds: wall / 1000, launches_per_s: ok / (wall / 1000),
    p50_ms: percentile(lat, 50), p99_ms: percentile(lat, 99),
    server_cpu_ms_per_launch: (cpu * 1000) / Math.max(ok, 1),
    driver_cpu_ms_per_launch: (me.user + me.system) / 1000 / Math.max(ok, 1),
    peak_rss_mb: tool.rssMb(),
  };
}

// --- the C driver (bench/lti/bench_lti.c) ---

// Run one timed phase: requests [{method, path, cookie, body}] on o.clients
// connections; its summary and, per request, {status, ms, location, cookies}.
async function phase(tool, o, requests, name) {
  const dir = join(o.work, 'driver');
  mkdirSync(dir, { recursive: true });
  const reqFile = join(dir, `${name}.requests`);
  const resFile = join(dir, `${name}.results`);
  writeFileSync(reqFile, requests.map((r) => `${r.method}\t${r.path}\t${r.cookie || '-'}\t${r.body || '-'}\n`).join(''));
  const port = new URL(tool.base).port;
  const stdout = await new Promise((ok, fail) => {
    execFile(o.driverBin, [port, reqFile, resFile, String(o.clients), String(tool.pid)], { maxBuffer: 1 << 20 },
      (err, out, errOut) => (err ? fail(new Error(`bench_lti: ${err.message}\n${errOut}`)) : ok(out)));
  });
  const summary = JSON.parse(stdout.trim());
  const results = readFileSync(resFile, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [status, ms, location, cookies] = line.split('\t');
    return {
      status: Number(status), ms: Number(ms), location: location === '-' ? null : location,
      cookies: cookies === '-' ? [] : cookies.split('; '),
    };
  });
  if (results.length !== requests.length) throw new Error(`bench_lti: ${results.length} results for ${requests.length} requests`);
  return { summary, results };
}

function pathOf(tool, url) {
  const u = new URL(url, tool.base);
  if (u.origin !== new URL(tool.base).origin) throw new Error(`${tool.name}: redirect_uri ${url} is not on the tool`);
  return u.pathname + u.search;
}

async function roundC(tool, platform, o, offset) {
  const errors = [];
  const a = await phase(tool, o, Array.from({ length: o.launches }, (_, k) =>
    ({ method: 'GET', path: loginPath(tool, offset + k, o) })), 'logins');
  // Not timed: the platform reads each login's redirect and signs its id_token.
  const cpuPaused = tool.cpuTicks();
  const logins = a.results.map((r, k) => {
    try {
      return loginAnswer(tool, offset + k, r.status, r.location, r.cookies);
    } catch (e) {
      errors.push(e.message);
      return null;
    }
  });
  for (const l of logins) if (l) l.token = await sign(platform, claims(l.i, o, l.nonce, l.target, tool.pkg));
  const posts = logins.filter(Boolean).map((l) => ({
    method: 'POST', path: pathOf(tool, l.redirect), cookie: l.cookies.join('; '), body: launchBody(l),
  }));
  if (tool.cpuTicks() - cpuPaused > 5) process.stderr.write(`${tool.name}: busy while the platform signed\n`);
  const b = await phase(tool, o, posts, 'launches');
  const lat = [];
  let p = 0;
  logins.forEach((l, k) => {
    if (!l) return;
    const r = b.results[p++];
    try {
      checkLanded(tool, r.status, r.location);
      lat.push(a.results[k].ms + r.ms);
    } catch (e) {
      errors.push(e.message);
    }
  });
  lat.sort((x, y) => x - y);
  const ok = o.launches - errors.length;
  const seconds = a.summary.seconds + b.summary.seconds;
  return {
    tool: tool.name, driver: 'c', launches: o.launches, ok, errors: errors.length, first_error: errors[0] || null,
    seconds, launches_per_s: ok / seconds,
    p50_ms: percentile(lat, 50), p99_ms: percentile(lat, 99),
    server_cpu_ms_per_launch: (a.summary.server_cpu_ms + b.summary.server_cpu_ms) / Math.max(ok, 1),
    server_user_cpu_ms_per_launch: (a.summary.server_user_ms + b.summary.server_user_ms) / Math.max(ok, 1),
    driver_cpu_ms_per_launch: (a.summary.driver_cpu_ms + b.summary.driver_cpu_ms) / Math.max(ok, 1),
    reconnects: a.summary.reconnects + b.summary.reconnects,
    peak_rss_mb: tool.rssMb(),
  };
}

function round(tool, platform, o, offset) {
  return o.driver === 'c' ? roundC(tool, platform, o, offset) : roundNode(tool, platform, o, offset);
}

// --- starting the tools ---

function waitLine(child, re, what) {
  return new Promise((ok, fail) => {
    let log = '';
    const on = (d) => {
      log += d;
      const m = re.exec(log);
      if (m) ok(m);
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => fail(new Error(`${what} exited ${code}:\n${log}`)));
  });
}

// A port free at this moment (bound to 0 and released).
async function freePort() {
  const s = http.createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

async function healthy(child, base) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`passerelle serve exited ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch { /* not yet */ }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error('passerelle serve did not answer /healthz');
}

function run(bin, args) {
  return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function startPasserelle(o, platform) {
  const data = join(o.work, 'data');
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  const zip = join(o.work, 'course.zip');
  run(o.passerelle, ['pack', o.package, '--format', 'scorm2004', '--lang', 'en', '--quiet', '-o', zip]);
  const pkg = JSON.parse(run(o.passerelle, ['import', '--data', data, '--json', zip]).trim().split('\n').pop()).package;
  // The platform, as an admin registers it by hand (passerelle platform add: docs/lti.md).
  run(o.passerelle, ['platform', 'add', '--data', data, '--issuer', ISSUER, '--client-id', CLIENT_ID,
    '--auth-url', platform.authUrl, '--token-url', platform.tokenUrl, '--jwks-url', platform.jwksUrl,
    '--deployment', DEPLOYMENT, '--name', 'bench platform', '--set', 'lti_allow_http=true']);
  // log_level=warn: no line per request (the other tool logs none either); so no "listening" line:
  // a port of our choosing, and /healthz until it answers.
  const port = await freePort();
  const child = spawn(o.passerelle, ['serve', '--data', data, '--set', `listen=127.0.0.1:${port}`,
    '--set', `threads=${o.threads}`, '--set', 'lti_allow_http=true', '--set', 'max_connections=4096',
    '--set', 'log_level=warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  await healthy(child, base);
  run(o.passerelle, ['lti-config', '--base-url', base, '--json']);   // the URLs an admin would copy
  return {
    child,
    tool: new Tool('passerelle', base, '/lti/login', '/lti/launch', child.pid, pkg,
      (status, location) => status === 303 && new URL(location, base).pathname.startsWith('/play/')),
  };
}

async function startLtijs(o, platform) {
  const port = await freePort();
  const conf = join(o.work, 'ltijs.json');
  writeFileSync(conf, JSON.stringify({
    port, issuer: ISSUER, client_id: CLIENT_ID, auth_url: platform.authUrl, token_url: platform.tokenUrl,
    public_key_pem: platform.publicPem,
  }));
  const child = spawn(process.execPath, [join(here, 'ltijs-server.cjs'), conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitLine(child, /listening (\d+)/, 'ltijs');
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    tool: new Tool('ltijs', base, '/login', '/', child.pid, 1,
      (status, location) => status === 302 && !!new URL(location, base).searchParams.get('ltik')),
  };
}

async function main() {
  const o = options(process.argv);
  mkdirSync(o.work, { recursive: true });
  const platform = await startPlatform();
  const tools = [];
  const results = [];
  try {
    if (o.only !== 'ltijs') tools.push(await startPasserelle(o, platform));
    if (o.only !== 'passerelle') tools.push(await startLtijs(o, platform));
    // Warm-up: every learner and link once (first launches create learners, attempts and links).
    for (const { tool } of tools) {
      const warm = { ...o, launches: Math.min(o.users, o.launches) };
      const r = await round(tool, platform, warm, 0);
      process.stderr.write(`${tool.name}: warm-up ${r.ok} launches, ${r.launches_per_s.toFixed(0)}/s` +
        `${r.errors ? `, ${r.errors} errors (${r.first_error})` : ''}\n`);
    }
    // Rounds alternate between the tools, so that the machine's other load falls on both.
    for (let k = 0; k < o.rounds; k++) {
      for (const { tool } of tools) {
        const r = await round(tool, platform, o, (k + 1) * o.launches);
        results.push(r);
        process.stderr.write(`${JSON.stringify(r)}\n`);
      }
    }
  } finally {
    for (const { child } of tools) child.kill('SIGTERM');
    platform.server.close();
  }
  const best = {};
  for (const r of results) if (!best[r.tool] || r.launches_per_s > best[r.tool].launches_per_s) best[r.tool] = r;
  console.log(`| tool | launches/s (best of ${o.rounds}) | p50 | p99 | server CPU per launch | driver (${o.driver}) CPU per launch | capacity of 2 cores | peak RSS | errors |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of Object.values(best)) {
    console.log(`| ${r.tool} | ${Math.round(r.launches_per_s).toLocaleString('en')} | ${r.p50_ms.toFixed(1)} ms | ` +
      `${r.p99_ms.toFixed(1)} ms | ${r.server_cpu_ms_per_launch.toFixed(3)} ms | ${r.driver_cpu_ms_per_launch.toFixed(3)} ms | ` +
      `${Math.round(2000 / r.server_cpu_ms_per_launch).toLocaleString('en')}/s | ${r.peak_rss_mb} MB | ${r.errors} |`);
  }
  if (best.passerelle && best.ltijs) {
    console.log(`\nPasserelle / ltijs: ${(best.passerelle.launches_per_s / best.ltijs.launches_per_s).toFixed(1)}x launches/s, ` +
      `${(best.ltijs.server_cpu_ms_per_launch / best.passerelle.server_cpu_ms_per_launch).toFixed(1)}x less server CPU per launch`);
  }
  if (o.json) writeFileSync(o.json, JSON.stringify(results, null, 2));
  if (results.some((r) => r.errors)) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.stack || e}\n`);
  process.exit(1);
});
