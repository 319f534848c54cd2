// The platform's side of LTI Deep Linking 2.0 (LTI 1.3), as Moodle's
// "Select content" plays it, with jose for every JWT: the platform's key
// pair and JWKS, a third-party initiated login at the tool, the OIDC
// authentication endpoint answering an LtiDeepLinkingRequest id_token, and
// the deep_link_return_url that verifies the tool's LtiDeepLinkingResponse
// against the tool's JWKS.
//
//   const dl = await deepLinking(lms, { tool, clientId, deploymentId });
//   page.goto(dl.startUrl({ acceptMultiple: true, locale: 'fr' }))
//   dl.responses  // [{ claims }] verified, or [{ error }]
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { autoPost, html, json } from './loopback.mjs';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

export async function deepLinking(lms, opts) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'platform-key-1', alg: 'RS256', use: 'sig' };
  const state = {
    tool: opts.tool,                  // the tool's origin
    issuer: opts.issuer || lms.origin,
    clientId: opts.clientId,
    deploymentId: opts.deploymentId,
    returnUrl: `${lms.origin}/dl/return`,
    logins: new Map(),                // login_hint -> the request's settings
    requests: [],                     // the id_tokens' claims
    responses: [],                    // { claims } or { error }
    refusals: [],
  };
  let toolKeys;
  let n = 0;

  // The URL a browser opens to play "Select content": it posts the login to the tool.
  state.startUrl = ({ acceptMultiple = true, locale = 'en', data = 'moodle-dl-data-42', acceptTypes = ['ltiResourceLink'] } = {}) => {
    const hint = `teacher-${++n}`;
    state.logins.set(hint, { acceptMultiple, locale, data, acceptTypes });
    return `${lms.origin}/dl/start?hint=${hint}`;
  };

  // Then a learner opens one of the activities made from the response: a resource link
  // launch carrying the item's custom parameters, as Moodle sends them.
  state.launchUrl = (item, { sub = 'learner-1', locale = 'en' } = {}) => {
    const hint = `learner-${++n}`;
    state.logins.set(hint, { messageType: 'LtiResourceLinkRequest', item, sub, locale, link: `rl-${n}` });
    return `${lms.origin}/dl/start?hint=${hint}`;
  };

  const params = (url, body, req) =>
    req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;

  lms.use(async (req, res, url, body) => {
    if (url.pathname === '/mod/lti/certs.php')
      return json(res, 200, { keys: [jwk] });
    if (url.pathname === '/dl/start') {
      const hint = url.searchParams.get('hint');
      return autoPost(res, `${state.tool}/lti/login`, {
        iss: state.issuer, login_hint: hint, target_link_uri: `${state.tool}/lti/launch`,
        lti_message_hint: `dl-${hint}`, client_id: state.clientId, lti_deployment_id: state.deploymentId,
      });
    }
    if (url.pathname === '/mod/lti/auth.php') {
      const p = params(url, body, req);
      const login = state.logins.get(p.get('login_hint'));
      const problems = [];
      if (p.get('scope') !== 'openid') problems.push('scope');
      if (p.get('response_type') !== 'id_token') problems.push('response_type');
      if (p.get('response_mode') !== 'form_post') problems.push('response_mode');
      if (p.get('prompt') !== 'none') problems.push('prompt');
      if (p.get('client_id') !== state.clientId) problems.push('client_id');
      if (p.get('redirect_uri') !== `${state.tool}/lti/launch`) problems.push('redirect_uri');
      if (!login) problems.push('login_hint');
      if (p.get('lti_message_hint') !== `dl-${p.get('login_hint')}`) problems.push('lti_message_hint');
      if (!p.get('nonce') || !p.get('state')) problems.push('nonce/state');
      if (problems.length) {
        state.refusals.push(problems);
        return html(res, 400, `<p>bad authentication request: ${problems.join(', ')}</p>`);
      }
      const link = login.messageType === 'LtiResourceLinkRequest';
      const claims = link ? {
        nonce: p.get('nonce'),
        azp: state.clientId,
        name: 'Lee Learner', given_name: 'Lee', family_name: 'Learner',
        [`${LTI}message_type`]: 'LtiResourceLinkRequest',
        [`${LTI}version`]: '1.3.0',
        [`${LTI}deployment_id`]: state.deploymentId,
        [`${LTI}target_link_uri`]: `${state.tool}/lti/launch`,
        [`${LTI}roles`]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
        [`${LTI}context`]: { id: 'course-7', label: 'MIG101', title: 'Migration 101' },
        [`${LTI}resource_link`]: { id: login.link, title: login.item.title },
        [`${LTI}custom`]: login.item.custom,
        [`${LTI}launch_presentation`]: { locale: login.locale, document_target: 'iframe' },
      } : {
        nonce: p.get('nonce'),
        azp: state.clientId,
        name: 'Ada Teacher', given_name: 'Ada', family_name: 'Teacher', email: 'ada@example.org',
        [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
        [`${LTI}version`]: '1.3.0',
        [`${LTI}deployment_id`]: state.deploymentId,
        [`${LTI}target_link_uri`]: `${state.tool}/lti/launch`,
        [`${LTI}roles`]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'],
        [`${LTI}context`]: { id: 'course-7', label: 'MIG101', title: 'Migration 101' },
        [`${LTI}launch_presentation`]: { locale: login.locale, document_target: 'iframe' },
        [`${DL}deep_linking_settings`]: {
          deep_link_return_url: state.returnUrl,
          accept_types: login.acceptTypes,
          accept_presentation_document_targets: ['iframe', 'window'],
          accept_multiple: login.acceptMultiple,
          auto_create: false,
          data: login.data,
        },
      };
      state.requests.push(claims);
      const idToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
        .setIssuer(state.issuer).setAudience(state.clientId).setSubject(link ? login.sub : p.get('login_hint'))
        .setIssuedAt().setExpirationTime('5m')
        .sign(privateKey);
      return autoPost(res, p.get('redirect_uri'), { id_token: idToken, state: p.get('state') });
    }
    if (url.pathname === '/dl/return' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      try {
        toolKeys ||= createRemoteJWKSet(new URL(`${state.tool}/lti/jwks`));
        const { payload, protectedHeader } = await jwtVerify(form.get('JWT') || '', toolKeys, {
          issuer: state.clientId, audience: state.issuer, algorithms: ['RS256'], maxTokenAge: '10m',
        });
        const want = { [`${LTI}message_type`]: 'LtiDeepLinkingResponse', [`${LTI}version`]: '1.3.0',
          [`${LTI}deployment_id`]: state.deploymentId };
        for (const [k, v] of Object.entries(want))
          if (payload[k] !== v) throw new Error(`${k} is ${payload[k]}, not ${v}`);
        if (typeof payload.nonce !== 'string' || !payload.nonce) throw new Error('no nonce');
        if (!Array.isArray(payload[`${DL}content_items`])) throw new Error('no content_items');
        state.responses.push({ claims: payload, header: protectedHeader });
        return html(res, 200, `<p id="done">Added ${payload[`${DL}content_items`].length} item(s).</p>`);
      } catch (e) {
        state.responses.push({ error: e.message });
        return html(res, 400, `<p id="error">${e.message}</p>`);
      }
    }
    return false;
  });
  return state;
}
