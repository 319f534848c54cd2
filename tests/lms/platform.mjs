// The test LMS, LTI 1.3 side: a platform on 127.0.0.1 with its own RSA
// keys (jose from npm, an implementation independent of passerelle's
// cjose), published at a JWKS URL, an OIDC authorization endpoint that
// answers the tool's login redirect with an auto-submitting form POSTing
// id_token and state to redirect_uri, and helpers to build id_tokens with
// any claim changed, signed with any key, kid or alg (for rejection tests).
//
//   const lms = await startPlatform();
//   lms.register({ binary, data, base });          // passerelle platform add
//   const page = lms.launchUrl(tool, { custom: { package: '1' } });   // a browser starts here
//   const res = await lms.launch(tool, { claims: { exp: 0 } });      // or: fetch, no browser
//   await lms.close();
//
// Every launch is described by options:
//   sub, name, roles, resourceLink, context, custom, ags, locale: the usual claims
//   messageType, deploymentId, targetLinkUri: what the login and id_token say
//   claims: extra claims over the built ones (a value of undefined deletes the claim)
//   header: extra protected header fields; sign: { alg: 'none'|'HS256'|'RS256', key, kid }
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';

export const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
export const ROLE = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
};

// A new RS256 key pair and its public JWK.
export async function makeKey(kid) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, publicKey, privateKey, jwk };
}

function html(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A page that POSTs fields to action as soon as it loads (what platforms send browsers).
function autoPost(action, fields) {
  const inputs = Object.entries(fields).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${html(k)}" value="${html(v)}">`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test LMS</title></head>` +
    `<body><form method="post" action="${html(action)}">${inputs}<button>Continue</button></form>` +
    `<script>document.forms[0].submit()</script></body></html>`;
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPlatform({ clientId = 'passerelle-test-client', deploymentId = 'deployment-1' } = {}) {
  const keys = [await makeKey('platform-key-1')];   // published in the JWKS
  let current = keys[0];                            // the one that signs
  const pending = new Map();                        // lti_message_hint -> launch options
  const stats = { jwksFetches: 0, authRequests: [] };
  let origin;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, origin);
    try {
      if (url.pathname === '/jwks') {
        stats.jwksFetches++;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
        return;
      }
      if (url.pathname === '/auth') {
        // The OIDC authentication request (Security Framework 5.1.1.2), checked
        // as a platform would, answered with the id_token by form_post.
        const q = req.method === 'POST' ? new URLSearchParams(await body(req)) : url.searchParams;
        const p = Object.fromEntries(q);
        stats.authRequests.push(p);
        const opts = pending.get(p.lti_message_hint);
        const problems = [];
        if (p.scope !== 'openid') problems.push('scope');
        if (p.response_type !== 'id_token') problems.push('response_type');
        if (p.response_mode !== 'form_post') problems.push('response_mode');
        if (p.prompt !== 'none') problems.push('prompt');
        if (p.client_id !== clientId) problems.push('client_id');
        if (!p.nonce) problems.push('nonce');
        if (!p.state) problems.push('state');
        if (!opts) problems.push('lti_message_hint');
        else if (p.login_hint !== opts.loginHint) problems.push('login_hint');
        else if (p.redirect_uri !== `${opts.tool}/lti/launch`) problems.push('redirect_uri');
        if (problems.length) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(`bad authentication request: ${problems.join(', ')}`);
          return;
        }
        const token = await platform.idToken({ ...opts, nonce: p.nonce });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(autoPost(p.redirect_uri, { id_token: token, state: opts.state ?? p.state }));
        return;
      }
      if (url.pathname.startsWith('/start/')) {
        // The LMS's course page link: the browser POSTs the login initiation to the tool.
        const opts = pending.get(decodeURIComponent(url.pathname.slice('/start/'.length)));
        if (!opts) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(autoPost(`${opts.tool}/lti/login`, platform.loginParams(opts)));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e.stack || e));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;

  const platform = {
    issuer: origin,
    clientId,
    deploymentId,
    stats,
    get jwksUrl() { return `${origin}/jwks`; },
    get authUrl() { return `${origin}/auth`; },
    get tokenUrl() { return `${origin}/token`; },
    get keys() { return keys; },
    get currentKey() { return current; },

    // `passerelle platform add` for this platform; returns what it printed.
    register({ binary, data, extra = [] }) {
      return execFileSync(binary, ['platform', 'add', '--data', data, '--set', 'lti_allow_http=true',
        '--name', 'Test LMS', '--issuer', origin, '--client-id', clientId, '--deployment', deploymentId,
        '--auth-url', this.authUrl, '--token-url', this.tokenUrl, '--jwks-url', this.jwksUrl, ...extra],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    },

    // A new key that signs from now on; the old ones stay published unless dropOld.
    async rotate({ dropOld = false } = {}) {
      const k = await makeKey(`platform-key-${keys.length + 1}-${randomUUID().slice(0, 8)}`);
      if (dropOld) keys.length = 0;
      keys.push(k);
      current = k;
      return k;
    },

    // The claims of a launch (LTI Core 1.3 5.3, 5.4), before opts.claims.
    claims(opts) {
      const now = Math.floor(Date.now() / 1000);
      const type = opts.messageType ?? 'LtiResourceLinkRequest';
      const c = {
        iss: origin,
        aud: clientId,
        sub: opts.sub ?? 'learner-1',
        iat: now,
        exp: now + 300,
        nonce: opts.nonce,
        given_name: 'Jane',
        family_name: 'Doe',
        name: 'Jane Doe',
        [`${LTI}version`]: '1.3.0',
        [`${LTI}message_type`]: type,
        [`${LTI}deployment_id`]: opts.deploymentId ?? deploymentId,
        [`${LTI}target_link_uri`]: opts.targetLinkUri ?? `${opts.tool}/lti/launch`,
        [`${LTI}roles`]: opts.roles ?? [ROLE.learner],
        [`${LTI}context`]: opts.context ?? { id: 'course-1', label: 'MIG101', title: 'Migration and mobility' },
        [`${LTI}launch_presentation`]: { document_target: 'iframe', locale: opts.locale ?? 'en-US' },
      };
      if (type === 'LtiResourceLinkRequest')
        c[`${LTI}resource_link`] = opts.resourceLink ?? { id: 'link-1', title: 'Module 1' };
      if (opts.custom) c[`${LTI}custom`] = opts.custom;
      if (opts.ags) c[AGS] = opts.ags;
      for (const [k, v] of Object.entries(opts.claims ?? {})) {
        if (v === undefined) delete c[k];
        else c[k] = v;
      }
      return c;
    },

    // A signed id_token for opts (opts.nonce: the tool's).
    async idToken(opts) {
      const claims = this.claims(opts);
      const sign = opts.sign ?? {};
      const alg = sign.alg ?? 'RS256';
      if (alg === 'none') {
        const enc = (o) => base64url.encode(JSON.stringify(o));
        return `${enc({ alg: 'none', typ: 'JWT', ...opts.header })}.${enc(claims)}.`;
      }
      if (alg === 'HS256') {
        return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', kid: current.kid, ...opts.header })
          .sign(new TextEncoder().encode(sign.secret ?? 'a shared secret the tool never agreed to'));
      }
      const key = sign.key ?? current;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg, typ: 'JWT', kid: sign.kid ?? key.kid, ...opts.header })
        .sign(key.privateKey);
      if (!sign.tamper) return token;
      // A valid token with its payload changed after signing: the signature no longer matches.
      const [h, , s] = token.split('.');
      return `${h}.${base64url.encode(JSON.stringify({ ...claims, ...sign.tamper }))}.${s}`;
    },

    // The third-party initiated login's parameters (Security Framework 5.1.1.1).
    loginParams(opts) {
      return {
        iss: origin,
        login_hint: opts.loginHint,
        target_link_uri: opts.targetLinkUri ?? `${opts.tool}/lti/launch`,
        lti_message_hint: opts.messageHint,
        client_id: clientId,
        lti_deployment_id: opts.deploymentId ?? deploymentId,
        lti_storage_target: opts.storageTarget,
      };
    },

    // Remember a launch: its message hint names it at the auth endpoint.
    prepare(tool, opts = {}) {
      const messageHint = opts.messageHint ?? randomUUID();
      const full = { ...opts, tool, messageHint, loginHint: opts.loginHint ?? `hint-${messageHint.slice(0, 8)}` };
      pending.set(messageHint, full);
      return full;
    },

    // Where a browser starts a launch (the link on the LMS's course page).
    launchUrl(tool, opts = {}) {
      return `${origin}/start/${encodeURIComponent(this.prepare(tool, opts).messageHint)}`;
    },

    // A whole launch without a browser: login at the tool, the redirect to
    // /auth followed by hand, the id_token POSTed to the tool. Options:
    // state (send this state instead), omitState, replay (a response to
    // send again: { idToken, state, cookie }). Returns { login, response,
    // text, idToken, state, nonce, cookie }.
    async launch(tool, opts = {}) {
      let idToken, state, nonce, cookie, login;
      if (opts.replay) {
        ({ idToken, state, cookie } = opts.replay);
      } else {
        const full = this.prepare(tool, opts);
        login = await fetch(`${tool}/lti/login`, {
          method: 'POST', redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(Object.entries(this.loginParams(full)).filter(([, v]) => v !== undefined)),
        });
        if (login.status !== 302) return { login, response: login, text: await login.text() };
        const auth = new URL(login.headers.get('location'));
        state = auth.searchParams.get('state');
        nonce = auth.searchParams.get('nonce');
        cookie = (login.headers.get('set-cookie') || '').split(';')[0];
        idToken = await this.idToken({ ...full, nonce: opts.nonce ?? nonce });
      }
      const form = new URLSearchParams({ id_token: idToken });
      if (!opts.omitState) form.set('state', opts.state ?? state);
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      if (opts.cookie !== false && cookie) headers.cookie = opts.cookie ?? cookie;
      const response = await fetch(`${tool}/lti/launch`, { method: 'POST', redirect: 'manual', headers, body: form });
      return { login, response, text: await response.text(), idToken, state, nonce, cookie };
    },

    close: () => new Promise((ok) => server.close(ok)),
  };
  return platform;
}
