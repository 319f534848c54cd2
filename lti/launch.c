/*
 * The end of every verified launch: learner, link, attempt and grade
 * target recorded, then the browser sent on (lti/launch.h).
 */
#include "lti/launch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/error.h"
#include "common/hmac.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/cache.h"
#include "runtime/player.h"
#include "runtime/store_lti.h"

#define MAC_HEX 64
#define LINK_LABEL "passerelle lti link\n"

/* HMAC-SHA256 of the label and msg, in hex: the label keeps link tokens
 * and session tokens (same key) from ever standing for each other. */
static int link_mac(char out[MAC_HEX + 1], const unsigned char *key, const char *msg, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[PA_HMAC_SHA256_BYTES];
	int rc;

	if (len > 128 - strlen(LINK_LABEL))
		return pa_error_set(PA_EINVAL, "link token: too long");
	if ((rc = pa_hmac_sha256(mac, key, PA_SESSION_KEY_BYTES, LINK_LABEL, strlen(LINK_LABEL), msg, len)) != 0)
		return rc;
	for (unsigned i = 0; i < sizeof(mac); i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[MAC_HEX] = '\0';
	return 0;
}

int pa_lti_link_token_make(pa_buf *out, const unsigned char *key, int64_t link_id, int64_t learner_id,
			   int64_t expires)
{
	char msg[80], mac[MAC_HEX + 1];
	int n, rc;

	n = snprintf(msg, sizeof(msg), "%" PRId64 ".%" PRId64 ".%" PRId64, link_id, learner_id, expires);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return pa_error_set(PA_EINVAL, "link token: out of range");
	if ((rc = link_mac(mac, key, msg, (size_t)n)) != 0)
		return rc;
	pa_buf_printf(out, "%s.%s", msg, mac);
	return pa_buf_error(out) ? pa_error_set(PA_ENOMEM, "out of memory") : 0;
}

/* One decimal field ending at '.', strictly parsed. */
static int field(int64_t *out, const char **p, int64_t min)
{
	const char *dot = strchr(*p, '.');
	char num[24];
	size_t len;

	if (!dot || (len = (size_t)(dot - *p)) == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, *p, len);
	num[len] = '\0';
	if (pa_parse_int64(out, num, min, INT64_MAX) != 0)
		return -1;
	*p = dot + 1;
	return 0;
}

int pa_lti_link_token_check(int64_t *link_id, int64_t *learner_id, const unsigned char *key, const char *token,
			    int64_t now)
{
	int64_t link, learner, expires;
	char mac[MAC_HEX + 1];
	const char *p = token;
	int rc;

	*link_id = *learner_id = 0;
	if (!token || strlen(token) > 200 || field(&link, &p, 1) || field(&learner, &p, 1) ||
	    field(&expires, &p, 0) || strlen(p) != MAC_HEX)
		return pa_error_set(PA_EPARSE, "link token: malformed");
	if ((rc = link_mac(mac, key, token, (size_t)(p - 1 - token))) != 0)
		return rc;
	if (!pa_secret_equal(mac, MAC_HEX, p, MAC_HEX))
		return pa_error_set(PA_EINVALID, "link token: wrong signature");
	if (expires <= now)
		return pa_error_set(PA_ELIMIT, "link token: expired");
	*link_id = link;
	*learner_id = learner;
	return 0;
}

/* The package a launch names: a package id, or a manifest identifier. */
static int find_package(int64_t *out, pa_store *store, const char *name)
{
	pa_store_version *list = NULL, v;
	size_t n = 0;
	int64_t id;
	int rc;

	*out = 0;
	if (pa_parse_int64(&id, name, 1, INT64_MAX) == 0 &&
	    pa_store_version_find(&v, store, id, 0) == 0) {
		pa_store_version_dispose(&v);
		*out = id;
		return 0;
	}
	if ((rc = pa_store_package_list(&list, &n, store)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(list[i].identifier, name)) {
			*out = list[i].package_id;
			break;
		}
	}
	pa_store_version_list_free(list, n);
	return *out ? 0 : pa_error_set(PA_ENOTFOUND, "no package '%s'", name);
}

static enum MHD_Result see_other(pa_http_request *r, const pa_buf *location)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);

	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, pa_buf_cstr(location));
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	}
	return pa_http_queue(r, MHD_HTTP_SEE_OTHER, resp, 0);
}

/* "fr" or "en" for the player, from a BCP 47 tag. */
static const char *player_lang(const char *locale)
{
	return locale && (locale[0] | 0x20) == 'f' && (locale[1] | 0x20) == 'r' &&
			       (locale[2] == '\0' || locale[2] == '-' || locale[2] == '_')
		       ? "fr"
		       : "en";
}

enum MHD_Result pa_lti_launch_finish(pa_http_request *r, pa_lti *lti, const pa_lti_launch *l)
{
	pa_store_lti_link in = { 0 };
	pa_store_lti_launch_in rec = { 0 };
	pa_store_lti_launch_out out = { 0 };
	const pa_store_lti_link *link = &out.link;
	pa_session_claims claims;
	pa_buf location = PA_BUF_INIT;
	int64_t package = 0, expires = (int64_t)time(NULL) + lti->session_ttl;
	enum MHD_Result ret;
	int rc;

	/* Kept a moment (lti/cache.h): a package removed since fails the record's foreign key. */
	if (l->package && !(package = pa_lti_cache_package_get(lti->cache, l->package)) &&
	    find_package(&package, lti->store, l->package) == 0)
		pa_lti_cache_package_put(lti->cache, l->package, package);
	if (l->package && !package) {
		pa_warn("lti: launch refused: package: %s", pa_error_last());
		ret = pa_lti_page_error(r, MHD_HTTP_NOT_FOUND, "Module not found",
					"This activity names a module that is not on this Passerelle server. "
					"Ask your instructor to choose the module again.");
		goto done;
	}
	in.lti_version = l->lti_version;
	in.owner_id = l->owner_id;
	in.resource_link_id = (char *)l->resource_link_id;
	in.deployment_id = (char *)l->deployment_id;
	in.context_id = (char *)l->context_id;
	in.context_title = (char *)l->context_title;
	in.title = (char *)l->link_title;
	in.package_id = package;
	in.lineitem = (char *)l->lineitem;
	in.outcome_url = (char *)l->outcome_url;
	rec.subject = l->subject;
	rec.name = l->name;
	rec.link = &in;
	rec.attempt = !l->instructor;
	rec.new_after_completion = lti->new_after_completion;
	rec.user_ref = l->user_ref && (l->lineitem || l->outcome_url) ? l->user_ref : NULL;
	rec.nonce_scope = l->nonce_scope;
	rec.nonce = l->nonce;
	rec.nonce_expires = l->nonce_expires;
	/* One transaction, one disk sync: learner, link, attempt, where scores go. */
	if ((rc = pa_store_lti_launch_record(&out, lti->store, &rec)) == PA_EEXISTS) {
		pa_warn("lti: launch refused: state: this login was already used (%s)", pa_error_last());
		ret = pa_lti_page_error(r, MHD_HTTP_BAD_REQUEST, "This launch has expired or was already used",
					"Each launch from the LMS can be used once, within minutes. Go back to your "
					"course and open the activity again.");
		goto done;
	}
	if (rc)
		goto failed;
	/* Absolute, from the base URL: behind a proxy the tool may live under a path. */
	pa_http_base_url(&location, r);
	if (l->instructor) {
		pa_buf_printf(&location, "/lti/links/%" PRId64 "?lang=%s&token=", link->id, player_lang(l->locale));
		if ((rc = pa_lti_link_token_make(&location, lti->session_key, link->id, out.learner_id, expires)) != 0)
			goto failed;
		pa_info("lti: launch: instructor %s on link %" PRId64, l->subject, link->id);
		ret = see_other(r, &location);
		goto done;
	}
	if (!link->package_id) {
		pa_warn("lti: launch refused: package: link %" PRId64 " has no module chosen", link->id);
		ret = pa_lti_page_error(r, MHD_HTTP_NOT_FOUND, "No module yet",
					"This activity is not linked to a module yet. Your instructor can choose "
					"one (Select content in the activity's settings).");
		goto done;
	}
	claims.attempt_id = out.attempt_id;
	claims.learner_id = out.learner_id;
	claims.expires = expires;
	pa_buf_printf(&location, "/play/%" PRId64 "?lang=%s&token=", out.attempt_id, player_lang(l->locale));
	if ((rc = pa_session_token_make(&location, lti->session_key, &claims)) != 0)
		goto failed;
	pa_info("lti: launch: %s on link %" PRId64 ", %s attempt %" PRId64, l->subject, link->id,
		out.new_attempt ? "new" : "their", out.attempt_id);
	ret = see_other(r, &location);
	goto done;
failed:
	pa_err("lti: launch failed: %s", pa_error_last());
	ret = pa_lti_page_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Try again in a moment",
				"Passerelle could not record this launch. Nothing was lost; open the activity again.");
done:
	pa_store_lti_link_dispose(&out.link);
	pa_buf_dispose(&location);
	return ret;
}
