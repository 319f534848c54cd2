/*
 * LTI 1.3 login: the platform's third-party initiated login (OpenID
 * Connect Core 4, 1EdTech Security Framework 5.1.1) answered with the
 * authentication request, carrying a state and a nonce of our own.
 */
#include "lti/lti13.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/cache.h"
#include "runtime/store_lti.h"

/* --- shared with lti/launch13.c --- */

/* 32 random bytes (raw[32] is padding, zero) as 43 base64url characters. */
static void put_random(pa_buf *out, const unsigned char raw[33])
{
	static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char text[44];
	size_t n = 0;

	for (size_t i = 0; i < 33; i += 3) {
		unsigned long v = (unsigned long)raw[i] << 16 | (unsigned long)raw[i + 1] << 8 | raw[i + 2];

		text[n++] = b64url[v >> 18 & 63];
		text[n++] = b64url[v >> 12 & 63];
		text[n++] = b64url[v >> 6 & 63];
		if (i + 3 < 33)
			text[n++] = b64url[v & 63];
	}
	pa_buf_put(out, text, n);
	OPENSSL_cleanse(text, sizeof(text));
}

int pa_lti13_random(pa_buf *out)
{
	unsigned char raw[33];   /* 32 bytes asked, one of padding: 11 groups of 3 */

	memset(raw, 0, sizeof(raw));
	if (RAND_bytes(raw, 32) != 1)
		return pa_error_set(PA_EIO, "lti: no random bytes from OpenSSL");
	put_random(out, raw);
	OPENSSL_cleanse(raw, sizeof(raw));
	return pa_buf_error(out);
}

/* Two values as pa_lti13_random makes them, from one draw of OpenSSL's generator (a login needs two). */
static int random_pair(pa_buf *a, pa_buf *b)
{
	unsigned char raw[64], part[33];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return pa_error_set(PA_EIO, "lti: no random bytes from OpenSSL");
	part[32] = 0;
	memcpy(part, raw, 32);
	put_random(a, part);
	memcpy(part, raw + 32, 32);
	put_random(b, part);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(part, sizeof(part));
	return pa_buf_error(a) ? pa_buf_error(a) : pa_buf_error(b);
}

typedef struct collect_ctx {
	pa_form *form;
	int rc;
} collect_ctx;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	collect_ctx *c = cls;
	pa_form_field *f;

	(void)kind;
	if (c->form->count >= PA_FORM_MAX_FIELDS) {
		c->rc = pa_error_set(PA_ELIMIT, "more than %d parameters", PA_FORM_MAX_FIELDS);
		return MHD_NO;
	}
	if (!(f = pa_array_push(&c->form->fields, &c->form->count, sizeof(*f))) || !(f->name = pa_strdup(key)) ||
	    !(f->value = pa_strdup(value ? value : ""))) {
		c->rc = PA_ENOMEM;
		return MHD_NO;
	}
	if (!pa_utf8_valid(f->value, strlen(f->value), NULL) || !pa_utf8_valid(f->name, strlen(f->name), NULL)) {
		c->rc = pa_error_set(PA_EPARSE, "a parameter is not UTF-8");
		return MHD_NO;
	}
	return MHD_YES;
}

int pa_lti13_form(pa_form *out, pa_http_request *r)
{
	collect_ctx c = { out, 0 };

	memset(out, 0, sizeof(*out));
	if (strcmp(r->method, "POST") != 0) {
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect, &c);
		if (c.rc)
			pa_form_dispose(out);
		return c.rc;
	}
	if (r->too_big || pa_buf_error(&r->body))
		return pa_error_set(PA_ELIMIT, "the form is larger than %zu bytes", PA_LTI13_FORM_MAX);
	return pa_form_parse(out, pa_buf_cstr(&r->body), r->body.len);
}

enum MHD_Result pa_lti13_post(pa_http_request *r, pa_http_body_fn finish)
{
	const char *length = pa_http_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int64_t declared;

	if ((!length || !strcmp(length, "0")) && !pa_http_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		/* Nothing will come: answer now. */
		pa_buf_clear(&r->body);
		return finish(r);
	}
	if (length && pa_parse_int64(&declared, length, 0, INT64_MAX) == 0 && (uint64_t)declared > PA_LTI13_FORM_MAX) {
		/* Said too big: refused before it comes (a chunked one is capped as it comes). */
		r->too_big = true;
		return finish(r);
	}
	return pa_http_buffer_body(r, PA_LTI13_FORM_MAX, finish);
}

/* --- login --- */

/* A login refused: the page, and the line for the admin. */
static enum MHD_Result refuse(pa_http_request *r, unsigned status, const char *check, const char *detail,
			      const char *title, const char *message)
{
	pa_warn("lti: login refused: %s: %s", check, detail);
	return pa_lti_page_error(r, status, title, message);
}

/* The origin (scheme://host[:port]) of an absolute URL; PA_EINVALID when it has none. */
static int put_origin(pa_buf *out, const char *url)
{
	const char *host = strstr(url, "://"), *end;

	if (!host || host == url)
		return pa_error_set(PA_EINVALID, "not an absolute URL");
	host += 3;
	end = host + strcspn(host, "/?#");
	if (end == host)
		return pa_error_set(PA_EINVALID, "no host");
	return pa_buf_put(out, url, (size_t)(end - url));
}

/* Is url one of ours: under base (the same origin and path prefix)? */
static bool is_ours(const char *url, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(url, base, n) && (url[n] == '\0' || url[n] == '/' || url[n] == '?');
}

/* The path of a base URL ("" for none): "https://x.org/passerelle" gives "/passerelle". */
static const char *base_path(const char *base)
{
	const char *host = strstr(base, "://");
	const char *slash = host ? strchr(host + 3, '/') : NULL;

	return slash ? slash : "";
}

static void put_param(pa_buf *out, const char *name, const char *value)
{
	pa_buf_putc(out, '&');
	pa_buf_puts(out, name);
	pa_buf_putc(out, '=');
	pa_form_encode(out, value);
}

/* The authentication request URL (Security Framework 5.1.1.2). */
static void put_auth_url(pa_buf *out, const pa_store_platform *p, const pa_form *f, const char *redirect,
			 const char *state, const char *nonce)
{
	const char *message_hint = pa_form_get(f, "lti_message_hint");

	pa_buf_puts(out, p->auth_url);
	pa_buf_puts(out, strchr(p->auth_url, '?') ? "&" : "?");
	pa_buf_puts(out, "scope=openid&response_type=id_token&response_mode=form_post&prompt=none");
	put_param(out, "client_id", p->client_id);
	put_param(out, "redirect_uri", redirect);
	put_param(out, "login_hint", pa_form_get(f, "login_hint"));
	if (message_hint)
		put_param(out, "lti_message_hint", message_hint);
	put_param(out, "state", state);
	put_param(out, "nonce", nonce);
}

/* The page that writes the state's binding into the platform's storage,
 * then goes on to the authentication request. */
static void put_storage_page(pa_buf *out, const char *script_nonce, const char *target, const char *origin,
			     const char *key, const char *value, const char *next)
{
	pa_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<title>Signing in</title></head>\n<body><main id=\"d\" data-target=\"");
	pa_buf_put_xml(out, target);
	pa_buf_puts(out, "\" data-origin=\"");
	pa_buf_put_xml(out, origin);
	pa_buf_puts(out, "\" data-key=\"");
	pa_buf_put_xml(out, key);
	pa_buf_puts(out, "\" data-value=\"");
	pa_buf_put_xml(out, value);
	pa_buf_puts(out, "\" data-next=\"");
	pa_buf_put_xml(out, next);
	pa_buf_puts(out, "\"><p>Signing in&hellip; <a href=\"");
	pa_buf_put_xml(out, next);
	pa_buf_puts(out, "\">Continue</a></p></main>\n<script nonce=\"");
	pa_buf_puts(out, script_nonce);
	/* LTI Client Side postMessages: lti.put_data to the platform's storage
	 * frame; the answer (or 2 seconds without one) moves on. */
	pa_buf_puts(out, "\">(function () {\n"
		    "  var d = document.getElementById('d').dataset, done = false, target = null;\n"
		    "  var id = 'pa-' + Date.now().toString(36) + Math.random().toString(36).slice(2);\n"
		    "  function go() { if (!done) { done = true; location.replace(d.next); } }\n"
		    "  try { target = d.target === '_parent' ? window.parent : window.parent.frames[d.target]; }\n"
		    "  catch (e) { target = null; }\n"
		    "  if (!target || target === window) return go();\n"
		    "  window.addEventListener('message', function (e) {\n"
		    "    var m = e.data || {};\n"
		    "    if (e.origin === d.origin && m.message_id === id && m.subject === 'lti.put_data.response') go();\n"
		    "  });\n"
		    "  try {\n"
		    "    target.postMessage({ subject: 'lti.put_data', message_id: id, key: d.key, value: d.value }, d.origin);\n"
		    "  } catch (e) { return go(); }\n"
		    "  setTimeout(go, 2000);\n"
		    "})();</script></body></html>\n");
}

static enum MHD_Result login(pa_http_request *r, pa_lti *lti)
{
	pa_form f = PA_FORM_INIT;
	pa_store_platform p;
	pa_buf base = PA_BUF_INIT, redirect = PA_BUF_INIT, state = PA_BUF_INIT, nonce = PA_BUF_INIT;
	pa_buf binding = PA_BUF_INIT, data = PA_BUF_INIT, url = PA_BUF_INIT, cookie = PA_BUF_INIT;
	pa_buf body = PA_BUF_INIT, csp = PA_BUF_INIT, origin = PA_BUF_INIT, key = PA_BUF_INIT, script = PA_BUF_INIT;
	const char *iss, *hint, *target, *client_id, *storage;
	int64_t ttl = pa_config_int(lti->cfg, PA_CFG_LTI_STATE_TTL);
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned status;
	size_t len;
	int rc;

	memset(&p, 0, sizeof(p));
	if ((rc = pa_lti13_form(&f, r)) != 0) {
		ret = refuse(r, rc == PA_ELIMIT ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST, "form",
			     pa_error_last(), "This sign-in request cannot be read",
			     "The LMS sent a sign-in request Passerelle cannot read. Try the link again; if it "
			     "keeps failing, tell your LMS administrator.");
		goto done;
	}
	iss = pa_form_get(&f, "iss");
	hint = pa_form_get(&f, "login_hint");
	target = pa_form_get(&f, "target_link_uri");
	client_id = pa_form_get(&f, "client_id");
	storage = pa_form_get(&f, "lti_storage_target");
	if (!iss || !*iss || !hint || !*hint || !target || !*target) {
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, "parameters",
			     !iss || !*iss ? "no iss" : !hint || !*hint ? "no login_hint" : "no target_link_uri",
			     "This sign-in request is incomplete",
			     "The LMS's sign-in request lacks the issuer, the login hint or the target link: it is "
			     "not an LTI 1.3 login. Open the activity from your course again.");
		goto done;
	}
	if (pa_form_count(&f, "iss") > 1 || pa_form_count(&f, "client_id") > 1) {
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, "parameters", "iss or client_id given twice",
			     "This sign-in request is ambiguous", "The LMS's sign-in request names its issuer twice.");
		goto done;
	}
	if ((rc = pa_lti_cache_platform_find(&p, lti->cache, iss, client_id && *client_id ? client_id : NULL)) != 0) {
		bool ours = rc == PA_ENOTFOUND || rc == PA_EINVALID;

		ret = refuse(r, ours ? MHD_HTTP_FORBIDDEN : MHD_HTTP_SERVICE_UNAVAILABLE, "platform", pa_error_last(),
			     ours ? "This LMS is not registered with Passerelle" : "Passerelle cannot sign you in now",
			     ours ? "Passerelle does not know the LMS (or the tool registration) this link comes from. "
				    "An administrator registers it with 'passerelle platform add' or dynamic "
				    "registration; the issuer and client id must match the LMS's."
				  : "Passerelle's database did not answer. Try again in a moment.");
		goto done;
	}
	pa_http_base_url(&base, r);
	if (!is_ours(target, pa_buf_cstr(&base))) {
		pa_buf why = PA_BUF_INIT;

		pa_buf_printf(&why, "target_link_uri %s is not under %s", target, pa_buf_cstr(&base));
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, "target_link_uri", pa_buf_cstr(&why),
			     "This link does not lead to Passerelle",
			     "The LMS asked to sign in for an address that is not this Passerelle's. The tool's "
			     "URLs in the LMS must be the ones 'passerelle platform add' printed (and "
			     "public_base_url must be the address the LMS uses).");
		pa_buf_dispose(&why);
		goto done;
	}
	pa_buf_printf(&redirect, "%s/lti/launch", pa_buf_cstr(&base));
	if (random_pair(&nonce, &binding) != 0) {
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "random", pa_error_last(),
			     "Passerelle cannot sign you in now", "Try again in a moment.");
		goto done;
	}
	/* What the launch needs back, signed into the state: the login writes nothing. */
	pa_buf_printf(&data, "{\"platform\":%lld,\"nonce\":", (long long)p.id);
	pa_buf_put_json(&data, pa_buf_cstr(&nonce));
	pa_buf_puts(&data, ",\"target\":");
	pa_buf_put_json(&data, target);
	pa_buf_puts(&data, ",\"binding\":");
	pa_buf_put_json(&data, pa_buf_cstr(&binding));
	/* Platform storage: where the launch asks for the binding back. */
	if (storage && *storage && put_origin(&origin, p.auth_url) == 0) {
		pa_buf_puts(&data, ",\"storage\":{\"target\":");
		pa_buf_put_json(&data, storage);
		pa_buf_puts(&data, ",\"origin\":");
		pa_buf_put_json(&data, pa_buf_cstr(&origin));
		pa_buf_puts(&data, "}}");
	} else {
		storage = NULL;
		pa_buf_puts(&data, ",\"storage\":null}");
	}
	if (pa_buf_error(&data) ||
	    pa_lti13_state_make(&state, lti->session_key, pa_buf_cstr(&data), pa_store_now_ms() + ttl * 1000) != 0) {
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "state", pa_error_last(), "Passerelle cannot sign you in now",
			     "Try again in a moment.");
		goto done;
	}
	put_auth_url(&url, &p, &f, pa_buf_cstr(&redirect), pa_buf_cstr(&state), pa_buf_cstr(&nonce));
	/* Path: the launch's, under the base URL's own path behind a proxy. */
	pa_buf_printf(&cookie, PA_LTI13_COOKIE_PREFIX "%s=%s; Path=%s/lti/; Max-Age=%lld; Secure; HttpOnly; "
		      "SameSite=None; Partitioned", pa_buf_cstr(&nonce), pa_buf_cstr(&binding),
		      base_path(pa_buf_cstr(&base)), (long long)ttl);
	if (storage && pa_lti13_random(&script) == 0) {
		pa_buf_printf(&key, PA_LTI13_STORAGE_PREFIX "%s", pa_buf_cstr(&nonce));
		put_storage_page(&body, pa_buf_cstr(&script), storage, pa_buf_cstr(&origin), pa_buf_cstr(&key),
				 pa_buf_cstr(&binding), pa_buf_cstr(&url));
		pa_buf_printf(&csp, "default-src 'none'; script-src 'nonce-%s'; frame-ancestors *", pa_buf_cstr(&script));
		status = MHD_HTTP_OK;
	} else {
		pa_buf_puts(&body, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in"
			    "</title></head><body><p><a href=\"");
		pa_buf_put_xml(&body, pa_buf_cstr(&url));
		pa_buf_puts(&body, "\">Continue</a></p></body></html>\n");
		pa_buf_puts(&csp, "default-src 'none'; frame-ancestors *");
		status = MHD_HTTP_FOUND;
	}
	if (pa_buf_error(&url) || pa_buf_error(&cookie) || pa_buf_error(&body) || pa_buf_error(&csp)) {
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "memory", "out of memory", "Passerelle cannot sign you in now",
			     "Try again in a moment.");
		goto done;
	}
	resp = pa_http_body("text/html; charset=utf-8", &body);
	if (resp) {
		if (status == MHD_HTTP_FOUND)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, pa_buf_cstr(&url));
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, pa_buf_cstr(&cookie));
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Content-Security-Policy", pa_buf_cstr(&csp));
	}
	len = body.len;
	pa_debug("lti: login for platform %lld (%s), state %.8s...", (long long)p.id, p.issuer, pa_buf_cstr(&state));
	ret = pa_http_queue(r, status, resp, len);
done:
	pa_store_platform_dispose(&p);
	pa_form_dispose(&f);
	pa_buf_dispose(&base);
	pa_buf_dispose(&redirect);
	pa_buf_dispose(&state);
	pa_buf_dispose(&nonce);
	pa_buf_dispose(&binding);
	pa_buf_dispose(&data);
	pa_buf_dispose(&url);
	pa_buf_dispose(&cookie);
	pa_buf_dispose(&body);
	pa_buf_dispose(&csp);
	pa_buf_dispose(&origin);
	pa_buf_dispose(&key);
	pa_buf_dispose(&script);
	return ret;
}

static enum MHD_Result login_post(pa_http_request *r)
{
	return login(r, pa_http_lti(r));
}

enum MHD_Result pa_lti13_login(pa_http_request *r, pa_lti *lti, const char *rest)
{
	(void)rest;
	if (!strcmp(r->method, "POST"))
		return pa_lti13_post(r, login_post);
	return login(r, lti);
}
