/* LTI Deep Linking 2.0 (lti/deeplink.h). */
#include "lti/deeplink.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/error.h"
#include "common/form.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/base64url.h"
#include "lti/dl_page.h"
#include "lti/keys.h"

#define CLAIM_MESSAGE_TYPE "https://purl.imsglobal.org/spec/lti/claim/message_type"
#define CLAIM_VERSION "https://purl.imsglobal.org/spec/lti/claim/version"
#define CLAIM_DEPLOYMENT "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
#define CLAIM_PRESENTATION "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
#define CLAIM_DL_DATA "https://purl.imsglobal.org/spec/lti-dl/claim/data"
#define CLAIM_DL_ITEMS "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
#define CLAIM_DL_MSG "https://purl.imsglobal.org/spec/lti-dl/claim/msg"

#define TOKEN_PREFIX "dl1."
/* So that no other HMAC under the session key can pass for ours. */
#define TOKEN_LABEL "passerelle deep-link v1\n"
#define MAC_BYTES 32
/* A context is a few hundred bytes; the platform's data is opaque, keep it sane. */
#define MAX_FIELD 4096
#define MAX_TOKEN 16384
#define MAX_BODY (256u * 1024)
/* The response JWT lives this long: the browser posts it at once. */
#define RESPONSE_TTL 600

void pa_lti_dl_context_dispose(pa_lti_dl_context *c)
{
	if (!c)
		return;
	free(c->issuer);
	free(c->client_id);
	free(c->deployment_id);
	free(c->return_url);
	free(c->data);
	memset(c, 0, sizeof(*c));
}

const char *pa_lti_dl_lang(const char *locale)
{
	if (locale && tolower((unsigned char)locale[0]) == 'f' && tolower((unsigned char)locale[1]) == 'r' &&
	    (locale[2] == '\0' || locale[2] == '-' || locale[2] == '_'))
		return "fr";
	return "en";
}

static bool is_web_url(const char *s)
{
	return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)) && strlen(s) <= MAX_FIELD &&
	       !strpbrk(s, " \t\r\n\"<>");
}

static int dup_field(char **out, const char *s)
{
	if (!s)
		return 0;
	if (!(*out = pa_strdup(s)))
		return pa_error_set(PA_ENOMEM, "out of memory");
	return 0;
}

int pa_lti_dl_context_from_claims(pa_lti_dl_context *out, const pa_store_platform *platform, const json_t *claims)
{
	const json_t *settings = json_object_get(claims, PA_LTI_DL_SETTINGS), *types, *t, *data, *multi;
	const char *deployment = json_string_value(json_object_get(claims, CLAIM_DEPLOYMENT));
	const char *ret = json_string_value(json_object_get(settings, "deep_link_return_url"));
	const char *locale = json_string_value(json_object_get(json_object_get(claims, CLAIM_PRESENTATION), "locale"));
	bool resource_link = false;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(settings))
		return pa_error_set(PA_EINVALID, "no deep_linking_settings claim");
	if (!deployment || !*deployment || strlen(deployment) > 255)
		return pa_error_set(PA_EINVALID, "no deployment_id claim");
	if (!is_web_url(ret))
		return pa_error_set(PA_EINVALID, "deep_link_return_url is missing or not an http(s) URL");
	types = json_object_get(settings, "accept_types");
	json_array_foreach(types, i, t)
		if (json_is_string(t) && !strcmp(json_string_value(t), "ltiResourceLink"))
			resource_link = true;
	if (!resource_link)
		return pa_error_set(PA_EINVALID, "accept_types does not include ltiResourceLink, the only type we offer");
	data = json_object_get(settings, "data");
	if (data && !json_is_null(data) && (!json_is_string(data) || strlen(json_string_value(data)) > MAX_FIELD))
		return pa_error_set(PA_EINVALID, "data is not a string of at most %d bytes", MAX_FIELD);
	multi = json_object_get(settings, "accept_multiple");
	if (multi && !json_is_boolean(multi))
		return pa_error_set(PA_EINVALID, "accept_multiple is not a boolean");
	out->platform_id = platform->id;
	out->accept_multiple = multi && json_is_true(multi);
	memcpy(out->lang, pa_lti_dl_lang(locale), 3);
	if ((rc = dup_field(&out->issuer, platform->issuer)) != 0 ||
	    (rc = dup_field(&out->client_id, platform->client_id)) != 0 ||
	    (rc = dup_field(&out->deployment_id, deployment)) != 0 || (rc = dup_field(&out->return_url, ret)) != 0 ||
	    (rc = dup_field(&out->data, json_string_value(data))) != 0)
		pa_lti_dl_context_dispose(out);
	return rc;
}

/* --- the token --- */

static int mac(unsigned char out[MAC_BYTES], const unsigned char *key, const char *payload, size_t len)
{
	pa_buf msg = PA_BUF_INIT;
	unsigned int n = 0;
	int ok;

	pa_buf_puts(&msg, TOKEN_LABEL);
	pa_buf_put(&msg, payload, len);
	ok = !pa_buf_error(&msg) && HMAC(EVP_sha256(), key, PA_SESSION_KEY_BYTES, (const unsigned char *)msg.ptr,
					 msg.len, out, &n) && n == MAC_BYTES;
	pa_buf_dispose(&msg);
	return ok ? 0 : pa_error_set(PA_ERROR, "HMAC-SHA256 failed");
}

int pa_lti_dl_token_make(pa_buf *out, const unsigned char *key, const pa_lti_dl_context *c)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char m[MAC_BYTES];
	json_t *obj;
	char *text = NULL;
	size_t start = out->len, payload;
	int rc = 0;

	obj = json_pack("{sI ss ss ss ss ss? sb ss sI}", "p", (json_int_t)c->platform_id, "iss", c->issuer, "aud",
			c->client_id, "dep", c->deployment_id, "ret", c->return_url, "data",
			c->data, "multi", c->accept_multiple, "lang", c->lang, "exp",
			(json_int_t)c->expires);
	if (!obj || !(text = json_dumps(obj, JSON_COMPACT))) {
		rc = pa_error_set(PA_ENOMEM, "deep link token: out of memory (or a field is not UTF-8)");
		goto done;
	}
	pa_buf_puts(out, TOKEN_PREFIX);
	payload = out->len;
	if ((rc = pa_b64url_encode(out, text, strlen(text))) != 0)
		goto done;
	if ((rc = mac(m, key, out->ptr + payload, out->len - payload)) != 0)
		goto done;
	pa_buf_putc(out, '.');
	for (size_t i = 0; i < MAC_BYTES; i++) {
		pa_buf_putc(out, hex[m[i] >> 4]);
		pa_buf_putc(out, hex[m[i] & 15]);
	}
	rc = pa_buf_error(out);
done:
	if (rc && out->len >= start)
		pa_buf_truncate(out, start);
	json_decref(obj);
	free(text);
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int take_string(char **out, const json_t *obj, const char *name, bool optional)
{
	const json_t *v = json_object_get(obj, name);

	if (optional && (!v || json_is_null(v)))
		return 0;
	if (!json_is_string(v))
		return pa_error_set(PA_EPARSE, "deep link token: no %s", name);
	return dup_field(out, json_string_value(v));
}

int pa_lti_dl_token_check(pa_lti_dl_context *out, const unsigned char *key, const char *token, int64_t now)
{
	unsigned char want[MAC_BYTES], got[MAC_BYTES];
	const char *payload, *dot;
	unsigned char *json = NULL;
	size_t json_len = 0;
	json_t *obj = NULL;
	const char *lang;
	size_t len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) > MAX_TOKEN || strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0)
		return pa_error_set(PA_EPARSE, "not a deep link token");
	payload = token + strlen(TOKEN_PREFIX);
	if (!(dot = strchr(payload, '.')) || strlen(dot + 1) != 2 * MAC_BYTES)
		return pa_error_set(PA_EPARSE, "deep link token: malformed");
	len = (size_t)(dot - payload);
	for (size_t i = 0; i < MAC_BYTES; i++) {
		int hi = hexval(dot[1 + 2 * i]), lo = hexval(dot[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return pa_error_set(PA_EPARSE, "deep link token: malformed signature");
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	if ((rc = mac(want, key, payload, len)) != 0)
		return rc;
	if (CRYPTO_memcmp(want, got, MAC_BYTES) != 0)
		return pa_error_set(PA_EINVALID, "deep link token: bad signature");
	/* Signed by us: what follows can only fail on our own bugs. */
	if ((rc = pa_b64url_decode(&json, &json_len, payload, len)) != 0)
		goto done;
	if (!(obj = json_loadb((const char *)json, json_len, JSON_REJECT_DUPLICATES, NULL)) ||
	    !json_is_integer(json_object_get(obj, "p")) || !json_is_integer(json_object_get(obj, "exp")) ||
	    !json_is_boolean(json_object_get(obj, "multi")) ||
	    !(lang = json_string_value(json_object_get(obj, "lang"))) || strlen(lang) != 2) {
		rc = pa_error_set(PA_EPARSE, "deep link token: malformed context");
		goto done;
	}
	out->platform_id = json_integer_value(json_object_get(obj, "p"));
	out->expires = json_integer_value(json_object_get(obj, "exp"));
	out->accept_multiple = json_is_true(json_object_get(obj, "multi"));
	memcpy(out->lang, lang, 3);
	if ((rc = take_string(&out->issuer, obj, "iss", false)) != 0 ||
	    (rc = take_string(&out->client_id, obj, "aud", false)) != 0 ||
	    (rc = take_string(&out->deployment_id, obj, "dep", false)) != 0 ||
	    (rc = take_string(&out->return_url, obj, "ret", false)) != 0 ||
	    (rc = take_string(&out->data, obj, "data", true)) != 0)
		goto done;
	if (out->expires <= now)
		rc = pa_error_set(PA_ELIMIT, "deep link token: expired");
done:
	if (rc)
		pa_lti_dl_context_dispose(out);
	json_decref(obj);
	free(json);
	return rc;
}

/* --- the response --- */

int pa_lti_dl_response_claims(json_t **out, const pa_lti_dl_context *c, const pa_store_version *items, size_t count,
			      int64_t now)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	char nonce[33];
	json_t *claims = NULL, *list = NULL;
	pa_buf text = PA_BUF_INIT;
	int rc = 0;

	*out = NULL;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return pa_error_set(PA_ERROR, "the random number generator failed");
	for (size_t i = 0; i < sizeof(raw); i++) {
		nonce[2 * i] = hex[raw[i] >> 4];
		nonce[2 * i + 1] = hex[raw[i] & 15];
	}
	nonce[32] = '\0';
	if (!(list = json_array())) {
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		const pa_store_version *v = &items[i];
		const char *title = v->title && *v->title ? v->title : v->identifier;
		json_t *item;

		pa_buf_clear(&text);
		pa_buf_printf(&text, "SCORM %s module (%s)", v->scorm_version ? v->scorm_version : "", v->identifier);
		item = json_pack("{ss ss ss s{ss} s{si ss ss}}", "type", "ltiResourceLink", "title", title, "text",
				 pa_buf_cstr(&text), "custom", "package", v->identifier, "lineItem", "scoreMaximum",
				 100, "label", title, "resourceId", v->identifier);
		if (!item || json_array_append_new(list, item) != 0) {
			rc = pa_error_set(PA_ENOMEM, "deep linking response: out of memory (or a title is not UTF-8)");
			goto done;
		}
	}
	claims = json_pack("{ss ss sI sI ss ss ss ss}", "iss", c->client_id, "aud", c->issuer, "iat", (json_int_t)now,
			   "exp", (json_int_t)(now + RESPONSE_TTL), "nonce", nonce, CLAIM_DEPLOYMENT, c->deployment_id,
			   CLAIM_MESSAGE_TYPE, "LtiDeepLinkingResponse", CLAIM_VERSION, "1.3.0");
	if (!claims || (c->data && json_object_set_new(claims, CLAIM_DL_DATA, json_string(c->data)) != 0) ||
	    json_object_set(claims, CLAIM_DL_ITEMS, list) != 0) {
		rc = pa_error_set(PA_ENOMEM, "deep linking response: out of memory");
		goto done;
	}
	*out = claims;
	claims = NULL;
done:
	json_decref(claims);
	json_decref(list);
	pa_buf_dispose(&text);
	return rc;
}

/* --- the pages --- */

typedef struct words {
	const char *title, *intro_one, *intro_many, *search, *search_button, *add, *empty, *no_match, *none_chosen,
		*only_one, *identifier, *sending, *send, *problem, *restart;
} words;

static const words english = {
	"Choose modules",
	"Choose the module to add to your course.",
	"Choose one or more modules to add to your course.",
	"Search the catalogue",
	"Search",
	"Add to the course",
	"No module has been imported into Passerelle yet: ask your Passerelle administrator.",
	"No module matches your search.",
	"Choose at least one module.",
	"Choose one module only: this activity takes one.",
	"Identifier",
	"Sending your choice to the course…",
	"Continue",
	"This choice cannot be made",
	"Close this window and press \"Select content\" again in the course.",
};

static const words french = {
	"Choisir des modules",
	"Choisissez le module à ajouter à votre cours.",
	"Choisissez un ou plusieurs modules à ajouter à votre cours.",
	"Rechercher dans le catalogue",
	"Rechercher",
	"Ajouter au cours",
	"Aucun module n’a encore été importé dans Passerelle : adressez-vous à votre administrateur Passerelle.",
	"Aucun module ne correspond à votre recherche.",
	"Choisissez au moins un module.",
	"Choisissez un seul module : cette activité n’en accepte qu’un.",
	"Identifiant",
	"Envoi de votre choix au cours…",
	"Continuer",
	"Ce choix ne peut pas être fait",
	"Fermez cette fenêtre et cliquez de nouveau sur « Sélectionner un contenu » dans le cours.",
};

static const words *words_of(const char *lang)
{
	return !strcmp(lang, "fr") ? &french : &english;
}

/* A page for the instructor saying what went wrong, and a log line. */
static enum MHD_Result refuse(pa_http_request *r, unsigned status, const char *lang, const char *why)
{
	const words *w = words_of(lang);
	pa_lti_dl_page page;

	pa_warn("lti deep link: refused: %s", why);
	pa_lti_dl_page_begin(&page, lang, w->problem);
	pa_buf_puts(&page.body, "<h1>");
	pa_buf_put_xml(&page.body, w->problem);
	pa_buf_puts(&page.body, "</h1>\n<p class=\"note bad\">");
	pa_buf_put_xml(&page.body, why);
	pa_buf_puts(&page.body, "</p>\n<p>");
	pa_buf_put_xml(&page.body, w->restart);
	pa_buf_puts(&page.body, "</p>\n");
	return pa_lti_dl_page_send(r, &page, status);
}

/* Case-insensitive (ASCII) substring; an empty needle matches. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

static bool is_selected(int64_t id, const int64_t *selected, size_t nselected)
{
	for (size_t i = 0; i < nselected; i++)
		if (selected[i] == id)
			return true;
	return false;
}

/* The filter, with script: every item whose text does not hold the words is hidden. */
static const char filter_script[] =
	"(function(){var q=document.getElementById('q'),items=document.querySelectorAll('ul.items li'),"
	"none=document.getElementById('nomatch');"
	"function fold(s){return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g,'').toLowerCase();}"
	"function run(){var words=fold(q.value).split(/\\s+/).filter(Boolean),shown=0;"
	"items.forEach(function(li){var t=fold(li.textContent),ok=words.every(function(w){return t.indexOf(w)>=0;})"
	"||li.querySelector('input').checked;li.hidden=!ok;if(ok)shown++;});"
	"if(none)none.hidden=shown>0||items.length===0;}"
	"q.addEventListener('input',run);})();";

static enum MHD_Result catalogue(pa_http_request *r, pa_lti *lti, const char *token, const pa_lti_dl_context *c,
				 const char *q, const int64_t *selected, size_t nselected, const char *message)
{
	const words *w = words_of(c->lang);
	pa_store_version *list = NULL;
	size_t count = 0, shown = 0;
	pa_buf action = PA_BUF_INIT;
	pa_lti_dl_page page;
	int rc;

	if ((rc = pa_store_package_list(&list, &count, lti->store)) != 0) {
		pa_err("lti deep link: the catalogue cannot be read: %s", pa_error_last());
		return refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, c->lang, pa_error_last());
	}
	pa_lti_dl_page_begin(&page, c->lang, w->title);
	pa_buf_puts(&page.body, "<h1>");
	pa_buf_put_xml(&page.body, w->title);
	pa_buf_puts(&page.body, "</h1>\n<p>");
	pa_buf_put_xml(&page.body, c->accept_multiple ? w->intro_many : w->intro_one);
	pa_buf_puts(&page.body, "</p>\n");
	if (message) {
		pa_buf_puts(&page.body, "<p class=\"note bad\" role=\"alert\">");
		pa_buf_put_xml(&page.body, message);
		pa_buf_puts(&page.body, "</p>\n");
	}
	pa_buf_puts(&page.body, "<form method=\"post\" action=\"");
	pa_http_base_url(&action, r);
	pa_buf_puts(&action, "/lti/deep-link");
	pa_buf_put_xml(&page.body, pa_buf_cstr(&action));
	pa_buf_dispose(&action);
	pa_buf_puts(&page.body, "\">\n<input type=\"hidden\" name=\"token\" value=\"");
	pa_buf_put_xml(&page.body, token);
	pa_buf_puts(&page.body, "\">\n<div class=\"search\" role=\"search\"><label for=\"q\">");
	pa_buf_put_xml(&page.body, w->search);
	pa_buf_puts(&page.body, "</label> <input type=\"search\" id=\"q\" name=\"q\" value=\"");
	pa_buf_put_xml(&page.body, q);
	pa_buf_puts(&page.body, "\"> <button type=\"submit\" class=\"secondary\" name=\"action\" value=\"search\">");
	pa_buf_put_xml(&page.body, w->search_button);
	pa_buf_puts(&page.body, "</button></div>\n<fieldset><legend>");
	pa_buf_put_xml(&page.body, w->title);
	pa_buf_puts(&page.body, "</legend>\n<ul class=\"items\">\n");
	for (size_t i = 0; i < count; i++) {
		const pa_store_version *v = &list[i];
		bool sel = is_selected(v->package_id, selected, nselected);

		/* A search keeps what was ticked: a choice must not vanish from view. */
		if (!sel && !contains(v->title, q) && !contains(v->identifier, q))
			continue;
		shown++;
		pa_buf_printf(&page.body, "<li><label><input type=\"%s\" name=\"package\" value=\"%" PRId64 "\"%s>"
			      "<span><strong>", c->accept_multiple ? "checkbox" : "radio", v->package_id,
			      sel ? " checked" : "");
		pa_buf_put_xml(&page.body, v->title && *v->title ? v->title : v->identifier);
		pa_buf_puts(&page.body, "</strong><br><span class=\"meta\">");
		pa_buf_put_xml(&page.body, w->identifier);
		pa_buf_puts(&page.body, c->lang[0] == 'f' ? "\u00a0: " : ": ");
		pa_buf_put_xml(&page.body, v->identifier);
		pa_buf_puts(&page.body, " · SCORM ");
		pa_buf_put_xml(&page.body, v->scorm_version ? v->scorm_version : "");
		pa_buf_puts(&page.body, "</span></span></label></li>\n");
	}
	pa_buf_puts(&page.body, "</ul>\n");
	pa_buf_printf(&page.body, "<p id=\"nomatch\"%s>", shown || !count ? " hidden" : "");
	pa_buf_put_xml(&page.body, w->no_match);
	pa_buf_puts(&page.body, "</p>\n");
	if (!count) {
		pa_buf_puts(&page.body, "<p class=\"note\">");
		pa_buf_put_xml(&page.body, w->empty);
		pa_buf_puts(&page.body, "</p>\n");
	}
	pa_buf_puts(&page.body, "</fieldset>\n<p><button type=\"submit\" name=\"action\" value=\"select\" id=\"add\">");
	pa_buf_put_xml(&page.body, w->add);
	pa_buf_puts(&page.body, "</button></p>\n</form>\n");
	pa_buf_printf(&page.body, "<script nonce=\"%s\">%s</script>\n", page.nonce, filter_script);
	pa_store_version_list_free(list, count);
	return pa_lti_dl_page_send(r, &page, MHD_HTTP_OK);
}

enum MHD_Result pa_lti_deep_link_request(pa_http_request *r, pa_lti *lti, const pa_store_platform *platform,
					 const json_t *claims)
{
	const char *type = json_string_value(json_object_get(claims, CLAIM_MESSAGE_TYPE));
	const json_t *presentation = json_object_get(claims, CLAIM_PRESENTATION);
	const char *lang = pa_lti_dl_lang(json_string_value(json_object_get(presentation, "locale")));
	pa_lti_dl_context c;
	pa_buf token = PA_BUF_INIT;
	enum MHD_Result ret;

	if (!type || strcmp(type, "LtiDeepLinkingRequest") != 0)
		return refuse(r, MHD_HTTP_BAD_REQUEST, lang, "not a deep linking request");
	if (pa_lti_dl_context_from_claims(&c, platform, claims) != 0) {
		pa_buf why = PA_BUF_INIT;

		pa_buf_printf(&why, "the platform's deep linking request is unusable: %s", pa_error_last());
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, lang, pa_buf_cstr(&why));
		pa_buf_dispose(&why);
		return ret;
	}
	c.expires = (int64_t)time(NULL) + PA_LTI_DL_TOKEN_TTL;
	if (pa_lti_dl_token_make(&token, lti->session_key, &c) != 0)
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, c.lang, pa_error_last());
	else
		ret = catalogue(r, lti, token.ptr, &c, "", NULL, 0, NULL);
	pa_info("lti deep link: catalogue for platform %" PRId64 " deployment %s", c.platform_id, c.deployment_id);
	pa_lti_dl_context_dispose(&c);
	pa_buf_dispose(&token);
	return ret;
}

/* The page that carries the signed response to the platform. */
static enum MHD_Result send_response(pa_http_request *r, const pa_lti_dl_context *c, const char *jwt)
{
	const words *w = words_of(c->lang);
	pa_lti_dl_page page;

	pa_lti_dl_page_begin(&page, c->lang, w->sending);
	pa_buf_puts(&page.body, "<h1>");
	pa_buf_put_xml(&page.body, w->sending);
	pa_buf_puts(&page.body, "</h1>\n<form method=\"post\" id=\"answer\" action=\"");
	pa_buf_put_xml(&page.body, c->return_url);
	pa_buf_puts(&page.body, "\"><input type=\"hidden\" name=\"JWT\" value=\"");
	pa_buf_put_xml(&page.body, jwt);
	pa_buf_puts(&page.body, "\"><noscript><button type=\"submit\">");
	pa_buf_put_xml(&page.body, w->send);
	pa_buf_printf(&page.body, "</button></noscript></form>\n<script nonce=\"%s\">"
		      "document.getElementById('answer').submit();</script>\n", page.nonce);
	return pa_lti_dl_page_send(r, &page, MHD_HTTP_OK);
}

/* Answer the instructor's choice: the versions of the chosen packages, signed back. */
static enum MHD_Result select_items(pa_http_request *r, pa_lti *lti, const char *token, const pa_lti_dl_context *c,
				    const char *q, const int64_t *ids, size_t n)
{
	const words *w = words_of(c->lang);
	pa_store_version *items = NULL;
	pa_store_platform platform = { 0 };
	json_t *claims = NULL;
	pa_buf jwt = PA_BUF_INIT;
	enum MHD_Result ret;
	size_t got = 0;
	int rc;

	if (n == 0)
		return catalogue(r, lti, token, c, q, ids, n, w->none_chosen);
	if (n > 1 && !c->accept_multiple)
		return catalogue(r, lti, token, c, q, ids, n, w->only_one);
	/* The platform as it is now: removed, registered again or its deployment gone, the request is void. */
	if ((rc = pa_store_platform_get(&platform, lti->store, c->platform_id)) != 0 ||
	    strcmp(platform.issuer, c->issuer) != 0 || strcmp(platform.client_id, c->client_id) != 0 ||
	    pa_store_deployment_check(lti->store, platform.id, c->deployment_id) != 0) {
		pa_store_platform_dispose(&platform);
		return refuse(r, MHD_HTTP_FORBIDDEN, c->lang, "the platform of this request is no longer registered");
	}
	pa_store_platform_dispose(&platform);
	if (!(items = calloc(n, sizeof(*items)))) {
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, c->lang, "out of memory");
		goto done;
	}
	for (; got < n; got++) {
		if ((rc = pa_store_version_find(&items[got], lti->store, ids[got], 0)) != 0) {
			pa_buf why = PA_BUF_INIT;

			pa_buf_printf(&why, "module %" PRId64 ": %s", ids[got], pa_error_last());
			ret = refuse(r, rc == PA_ENOTFOUND ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
				     c->lang, pa_buf_cstr(&why));
			pa_buf_dispose(&why);
			goto done;
		}
	}
	if (pa_lti_dl_response_claims(&claims, c, items, n, (int64_t)time(NULL)) != 0 ||
	    pa_lti_keyring_sign(&jwt, lti->keys, claims) != 0) {
		pa_err("lti deep link: the response cannot be signed: %s", pa_error_last());
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, c->lang, pa_error_last());
		goto done;
	}
	pa_info("lti deep link: %zu item(s) sent to platform %" PRId64 " deployment %s", n, c->platform_id,
		c->deployment_id);
	ret = send_response(r, c, jwt.ptr);
done:
	for (size_t i = 0; i < got; i++)
		pa_store_version_dispose(&items[i]);
	free(items);
	json_decref(claims);
	pa_buf_dispose(&jwt);
	return ret;
}

static enum MHD_Result finish(pa_http_request *r)
{
	pa_lti *lti = pa_http_lti(r);
	pa_form form = PA_FORM_INIT;
	pa_lti_dl_context c = { 0 };
	int64_t *ids = NULL;
	size_t n = 0;
	const char *token, *action, *q;
	enum MHD_Result ret;
	int rc = 0;

	if (pa_buf_error(&r->body)) {
		ret = refuse(r, MHD_HTTP_CONTENT_TOO_LARGE, "en", "the form is too large");
		goto done;
	}
	if (pa_form_parse(&form, pa_buf_cstr(&r->body), r->body.len) != 0) {
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, "en", pa_error_last());
		goto done;
	}
	token = pa_form_get(&form, "token");
	if (pa_form_count(&form, "token") != 1 ||
	    (rc = pa_lti_dl_token_check(&c, lti->session_key, token, (int64_t)time(NULL))) != 0) {
		ret = refuse(r, MHD_HTTP_FORBIDDEN, "en",
			     pa_form_count(&form, "token") != 1 ? "the form has no request token"
			     : rc == PA_ELIMIT ? "this page has expired"
						: "the form was altered: its request token is not ours");
		goto done;
	}
	action = pa_form_get(&form, "action");
	q = pa_form_get(&form, "q");
	if (!q || strlen(q) > 200)
		q = "";
	if (!(ids = calloc(form.count ? form.count : 1, sizeof(*ids)))) {
		ret = refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, c.lang, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < form.count; i++) {
		int64_t id;

		if (strcmp(form.fields[i].name, "package") != 0)
			continue;
		if (pa_parse_int64(&id, form.fields[i].value, 1, INT64_MAX) != 0) {
			ret = refuse(r, MHD_HTTP_BAD_REQUEST, c.lang, "a chosen module is not a module number");
			goto done;
		}
		if (!is_selected(id, ids, n))
			ids[n++] = id;
	}
	if (action && !strcmp(action, "select"))
		ret = select_items(r, lti, token, &c, q, ids, n);
	else
		ret = catalogue(r, lti, token, &c, q, ids, n, NULL);
done:
	free(ids);
	pa_lti_dl_context_dispose(&c);
	pa_form_dispose(&form);
	return ret;
}

enum MHD_Result pa_lti_deep_link_post(pa_http_request *r, pa_lti *lti, const char *rest)
{
	(void)lti;
	(void)rest;
	return pa_http_buffer_body(r, MAX_BODY, finish);
}
