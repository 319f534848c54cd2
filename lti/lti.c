/* The LTI state of a server, and the dispatch of /lti/ requests. */
#include "lti/internal.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/outbox.h"
#include "lti/jwks.h"
#include "lti/keys.h"
#include "lti/cache.h"

int pa_lti_new(pa_lti **out, const pa_config *cfg, pa_store *store, const char *data_dir)
{
	pa_lti *lti;
	int rc = 0;

	*out = NULL;
	if (!(lti = calloc(1, sizeof(*lti))))
		return pa_error_set(PA_ENOMEM, "lti: out of memory");
	lti->cfg = cfg;
	lti->store = store;
	lti->data_dir = data_dir;
	lti->session_ttl = pa_config_int(cfg, PA_CFG_SESSION_TTL);
	lti->new_after_completion = pa_config_bool(cfg, PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION);
	if ((rc = pa_session_key_load(lti->session_key, data_dir)) != 0)
		goto done;
	/* --- LTI 1.3: our keys and the platforms' --- */
	if ((rc = pa_lti_keyring_new(&lti->keys, store, pa_config_int(cfg, PA_CFG_LTI_KEY_GRACE))) != 0 ||
	    (rc = pa_lti_jwks_cache_new(&lti->jwks, pa_config_int(cfg, PA_CFG_LTI_JWKS_CACHE_TTL),
					(long)pa_config_int(cfg, PA_CFG_LTI_HTTP_TIMEOUT),
					pa_config_bool(cfg, PA_CFG_LTI_ALLOW_HTTP))) != 0)
		goto done;
	/* --- lti-perf --- */
	if ((rc = pa_lti_cache_new(&lti->cache, store, PA_LTI_CACHE_TTL_MS)) != 0)
		goto done;
done:
	if (rc)
		pa_lti_free(lti);
	else
		*out = lti;
	return rc;
}

int pa_lti_start(pa_lti *lti)
{
	return pa_lti_grades_start(lti);   /* --- grade delivery --- */
}

void pa_lti_free(pa_lti *lti)
{
	if (!lti)
		return;
	pa_lti_grades_stop(lti);   /* --- grade delivery: first, it uses the rest --- */
	OPENSSL_cleanse(lti->session_key, sizeof(lti->session_key));
	/* --- LTI 1.3: our keys and the platforms' --- */
	pa_lti_keyring_free(lti->keys);
	pa_lti_jwks_cache_free(lti->jwks);
	pa_lti_cache_free(lti->cache);   /* --- lti-perf --- */
	free(lti);
}

/* Does the route's Allow list name method (HEAD goes with GET)? */
static bool allows(const char *methods, const char *method)
{
	size_t n = strlen(method);

	if (!strcmp(method, "HEAD"))
		return allows(methods, "GET");
	for (const char *p = methods; (p = strstr(p, method)) != NULL; p += n)
		if ((p == methods || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

enum MHD_Result pa_lti_route(pa_http_request *r, pa_lti *lti, const char *url, const char *method)
{
	if (!strcmp(url, "/.well-known/jwks.json"))
		url = "/lti/jwks";
	for (const pa_lti_route_entry *e = pa_lti_routes; e->path; e++) {
		size_t n = strlen(e->path);
		bool prefix = e->path[n - 1] == '/';

		if (prefix ? strncmp(url, e->path, n) != 0 : strcmp(url, e->path) != 0)
			continue;
		if (!allows(e->methods, method)) {
			pa_buf body = PA_BUF_INIT;
			struct MHD_Response *resp;
			size_t len;

			pa_buf_puts(&body, "{\"error\":\"method not allowed\"}\n");
			resp = pa_http_body("application/json", &body);
			if (resp)
				MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, e->methods);
			len = body.len;
			pa_buf_dispose(&body);
			return pa_http_queue(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp, len);
		}
		return e->handle(r, lti, prefix ? url + n : "");
	}
	return pa_http_error(r, MHD_HTTP_NOT_FOUND, "not found");
}

enum MHD_Result pa_lti_page_error(pa_http_request *r, unsigned status, const char *title, const char *message)
{
	pa_buf body = PA_BUF_INIT;
	struct MHD_Response *resp;
	size_t len;

	pa_buf_puts(&body, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	pa_buf_put_xml(&body, title);
	pa_buf_puts(&body, "</title></head>\n<body><main><h1>");
	pa_buf_put_xml(&body, title);
	pa_buf_puts(&body, "</h1>\n<p>");
	pa_buf_put_xml(&body, message);
	pa_buf_puts(&body, "</p></main></body></html>\n");
	resp = pa_http_body("text/html; charset=utf-8", &body);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors *");
	}
	len = body.len;
	pa_buf_dispose(&body);
	return pa_http_queue(r, status, resp, len);
}
