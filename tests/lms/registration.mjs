// The platform's side of LTI Dynamic Registration 1.0, as Moodle 4.x plays
// it: an OpenID configuration (mod/lti/openid-configuration.php) and a
// registration endpoint (mod/lti/openid-registration.php) that checks the
// registration token and the tool's request the way Moodle's
// registration_helper does, then answers a client_id and a deployment_id.
//
//   const lms = await startLoopback();
//   const reg = registration(lms, { token: 'T' });
//   open `${tool}/lti/register?openid_configuration=${reg.configUrl}&registration_token=T`
//   reg.registrations  // [{ request, client_id, deployment_id }]
import { json } from './loopback.mjs';

const PLATFORM = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
const TOOL = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

// What Moodle refuses, in its words (a 400 with the reason).
export function checkRegistration(req) {
  const fail = (why) => { throw Object.assign(new Error(why), { status: 400 }); };
  if (!req || typeof req !== 'object') fail('the registration is not a JSON object');
  if (req.application_type !== 'web') fail('invalid application_type');
  for (const g of ['implicit', 'client_credentials'])
    if (!Array.isArray(req.grant_types) || !req.grant_types.includes(g)) fail(`grant_types lacks ${g}`);
  if (!Array.isArray(req.response_types) || !req.response_types.includes('id_token')) fail('response_types lacks id_token');
  for (const u of ['initiate_login_uri', 'jwks_uri'])
    if (typeof req[u] !== 'string' || !/^https?:\/\//.test(req[u])) fail(`missing ${u}`);
  if (!Array.isArray(req.redirect_uris) || req.redirect_uris.length === 0) fail('missing redirect_uris');
  if (req.token_endpoint_auth_method !== 'private_key_jwt') fail('token_endpoint_auth_method must be private_key_jwt');
  if (typeof req.client_name !== 'string' || !req.client_name) fail('missing client_name');
  const tool = req[TOOL];
  if (!tool || typeof tool !== 'object') fail(`missing ${TOOL}`);
  if (typeof tool.domain !== 'string' || !tool.domain) fail('missing domain');
  if (typeof tool.target_link_uri !== 'string') fail('missing target_link_uri');
  // Moodle: every URL of the tool lives on its domain.
  const host = (u) => new URL(u).host;
  for (const u of [tool.target_link_uri, req.initiate_login_uri, req.jwks_uri, ...req.redirect_uris])
    if (host(u) !== tool.domain) fail(`${u} is not on the domain ${tool.domain}`);
  for (const m of tool.messages || []) {
    if (!m.type) fail('a message without type');
    if (m.target_link_uri && !req.redirect_uris.includes(m.target_link_uri) && host(m.target_link_uri) !== tool.domain)
      fail(`message target ${m.target_link_uri} is not on the domain`);
  }
  if (typeof req.scope !== 'string') fail('missing scope');
  return req;
}

// Add the configuration and registration endpoints to a loopback server.
// opts: token (the registration token required; null: none), clientId,
// deploymentId (null: none in the answer, as some LMSs do), issuer (to lie
// about it), brokenConfig (answer non-JSON), reuseClientId (the same client id
// at every registration).
export function registration(lms, opts = {}) {
  const base = lms.origin;
  const state = {
    token: opts.token === undefined ? 'registration-token-1' : opts.token,
    clientId: opts.clientId || 'moodle-client-1',
    deploymentId: opts.deploymentId === undefined ? '1' : opts.deploymentId,
    issuer: opts.issuer || base,
    brokenConfig: !!opts.brokenConfig,
    configUrl: `${base}/mod/lti/openid-configuration.php`,
    registrations: [],
    refusals: [],
  };
  state.config = () => ({
    issuer: state.issuer,
    authorization_endpoint: `${base}/mod/lti/auth.php`,
    token_endpoint: `${base}/mod/lti/token.php`,
    jwks_uri: `${base}/mod/lti/certs.php`,
    registration_endpoint: `${base}/mod/lti/openid-registration.php`,
    scopes_supported: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
      'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
      'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly', 'openid'],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
    [PLATFORM]: {
      product_family_code: 'moodle',
      version: '4.1.2',
      messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      variables: ['basic-lti-launch-request', 'ContentItemSelectionRequest', 'ToolProxyRegistrationRequest'],
    },
  });
  lms.use((req, res, url, body) => {
    if (url.pathname === '/mod/lti/openid-configuration.php' && req.method === 'GET') {
      if (state.brokenConfig) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer": ');
        return true;
      }
      return json(res, 200, state.config());
    }
    if (url.pathname === '/mod/lti/openid-registration.php' && req.method === 'POST') {
      const auth = req.headers.authorization || '';
      if (state.token !== null && auth !== `Bearer ${state.token}`) {
        state.refusals.push({ why: 'token', authorization: auth });
        return json(res, 401, { error: 'invalid_token', error_description: 'the registration token is not valid' });
      }
      if (!/^application\/json\b/.test(req.headers['content-type'] || '')) {
        state.refusals.push({ why: 'content-type' });
        return json(res, 400, { error: 'invalid_client_metadata', error_description: 'not JSON' });
      }
      let request;
      try {
        request = checkRegistration(JSON.parse(body));
      } catch (e) {
        state.refusals.push({ why: e.message });
        return json(res, 400, { error: 'invalid_client_metadata', error_description: e.message });
      }
      const n = state.registrations.length;
      // Moodle makes a new tool, so a new client id, each time; reuseClientId: the same one.
      const clientId = n && !opts.reuseClientId ? `${state.clientId}-${n + 1}` : state.clientId;
      const answer = {
        client_id: clientId,
        response_types: request.response_types,
        jwks_uri: request.jwks_uri,
        initiate_login_uri: request.initiate_login_uri,
        grant_types: request.grant_types,
        redirect_uris: request.redirect_uris,
        application_type: 'web',
        token_endpoint_auth_method: 'private_key_jwt',
        client_name: request.client_name,
        scope: request.scope,
        [TOOL]: { ...request[TOOL], version: '1.3.0',
          ...(state.deploymentId === null ? {} : { deployment_id: state.deploymentId }) },
      };
      state.registrations.push({ request, client_id: clientId, deployment_id: state.deploymentId });
      return json(res, 200, answer);
    }
    return false;
  });
  return state;
}
