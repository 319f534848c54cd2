/*
 * LTI 1.3 launch: the id_token the platform POSTs to /lti/launch after
 * the login (lti/oidc.c), checked as the 1EdTech Security Framework 1.0
 * (5.1.3) and LTI Core 1.3 (5.3, 5.4) say, then handed to what every
 * launch ends with (lti/launch.h) or to deep linking (lti/deeplink.h).
 *
 * Each refusal is one log line naming the check that failed, and a page
 * for the learner; nothing is recorded before every check has passed.
 */
#include "lti/lti13.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/cache.h"
#include "lti/deeplink.h"
#include "lti/jwks.h"
#include "lti/jwt.h"
#include "lti/launch.h"
#include "runtime/store_lti.h"

#define LTI_CLAIM "https://purl.imsglobal.org/spec/lti/claim/"
#define AGS_CLAIM "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
#define AGS_SCORE_SCOPE "https://purl.imsglobal.org/spec/lti-ags/scope/score"
#define LIS_MEMBERSHIP "http://purl.imsglobal.org/vocab/lis/v2/membership#"
#define LIS_MEMBERSHIP_INSTRUCTOR_SUB "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#"

/* What the login kept for the launch (lti/oidc.c). */
typedef struct login_state {
	int64_t platform_id;
	int64_t expires;         /* ms: the state's, and so the nonce's */
	const char *nonce, *target, *binding;
	const json_t *storage;   /* {target, origin} when the login wrote to platform storage */
	bool cookie_seen;
	json_t *json;
} login_state;

typedef struct launch_ctx {
	pa_http_request *r;
	pa_lti *lti;
	pa_form form;
	login_state st;
	pa_store_platform platform;
	pa_jwt jwt;
	bool verified;
} launch_ctx;

static enum MHD_Result refuse(pa_http_request *r, unsigned status, const char *check, const char *detail,
			      const char *title, const char *message)
{
	pa_warn("lti: launch refused: %s: %s", check, detail);
	return pa_lti_page_error(r, status, title, message);
}

#define BAD_TOKEN_TITLE "This launch cannot be trusted"
#define BAD_TOKEN_TEXT \
	"The LMS's launch did not pass Passerelle's checks, so the activity was not opened. Open it " \
	"again from your course; if it keeps failing, give your LMS administrator the time it happened: " \
	"Passerelle's log says which check failed."
#define STALE_TITLE "This launch has expired or was already used"
#define STALE_TEXT \
	"Each launch from the LMS can be used once, within minutes. Go back to your course and open the " \
	"activity again."

/* --- helpers --- */

static int b64url_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* The alg of a compact JWS's header, read without trusting anything: to
 * name the refusal of none and HS256 before any key is looked at. */
static char *peek_alg(const char *token)
{
	const char *dot = strchr(token, '.');
	pa_buf raw = PA_BUF_INIT;
	unsigned long acc = 0;
	json_t *header;
	char *alg = NULL;
	int bits = 0;

	if (!dot || dot - token > 4096)
		return NULL;
	for (const char *p = token; p < dot; p++) {
		int v = b64url_value((unsigned char)*p);

		if (v < 0)
			goto done;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			pa_buf_putc(&raw, (char)(acc >> bits & 0xff));
		}
	}
	if (pa_buf_error(&raw) || !raw.len)
		goto done;
	if ((header = json_loadb(raw.ptr, raw.len, JSON_REJECT_DUPLICATES, NULL)) != NULL) {
		const char *a = json_string_value(json_object_get(header, "alg"));

		alg = a ? pa_strdup(a) : NULL;
		json_decref(header);
	}
done:
	pa_buf_dispose(&raw);
	return alg;
}

static const char *str_claim(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* A string claim of an object claim: claims[obj][name]. */
static const char *sub_claim(const json_t *claims, const char *obj, const char *name)
{
	return str_claim(json_object_get(claims, obj), name);
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* Does the aud claim (a string or an array of strings) hold client_id? *n: how many audiences. */
static bool aud_has(const json_t *aud, const char *client_id, size_t *n)
{
	size_t i;
	json_t *v;

	*n = 0;
	if (json_is_string(aud)) {
		*n = 1;
		return !strcmp(json_string_value(aud), client_id);
	}
	if (!json_is_array(aud))
		return false;
	*n = json_array_size(aud);
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), client_id))
			return true;
	return false;
}

/* Roles that see a link's attempts (LIS v2 vocabulary; the simple names
 * LTI Core 1.3 A.2.3 allows for context roles). A sub-role of Instructor
 * (membership/Instructor#TeachingAssistant) teaches too; a Mentor sees only
 * their mentees elsewhere, never a whole link's learners. */
static bool instructor(const json_t *roles)
{
	static const char *const names[] = { "Instructor", "Administrator", "ContentDeveloper" };
	size_t i;
	json_t *v;

	json_array_foreach(roles, i, v) {
		const char *role = json_string_value(v);
		const char *simple = role;

		if (!role)
			continue;
		if (!strcmp(role, "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator") ||
		    !strcmp(role, "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"))
			return true;
		if (pa_str_startswith(role, LIS_MEMBERSHIP))
			simple = role + strlen(LIS_MEMBERSHIP);
		else if (pa_str_startswith(role, LIS_MEMBERSHIP_INSTRUCTOR_SUB))
			return true;
		else if (strchr(role, ':') || strchr(role, '/'))
			continue;
		for (size_t k = 0; k < PA_ARRAY_SIZE(names); k++)
			if (!strcmp(simple, names[k]))
				return true;
	}
	return false;
}

static bool has_score_scope(const json_t *ags)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(ags, "scope"), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), AGS_SCORE_SCOPE))
			return true;
	return false;
}

/* --- the checks --- */

/* The login's state: taken (single use) and read. */
static enum MHD_Result take_state(bool *ok, launch_ctx *c, const char *state)
{
	char *data = NULL;
	json_error_t jerr;
	json_int_t id;
	int rc;

	*ok = false;
	/* Signed at login, spent (its nonce) when the launch is recorded. */
	if ((rc = pa_lti13_state_open(&data, &c->st.expires, c->lti->session_key, state, pa_store_now_ms())) != 0)
		return refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", pa_error_last(), STALE_TITLE, STALE_TEXT);
	c->st.json = data ? json_loads(data, 0, &jerr) : NULL;
	free(data);
	id = json_integer_value(json_object_get(c->st.json, "platform"));
	c->st.nonce = str_claim(c->st.json, "nonce");
	c->st.target = str_claim(c->st.json, "target");
	c->st.binding = str_claim(c->st.json, "binding");
	c->st.storage = json_object_get(c->st.json, "storage");
	if (!str_claim(c->st.storage, "target") || !str_claim(c->st.storage, "origin"))
		c->st.storage = NULL;
	if (id <= 0 || !c->st.nonce || !c->st.target)
		return refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "its stored data is unreadable", STALE_TITLE, STALE_TEXT);
	c->st.platform_id = (int64_t)id;
	*ok = true;
	return MHD_YES;
}

/* The cookie of the state, when the browser kept it, must be the one set at login. */
static bool browser_bound(launch_ctx *c)
{
	pa_buf name = PA_BUF_INIT;
	const char *value;
	bool ok;

	pa_buf_printf(&name, PA_LTI13_COOKIE_PREFIX "%s", c->st.nonce);
	value = pa_buf_error(&name) ? NULL : MHD_lookup_connection_value(c->r->conn, MHD_COOKIE_KIND, name.ptr);
	c->st.cookie_seen = value != NULL;
	ok = !value || (c->st.binding && pa_secret_equal(value, strlen(value), c->st.binding, strlen(c->st.binding)));
	pa_buf_dispose(&name);
	return ok;
}

/* The id_token's signature, by the platform's key named by its kid. */
static enum MHD_Result verify_signature(launch_ctx *c, const char *token)
{
	char *alg = peek_alg(token);
	pa_buf why = PA_BUF_INIT;
	enum MHD_Result ret;
	int rc;

	if (!alg) {
		ret = refuse(c->r, MHD_HTTP_BAD_REQUEST, "id_token", "not a JWS in compact form with an alg", BAD_TOKEN_TITLE,
			     BAD_TOKEN_TEXT);
		goto done;
	}
	if (strcmp(alg, "RS256") != 0) {
		pa_buf_printf(&why, "%s refused (RS256 only)", alg);
		ret = refuse(c->r, MHD_HTTP_UNAUTHORIZED, "alg", pa_buf_cstr(&why), BAD_TOKEN_TITLE, BAD_TOKEN_TEXT);
		goto done;
	}
	rc = pa_lti_jwks_verify(&c->jwt, c->lti->jwks, c->platform.jwks_url, token);
	switch (rc) {
	case 0:
		c->verified = true;
		ret = MHD_YES;
		break;
	case PA_ENOTFOUND:
		ret = refuse(c->r, MHD_HTTP_UNAUTHORIZED, "kid", pa_error_last(), BAD_TOKEN_TITLE, BAD_TOKEN_TEXT);
		break;
	case PA_EIO:
		pa_buf_printf(&why, "the platform's keys at %s: %s", c->platform.jwks_url, pa_error_last());
		ret = refuse(c->r, MHD_HTTP_SERVICE_UNAVAILABLE, "jwks", pa_buf_cstr(&why),
			     "Passerelle cannot check this launch now",
			     "Passerelle could not fetch the LMS's public keys. Try again in a moment; if it keeps "
			     "failing, tell your LMS administrator.");
		break;
	case PA_EPARSE:
		ret = refuse(c->r, MHD_HTTP_BAD_REQUEST, "id_token", pa_error_last(), BAD_TOKEN_TITLE, BAD_TOKEN_TEXT);
		break;
	default:
		ret = refuse(c->r, MHD_HTTP_UNAUTHORIZED, "signature", pa_error_last(), BAD_TOKEN_TITLE, BAD_TOKEN_TEXT);
		break;
	}
done:
	free(alg);
	pa_buf_dispose(&why);
	return ret;
}

/* Every claim check of the Security Framework and LTI Core; NULL when all
 * pass, else the check's name and *detail what was wrong. */
static const char *check_claims(pa_buf *detail, launch_ctx *c)
{
	const json_t *claims = c->jwt.claims;
	const pa_store_platform *p = &c->platform;
	int64_t leeway = pa_config_int(c->lti->cfg, PA_CFG_LTI_CLOCK_LEEWAY);
	int64_t now = (int64_t)time(NULL);
	const json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
	const char *iss = str_claim(claims, "iss"), *azp = str_claim(claims, "azp"), *nonce = str_claim(claims, "nonce");
	const char *version = str_claim(claims, LTI_CLAIM "version");
	const char *deployment = str_claim(claims, LTI_CLAIM "deployment_id");
	const char *type = str_claim(claims, LTI_CLAIM "message_type");
	const char *target = str_claim(claims, LTI_CLAIM "target_link_uri");
	size_t naud;
	int rc;

	if (!iss || strcmp(iss, p->issuer) != 0) {
		pa_buf_printf(detail, "'%s', not the platform's '%s'", iss ? iss : "(none)", p->issuer);
		return "iss";
	}
	if (!aud_has(json_object_get(claims, "aud"), p->client_id, &naud)) {
		pa_buf_printf(detail, "does not name our client id '%s'", p->client_id);
		return "aud";
	}
	if ((naud > 1 || json_object_get(claims, "azp")) && (!azp || strcmp(azp, p->client_id) != 0)) {
		pa_buf_printf(detail, "'%s', not our client id '%s'", azp ? azp : "(none)", p->client_id);
		return "azp";
	}
	if (!json_is_number(exp)) {
		pa_buf_puts(detail, "missing");
		return "exp";
	}
	if ((double)now > json_number_value(exp) + (double)leeway) {
		pa_buf_printf(detail, "expired %.0f s ago", (double)now - json_number_value(exp));
		return "exp";
	}
	if (!json_is_number(iat)) {
		pa_buf_puts(detail, "missing");
		return "iat";
	}
	if (json_number_value(iat) > (double)(now + leeway)) {
		pa_buf_printf(detail, "issued %.0f s in the future", json_number_value(iat) - (double)now);
		return "iat";
	}
	if (!nonce || strcmp(nonce, c->st.nonce) != 0) {
		pa_buf_puts(detail, nonce ? "not the nonce of this login" : "missing");
		return "nonce";
	}
	if (!version || strcmp(version, "1.3.0") != 0) {
		pa_buf_printf(detail, "'%s', not 1.3.0", version ? version : "(none)");
		return "version";
	}
	if (!nonempty(deployment)) {
		pa_buf_puts(detail, "missing");
		return "deployment_id";
	}
	if ((rc = pa_lti_cache_deployment_check(c->lti->cache, p, deployment)) != 0) {
		pa_buf_puts(detail, pa_error_last());
		return rc == PA_ENOTFOUND ? "deployment_id" : "store";
	}
	if (!type || (strcmp(type, "LtiResourceLinkRequest") != 0 && strcmp(type, "LtiDeepLinkingRequest") != 0)) {
		pa_buf_printf(detail, "'%s' is not a message Passerelle takes here", type ? type : "(none)");
		return "message_type";
	}
	if (!target || strcmp(target, c->st.target) != 0) {
		pa_buf_printf(detail, "'%s', not the login's '%s'", target ? target : "(none)", c->st.target);
		return "target_link_uri";
	}
	if (!strcmp(type, "LtiResourceLinkRequest") && !nonempty(sub_claim(claims, LTI_CLAIM "resource_link", "id"))) {
		pa_buf_puts(detail, "no resource_link id");
		return "resource_link";
	}
	return NULL;
}

/* The launch, once every check passed. */
static enum MHD_Result finish(launch_ctx *c)
{
	const json_t *claims = c->jwt.claims;
	const json_t *ags = json_object_get(claims, AGS_CLAIM);
	const char *given = str_claim(claims, "given_name"), *family = str_claim(claims, "family_name");
	pa_buf subject = PA_BUF_INIT, name = PA_BUF_INIT, scope = PA_BUF_INIT;
	pa_lti_launch l;
	enum MHD_Result ret;

	memset(&l, 0, sizeof(l));
	pa_buf_printf(&subject, "lti13 %s %s", c->platform.issuer, str_claim(claims, "sub"));
	/* As SCORM's learner_name wants it: "Family, Given". */
	if (nonempty(family) && nonempty(given))
		pa_buf_printf(&name, "%s, %s", family, given);
	else if (nonempty(str_claim(claims, "name")))
		pa_buf_puts(&name, str_claim(claims, "name"));
	else if (nonempty(family) || nonempty(given))
		pa_buf_puts(&name, nonempty(family) ? family : given);
	if (pa_buf_error(&subject) || pa_buf_error(&name)) {
		ret = refuse(c->r, MHD_HTTP_INTERNAL_SERVER_ERROR, "memory", "out of memory",
			     "Passerelle cannot open the activity now", "Try again in a moment.");
		goto done;
	}
	l.lti_version = 13;
	l.owner_id = c->platform.id;
	l.subject = pa_buf_cstr(&subject);
	l.name = name.len ? pa_buf_cstr(&name) : NULL;
	l.instructor = instructor(json_object_get(claims, LTI_CLAIM "roles"));
	l.resource_link_id = sub_claim(claims, LTI_CLAIM "resource_link", "id");
	l.deployment_id = str_claim(claims, LTI_CLAIM "deployment_id");
	l.context_id = sub_claim(claims, LTI_CLAIM "context", "id");
	l.context_title = sub_claim(claims, LTI_CLAIM "context", "title");
	l.link_title = sub_claim(claims, LTI_CLAIM "resource_link", "title");
	l.package = sub_claim(claims, LTI_CLAIM "custom", "package");
	if (has_score_scope(ags) && nonempty(str_claim(ags, "lineitem"))) {
		l.lineitem = str_claim(ags, "lineitem");
		l.user_ref = str_claim(claims, "sub");
	}
	l.locale = sub_claim(claims, LTI_CLAIM "launch_presentation", "locale");
	/* The login's nonce, spent with the launch's records: a replay records nothing. */
	pa_buf_printf(&scope, PA_LTI13_NONCE_SCOPE "%lld", (long long)c->platform.id);
	l.nonce_scope = pa_buf_cstr(&scope);
	l.nonce = c->st.nonce;
	l.nonce_expires = c->st.expires;
	pa_info("lti: launch by %s (platform %lld, deployment %s, link %s%s)", l.subject, (long long)l.owner_id,
		l.deployment_id, l.resource_link_id, l.instructor ? ", instructor" : "");
	ret = pa_lti_launch_finish(c->r, c->lti, &l);
done:
	pa_buf_dispose(&subject);
	pa_buf_dispose(&name);
	pa_buf_dispose(&scope);
	return ret;
}

/* A verified launch goes on: deep linking, or the player. */
static enum MHD_Result dispatch(launch_ctx *c)
{
	const char *type = str_claim(c->jwt.claims, LTI_CLAIM "message_type");

	if (type && !strcmp(type, "LtiDeepLinkingRequest")) {
		pa_buf scope = PA_BUF_INIT;
		int rc;

		pa_buf_printf(&scope, PA_LTI13_NONCE_SCOPE "%lld", (long long)c->platform.id);
		rc = pa_buf_error(&scope) ? PA_ENOMEM
					  : pa_store_nonce_put(c->lti->store, pa_buf_cstr(&scope), c->st.nonce, NULL, c->st.expires);
		pa_buf_dispose(&scope);
		if (rc == PA_EEXISTS)
			return refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "this login was already used", STALE_TITLE,
				      STALE_TEXT);
		if (rc)
			return refuse(c->r, MHD_HTTP_SERVICE_UNAVAILABLE, "store", pa_error_last(),
				      "Passerelle cannot open the activity now",
				      "Its database did not answer. Try again in a moment.");
		return pa_lti_deep_link_request(c->r, c->lti, &c->platform, c->jwt.claims);
	}
	return finish(c);
}

/*
 * No cookie came back, and the login wrote the state's binding to platform
 * storage: a page asks the platform for it (lti.get_data) and posts it back
 * with a single-use continuation that holds the verified claims. What the
 * platform answers (or its silence, after 2 seconds) decides nothing but
 * the binding: the state was taken and the token checked already.
 */
static enum MHD_Result storage_check(launch_ctx *c)
{
	pa_buf id = PA_BUF_INIT, script = PA_BUF_INIT, body = PA_BUF_INIT, csp = PA_BUF_INIT, base = PA_BUF_INIT;
	json_t *data = json_object();
	char *text = NULL;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;

	if (!data || json_object_set_new(data, "platform", json_integer(c->platform.id)) ||
	    json_object_set_new(data, "binding", json_string(c->st.binding ? c->st.binding : "")) ||
	    json_object_set_new(data, "nonce", json_string(c->st.nonce)) ||
	    json_object_set_new(data, "expires", json_integer(c->st.expires)) ||
	    json_object_set(data, "claims", c->jwt.claims) || !(text = json_dumps(data, JSON_COMPACT)) ||
	    pa_lti13_random(&id) != 0 || pa_lti13_random(&script) != 0) {
		ret = refuse(c->r, MHD_HTTP_INTERNAL_SERVER_ERROR, "memory", "out of memory",
			     "Passerelle cannot open the activity now", "Try again in a moment.");
		goto done;
	}
	if (pa_store_nonce_put(c->lti->store, "launch13", pa_buf_cstr(&id), text, pa_store_now_ms() + 120000) != 0) {
		ret = refuse(c->r, MHD_HTTP_SERVICE_UNAVAILABLE, "store", pa_error_last(),
			     "Passerelle cannot open the activity now", "Its database did not answer. Try again in a moment.");
		goto done;
	}
	pa_http_base_url(&base, c->r);
	pa_buf_puts(&body, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Opening the activity"
		    "</title></head>\n<body><main><form id=\"f\" method=\"post\" action=\"");
	pa_buf_put_xml(&body, pa_buf_cstr(&base));
	pa_buf_puts(&body, "/lti/launch\" data-target=\"");
	pa_buf_put_xml(&body, str_claim(c->st.storage, "target"));
	pa_buf_puts(&body, "\" data-origin=\"");
	pa_buf_put_xml(&body, str_claim(c->st.storage, "origin"));
	pa_buf_puts(&body, "\" data-key=\"" PA_LTI13_STORAGE_PREFIX);
	pa_buf_put_xml(&body, c->st.nonce);
	pa_buf_puts(&body, "\"><input type=\"hidden\" name=\"lti_continue\" value=\"");
	pa_buf_puts(&body, pa_buf_cstr(&id));
	pa_buf_puts(&body, "\"><input type=\"hidden\" name=\"lti_storage_value\" id=\"v\" value=\"\">"
		    "<p>Opening the activity&hellip;</p><button>Continue</button></form></main>\n<script nonce=\"");
	pa_buf_puts(&body, pa_buf_cstr(&script));
	pa_buf_puts(&body, "\">(function () {\n"
		    "  var f = document.getElementById('f'), d = f.dataset, done = false, target = null;\n"
		    "  var id = 'pa-' + Date.now().toString(36) + Math.random().toString(36).slice(2);\n"
		    "  function go(value) {\n"
		    "    if (done) return; done = true;\n"
		    "    if (typeof value === 'string') document.getElementById('v').value = value;\n"
		    "    f.submit();\n"
		    "  }\n"
		    "  try { target = d.target === '_parent' ? window.parent : window.parent.frames[d.target]; }\n"
		    "  catch (e) { target = null; }\n"
		    "  if (!target || target === window) return go();\n"
		    "  window.addEventListener('message', function (e) {\n"
		    "    var m = e.data || {};\n"
		    "    if (e.origin === d.origin && m.message_id === id && m.subject === 'lti.get_data.response')\n"
		    "      go(m.error ? undefined : m.value);\n"
		    "  });\n"
		    "  try { target.postMessage({ subject: 'lti.get_data', message_id: id, key: d.key }, d.origin); }\n"
		    "  catch (e) { return go(); }\n"
		    "  setTimeout(go, 2000);\n"
		    "})();</script></body></html>\n");
	pa_buf_printf(&csp, "default-src 'none'; script-src 'nonce-%s'; form-action 'self'; frame-ancestors *",
		      pa_buf_cstr(&script));
	if (pa_buf_error(&body) || pa_buf_error(&csp)) {
		ret = refuse(c->r, MHD_HTTP_INTERNAL_SERVER_ERROR, "memory", "out of memory",
			     "Passerelle cannot open the activity now", "Try again in a moment.");
		goto done;
	}
	resp = pa_http_body("text/html; charset=utf-8", &body);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Content-Security-Policy", pa_buf_cstr(&csp));
	}
	len = body.len;
	ret = pa_http_queue(c->r, MHD_HTTP_OK, resp, len);
done:
	free(text);
	json_decref(data);
	pa_buf_dispose(&id);
	pa_buf_dispose(&script);
	pa_buf_dispose(&body);
	pa_buf_dispose(&csp);
	pa_buf_dispose(&base);
	return ret;
}

/* The launch after the storage check's page: its continuation taken (single use), the binding compared. */
static enum MHD_Result resume(launch_ctx *c, const char *id)
{
	const char *value = pa_form_get(&c->form, "lti_storage_value"), *binding;
	char *data = NULL;
	json_int_t platform;
	int rc;

	if (strlen(id) > 256 || (rc = pa_store_nonce_take(&data, c->lti->store, "launch13", id)) == PA_ENOTFOUND)
		return refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "storage check unknown, expired or already used",
			      STALE_TITLE, STALE_TEXT);
	if (rc)
		return refuse(c->r, MHD_HTTP_SERVICE_UNAVAILABLE, "store", pa_error_last(),
			      "Passerelle cannot open the activity now", "Its database did not answer. Try again in a moment.");
	c->st.json = data ? json_loads(data, 0, NULL) : NULL;
	free(data);
	platform = json_integer_value(json_object_get(c->st.json, "platform"));
	binding = str_claim(c->st.json, "binding");
	c->st.nonce = str_claim(c->st.json, "nonce");
	c->st.expires = json_integer_value(json_object_get(c->st.json, "expires"));
	if (platform <= 0 || !binding || !c->st.nonce || !json_is_object(json_object_get(c->st.json, "claims")))
		return refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "storage check's stored data is unreadable",
			      STALE_TITLE, STALE_TEXT);
	if (nonempty(value) && !pa_secret_equal(value, strlen(value), binding, strlen(binding)))
		return refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "platform storage holds another browser's binding",
			      STALE_TITLE, STALE_TEXT);
	if (!nonempty(value))
		pa_debug("lti: launch: platform storage gave no binding back; the state alone authenticates");
	if ((rc = pa_store_platform_get(&c->platform, c->lti->store, (int64_t)platform)) != 0)
		return refuse(c->r, rc == PA_ENOTFOUND ? MHD_HTTP_FORBIDDEN : MHD_HTTP_SERVICE_UNAVAILABLE, "platform",
			      pa_error_last(), "This LMS is not registered with Passerelle",
			      "The LMS this launch comes from was removed from Passerelle during the sign-in.");
	c->jwt.claims = json_incref(json_object_get(c->st.json, "claims"));
	return dispatch(c);
}

static enum MHD_Result launch(launch_ctx *c)
{
	const char *token, *state, *error, *check, *sub, *cont;
	pa_buf detail = PA_BUF_INIT;
	enum MHD_Result ret;
	bool ok;
	int rc;

	if ((rc = pa_lti13_form(&c->form, c->r)) != 0)
		return refuse(c->r, rc == PA_ELIMIT ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST, "form",
			      pa_error_last(), BAD_TOKEN_TITLE, BAD_TOKEN_TEXT);
	token = pa_form_get(&c->form, "id_token");
	state = pa_form_get(&c->form, "state");
	error = pa_form_get(&c->form, "error");
	cont = pa_form_get(&c->form, "lti_continue");
	if (!nonempty(token) && nonempty(cont)) {
		ret = resume(c, cont);
		goto done;
	}
	if (!nonempty(token) && nonempty(error)) {
		/* The platform said no (OIDC Core 3.1.2.6): login_required, invalid_request... */
		pa_buf_printf(&detail, "the platform answered %s%s%s", error,
			      pa_form_get(&c->form, "error_description") ? ": " : "",
			      pa_form_get(&c->form, "error_description") ? pa_form_get(&c->form, "error_description") : "");
		ret = refuse(c->r, MHD_HTTP_FORBIDDEN, "platform", pa_buf_cstr(&detail), "The LMS did not sign you in",
			     "The LMS refused to sign you in to Passerelle. Sign in to the LMS again, then open the "
			     "activity from your course.");
		goto done;
	}
	if (!nonempty(state)) {
		ret = refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "missing", STALE_TITLE, STALE_TEXT);
		goto done;
	}
	if (!nonempty(token)) {
		ret = refuse(c->r, MHD_HTTP_BAD_REQUEST, "id_token", "missing", BAD_TOKEN_TITLE, BAD_TOKEN_TEXT);
		goto done;
	}
	if (pa_form_count(&c->form, "id_token") > 1 || pa_form_count(&c->form, "state") > 1) {
		ret = refuse(c->r, MHD_HTTP_BAD_REQUEST, "form", "id_token or state given twice", BAD_TOKEN_TITLE,
			     BAD_TOKEN_TEXT);
		goto done;
	}
	if ((ret = take_state(&ok, c, state)) != MHD_YES || !ok)
		goto done;
	if (!browser_bound(c)) {
		ret = refuse(c->r, MHD_HTTP_BAD_REQUEST, "state", "its cookie is another browser's", STALE_TITLE, STALE_TEXT);
		goto done;
	}
	if ((rc = pa_lti_cache_platform_get(&c->platform, c->lti->cache, c->st.platform_id)) != 0) {
		ret = refuse(c->r, rc == PA_ENOTFOUND ? MHD_HTTP_FORBIDDEN : MHD_HTTP_SERVICE_UNAVAILABLE, "platform",
			     pa_error_last(), "This LMS is not registered with Passerelle",
			     "The LMS this launch comes from was removed from Passerelle during the sign-in.");
		goto done;
	}
	if ((ret = verify_signature(c, token)) != MHD_YES || !c->verified)
		goto done;
	if ((check = check_claims(&detail, c)) != NULL) {
		bool deployment = !strcmp(check, "deployment_id");

		ret = refuse(c->r, deployment ? MHD_HTTP_FORBIDDEN : MHD_HTTP_UNAUTHORIZED, check, pa_buf_cstr(&detail),
			     deployment ? "This deployment is not registered with Passerelle" : BAD_TOKEN_TITLE,
			     deployment ? "The LMS launched Passerelle through a deployment an administrator has not "
					  "registered. They add it with 'passerelle platform deployment add'."
					: BAD_TOKEN_TEXT);
		goto done;
	}
	sub = str_claim(c->jwt.claims, "sub");
	if (!nonempty(sub)) {
		ret = refuse(c->r, MHD_HTTP_FORBIDDEN, "sub", "anonymous launch (no sub)", "Sign in to your LMS first",
			     "The LMS launched Passerelle without saying who you are. Passerelle keeps each "
			     "learner's progress and score, so it needs you signed in: sign in to the LMS, then "
			     "open the activity again.");
		goto done;
	}
	ret = c->st.storage && !c->st.cookie_seen ? storage_check(c) : dispatch(c);
done:
	pa_buf_dispose(&detail);
	return ret;
}

static enum MHD_Result launch_post(pa_http_request *r)
{
	launch_ctx c;
	enum MHD_Result ret;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.lti = pa_http_lti(r);
	ret = launch(&c);
	pa_jwt_dispose(&c.jwt);
	pa_store_platform_dispose(&c.platform);
	json_decref(c.st.json);
	pa_form_dispose(&c.form);
	return ret;
}

enum MHD_Result pa_lti13_launch(pa_http_request *r, pa_lti *lti, const char *rest)
{
	(void)lti;
	(void)rest;
	return pa_lti13_post(r, launch_post);
}
