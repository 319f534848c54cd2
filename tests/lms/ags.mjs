// The test LMS, AGS part: the platform's side of LTI 1.3 Assignment and
// Grade Services, written independently of Passerelle's C code.
//
//   POST /token                 OAuth 2 client_credentials with a client
//                               assertion (RFC 7523) checked by jose against
//                               the tool's JWKS: iss = sub = client id, aud
//                               the token URL, exp, a jti used once.
//   POST /lineitems/ID/lineitem/scores?type_id=1
//                               a score (application/vnd.ims.lis.v1.score+json)
//                               with a token we issued, for the score scope.
//
// Scores are kept per (line item, userId) as a platform keeps them: one
// with a timestamp later than the last one replaces it; one with the same
// timestamp and body is a replay (counted apart, changes nothing); an older
// one is refused with 409 and counted as out of order (what must never
// happen).
//
// Faults: lms.fault({ refuseMs }) closes the listening socket for a while
// (connection refused); lms.fault({ status, count | ms, retryAfter }) answers
// the scores endpoint with status (500, 503, 429...) for count requests or
// ms milliseconds.
//
//   const lms = await startAgs({ clientId: 'c1', jwksUrl: `${origin}/lti/jwks` });
//   lms.lineitem(1)  // the line item URL to give the tool
//   lms.results('1', 'user-7')  // { current, history, replays, outOfOrder }
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';

export const SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
export const SCORE_TYPE = 'application/vnd.ims.lis.v1.score+json';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ACTIVITY = new Set(['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed']);
const GRADING = new Set(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']);
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export async function startAgs({ clientId, jwksUrl, tokenTtl = 3600, port = 0 }) {
  // jwksUrl: a URL, or a function giving it (the tool may restart on another port).
  let jwks = null;
  let jwksAt = null;
  const keys = () => {
    const u = typeof jwksUrl === 'function' ? jwksUrl() : jwksUrl;
    if (u !== jwksAt) {
      jwks = createRemoteJWKSet(new URL(u), { cacheMaxAge: 1000, cooldownDuration: 0 });
      jwksAt = u;
    }
    return jwks;
  };
  const tokens = new Map();          // access token -> expiry (ms)
  const jtis = new Set();
  const lineitems = new Map();       // key `${id}\n${userId}` -> { current, history, replays, outOfOrder }
  const log = [];                    // every request: { path, status, at }
  let fault = null;
  let server;
  let refusing = false;

  const lms = {
    tokenRequests: 0,
    tokenRefusals: [],
    scoreRequests: 0,
    rejected: [],                     // scores refused (4xx): { status, why, body }
    log,
  };

  async function onToken(req, res) {
    lms.tokenRequests++;
    const form = new URLSearchParams(await readBody(req));
    const refuse = (why) => { lms.tokenRefusals.push(why); answer(res, 400, { error: 'invalid_client', error_description: why }); };
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return refuse('content type');
    if (form.get('grant_type') !== 'client_credentials') return refuse('grant_type');
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) return refuse('client_assertion_type');
    if (!(form.get('scope') || '').split(' ').includes(SCORE_SCOPE)) return refuse('scope');
    let payload;
    try {
      ({ payload } = await jwtVerify(form.get('client_assertion') || '', keys(), {
        algorithms: ['RS256'], issuer: clientId, subject: clientId, audience: lms.tokenUrl, maxTokenAge: '10m',
      }));
    } catch (e) {
      return refuse(`client assertion: ${e.code || e.message}`);
    }
    if (typeof payload.jti !== 'string' || jtis.has(payload.jti)) return refuse('jti missing or replayed');
    if (typeof payload.exp !== 'number' || payload.exp - payload.iat > 3600) return refuse('exp');
    jtis.add(payload.jti);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + tokenTtl * 1000);
    answer(res, 200, { access_token: token, token_type: 'Bearer', expires_in: tokenTtl, scope: SCORE_SCOPE });
  }

  async function onScore(req, res, id, query) {
    lms.scoreRequests++;
    const body = await readBody(req);
    const reject = (status, why) => { lms.rejected.push({ status, why, body }); answer(res, status, { error: why }); };
    if (fault && fault.status && (fault.count > 0 || Date.now() < fault.until)) {
      if (fault.count > 0) fault.count--;
      const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
      return answer(res, fault.status, { error: 'injected fault' }, headers);
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    if (!auth || !tokens.has(auth[1]) || tokens.get(auth[1]) < Date.now()) return reject(401, 'bad token');
    if (req.headers['content-type'] !== SCORE_TYPE) return reject(415, `content type ${req.headers['content-type']}`);
    if (query.get('type_id') !== '1') return reject(404, 'the line item query string was lost');
    let s;
    try { s = JSON.parse(body); } catch { return reject(400, 'not JSON'); }
    if (typeof s.userId !== 'string' || !s.userId) return reject(400, 'userId');
    if (!ISO_MS.test(s.timestamp || '')) return reject(400, `timestamp ${s.timestamp}`);
    if (!ACTIVITY.has(s.activityProgress)) return reject(400, 'activityProgress');
    if (!GRADING.has(s.gradingProgress)) return reject(400, 'gradingProgress');
    if ('scoreGiven' in s && !(typeof s.scoreMaximum === 'number' && s.scoreMaximum > 0 &&
        typeof s.scoreGiven === 'number' && s.scoreGiven >= 0 && s.scoreGiven <= s.scoreMaximum)) {
      return reject(400, 'scoreGiven and scoreMaximum');
    }
    const key = `${id}\n${s.userId}`;
    if (!lineitems.has(key)) lineitems.set(key, { current: null, history: [], replays: 0, outOfOrder: [] });
    const r = lineitems.get(key);
    const at = Date.parse(s.timestamp);
    const last = r.current ? Date.parse(r.current.timestamp) : -Infinity;
    if (at < last || (at === last && JSON.stringify(s) !== JSON.stringify(r.current))) {
      r.outOfOrder.push(s);
      return reject(409, 'a score older than the one recorded');
    }
    if (at === last) {
      r.replays++;
    } else {
      r.current = s;
      r.history.push(s);
    }
    answer(res, 200, {});
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    log.push({ method: req.method, path: url.pathname, at: Date.now() });
    try {
      if (req.method === 'POST' && url.pathname === '/token') return await onToken(req, res);
      const m = /^\/lineitems\/([^/]+)\/lineitem\/scores$/.exec(url.pathname);
      if (req.method === 'POST' && m) return await onScore(req, res, m[1], url.searchParams);
      answer(res, 404, { error: 'not found' });
    } catch (e) {
      answer(res, 500, { error: String(e) });
    }
  }

  function listen(p) {
    return new Promise((resolve, reject) => {
      server = createServer((req, res) => { handle(req, res); });
      server.keepAliveTimeout = 1000;
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => resolve(server.address().port));
    });
  }

  const boundPort = await listen(port);
  lms.origin = `http://127.0.0.1:${boundPort}`;
  lms.tokenUrl = `${lms.origin}/token`;
  lms.lineitem = (id) => `${lms.origin}/lineitems/${id}/lineitem?type_id=1`;
  lms.results = (id, userId) => lineitems.get(`${id}\n${userId}`) || { current: null, history: [], replays: 0, outOfOrder: [] };
  lms.revokeTokens = () => tokens.clear();

  // Inject a fault (see the top of this file); fault(null) ends it.
  lms.fault = async (f) => {
    if (f && f.refuseMs) {
      refusing = true;
      await new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      setTimeout(async () => { await listen(boundPort); refusing = false; }, f.refuseMs);
      return;
    }
    fault = f ? { status: f.status, count: f.count || 0, until: f.ms ? Date.now() + f.ms : 0, retryAfter: f.retryAfter } : null;
  };
  lms.refusing = () => refusing;
  lms.faultLeft = () => (fault ? fault.count : 0);

  lms.close = () => new Promise((resolve) => {
    if (refusing || !server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return lms;
}
