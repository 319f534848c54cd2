/*
 * POST /lti/11/launch: an LTI 1.1 basic launch, signed with OAuth 1.0a by
 * a consumer registered with `passerelle consumer add`. Checked in order:
 * the message, the consumer, the timestamp, the signature, the nonce (only
 * a signed request may spend one), the link and the user; then the launch
 * is recorded like any other (lti/launch.h).
 */
#include "lti/lti11.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/error.h"
#include "common/form.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/launch.h"
#include "lti/oauth1.h"
#include "runtime/store_lti.h"

/* The largest launch form we read: Moodle's are a few KiB. */
#define LAUNCH_MAX_BODY ((size_t)64 * 1024)

/* Where consumers post (lti/routes.c): signed with the base URL in front. */
#define LAUNCH_PATH "/lti/11/launch"

/* Untrusted text for a log line: at most 80 bytes, control characters as '?'. */
static const char *loggable(char out[96], const char *s)
{
	size_t n = 0;

	if (!s)
		return "(none)";
	for (; *s && n < 80; s++)
		out[n++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	if (*s) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* Refuse the launch: a page for the learner, a line for the admin naming the check. */
static enum MHD_Result refuse(pa_http_request *r, const char *key, unsigned status, const char *check,
			      const char *detail, const char *message)
{
	char a[96], b[96];

	pa_warn("lti11: launch refused (%s): %s; consumer %s from %s", check, detail, loggable(a, key),
		loggable(b, r->fwd.client));
	return pa_lti_page_error(r, status, "This activity could not be opened", message);
}

/* One role of a roles list: "Instructor", "urn:lti:role:ims/lis/Instructor/TeachingAssistant",
 * or an LTI 1.3 vocabulary URI; true for those who teach there. */
static bool role_teaches(const char *role, size_t len)
{
	static const char *const prefixes[] = {
		"urn:lti:role:ims/lis/", "urn:lti:instrole:ims/lis/", "urn:lti:sysrole:ims/lis/",
	};
	static const char *const teaching[] = {
		"Instructor", "Administrator", "ContentDeveloper", "TeachingAssistant", "SysAdmin",
	};
	const char *hash = memchr(role, '#', len), *slash;

	if (hash) {   /* http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor */
		len -= (size_t)(hash + 1 - role);
		role = hash + 1;
	}
	for (size_t i = 0; i < PA_ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (len >= n && !strncasecmp(role, prefixes[i], n)) {
			role += n;
			len -= n;
			break;
		}
	}
	if ((slash = memchr(role, '/', len)) != NULL)  /* Instructor/TeachingAssistant: a kind of Instructor */
		len = (size_t)(slash - role);
	for (size_t i = 0; i < PA_ARRAY_SIZE(teaching); i++)
		if (strlen(teaching[i]) == len && !strncasecmp(role, teaching[i], len))
			return true;
	return false;
}

static bool roles_teach(const char *roles)
{
	const char *p = roles;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		const char *s = p, *e = p + len;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s && role_teaches(s, (size_t)(e - s)))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

static const char *nonempty(const pa_form *f, const char *name)
{
	const char *v = pa_form_get(f, name);

	return v && *v ? v : NULL;
}

/* The query's arguments, decoded by the server, as parameters. */
typedef struct query_read {
	pa_form form;
	bool bad;
} query_read;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	query_read *q = cls;
	pa_form_field *f;

	(void)kind;
	if (!value)
		value = "";
	if (q->form.count >= PA_FORM_MAX_FIELDS || !pa_utf8_valid(key, strlen(key), NULL) ||
	    !pa_utf8_valid(value, strlen(value), NULL) ||
	    !(f = pa_array_push(&q->form.fields, &q->form.count, sizeof(*f)))) {
		q->bad = true;
		return MHD_NO;
	}
	if (!(f->name = pa_strdup(key)) || !(f->value = pa_strdup(value))) {
		q->bad = true;
		return MHD_NO;
	}
	return MHD_YES;
}

static int read_query(pa_form *out, pa_http_request *r)
{
	query_read q = { PA_FORM_INIT, false };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	if (q.bad) {
		pa_form_dispose(&q.form);
		return pa_error_set(PA_EPARSE, "the query string is not readable (too many arguments, or not UTF-8)");
	}
	*out = q.form;
	return 0;
}

static enum MHD_Result launch_finish(pa_http_request *r);

enum MHD_Result pa_lti11_launch(pa_http_request *r, pa_lti *lti, const char *rest)
{
	const char *type = pa_http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *length = pa_http_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int64_t declared;

	(void)lti;
	(void)rest;
	if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0 ||
	    (type[33] && type[33] != ';' && type[33] != ' '))
		return refuse(r, NULL, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content type", "not a form post",
			      "The LMS did not send an LTI 1.1 launch form. Ask your LMS administrator to check the tool's "
			      "launch URL.");
	if ((!length && !pa_http_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING)) || (length && !strcmp(length, "0")))
		return refuse(r, NULL, MHD_HTTP_BAD_REQUEST, "body", "empty launch form",
			      "The launch form was empty. Ask your LMS administrator to check the tool's settings.");
	if (length && (pa_parse_int64(&declared, length, 0, INT64_MAX) != 0 || (uint64_t)declared > LAUNCH_MAX_BODY))
		return refuse(r, NULL, MHD_HTTP_CONTENT_TOO_LARGE, "body", "the form is larger than 64 KiB",
			      "The launch form was too large to be an LTI launch.");
	return pa_http_buffer_body(r, LAUNCH_MAX_BODY, launch_finish);
}

/* The name as the LMS gives it: "Family, Given", else the full name, else either part. */
static void put_name(pa_buf *out, const pa_form *p)
{
	const char *family = nonempty(p, "lis_person_name_family"), *given = nonempty(p, "lis_person_name_given");
	const char *full = nonempty(p, "lis_person_name_full");

	if (family && given)
		pa_buf_printf(out, "%s, %s", family, given);
	else if (full)
		pa_buf_puts(out, full);
	else if (family || given)
		pa_buf_puts(out, family ? family : given);
}

static enum MHD_Result launch_finish(pa_http_request *r)
{
	pa_lti *lti = pa_http_lti(r);
	pa_form body = PA_FORM_INIT, query = PA_FORM_INIT, p = PA_FORM_INIT;
	pa_store_consumer consumer = { 0 };
	pa_buf url = PA_BUF_INIT, scope = PA_BUF_INIT, subject = PA_BUF_INIT, name = PA_BUF_INIT;
	const char *v, *key = NULL, *nonce, *user_id, *link_id, *sourcedid, *outcome_url;
	int64_t stamp, now = (int64_t)time(NULL), window = pa_config_int(lti->cfg, PA_CFG_LTI_OAUTH_WINDOW);
	char detail[96];
	enum MHD_Result ret;
	int rc;

	if (pa_buf_error(&r->body)) {
		ret = refuse(r, key, MHD_HTTP_CONTENT_TOO_LARGE, "body", "the form is larger than 64 KiB",
			     "The launch form was too large to be an LTI launch.");
		goto done;
	}
	if ((rc = pa_form_parse(&body, pa_buf_cstr(&r->body), r->body.len)) != 0 || (rc = read_query(&query, r)) != 0 ||
	    (rc = pa_oauth1_collect(&p, NULL, &query, pa_http_header(r, MHD_HTTP_HEADER_AUTHORIZATION), &body)) != 0) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "parameters", pa_error_last(),
			     "The launch could not be read. Ask your LMS administrator to check the tool's settings.");
		goto done;
	}
	if (!(v = pa_form_get(&p, "lti_message_type")) || strcmp(v, "basic-lti-launch-request") != 0) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "lti_message_type", loggable(detail, v),
			     "This is not an LTI 1.1 launch (lti_message_type should be basic-lti-launch-request).");
		goto done;
	}
	if (!(v = pa_form_get(&p, "lti_version")) || strcmp(v, "LTI-1p0") != 0) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "lti_version", loggable(detail, v),
			     "This is not an LTI 1.1 launch (lti_version should be LTI-1p0).");
		goto done;
	}
	if (!(v = pa_form_get(&p, "oauth_signature_method")) || strcmp(v, "HMAC-SHA1") != 0) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "oauth_signature_method", loggable(detail, v),
			     "The launch is not signed with HMAC-SHA1, the only method this tool accepts.");
		goto done;
	}
	if ((v = pa_form_get(&p, "oauth_version")) != NULL && strcmp(v, "1.0") != 0) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "oauth_version", loggable(detail, v),
			     "The launch is signed with an OAuth version other than 1.0.");
		goto done;
	}
	if (!(key = nonempty(&p, "oauth_consumer_key"))) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "oauth_consumer_key", "missing",
			     "The launch carries no consumer key. Ask your LMS administrator to enter the tool's key "
			     "and secret.");
		goto done;
	}
	if ((rc = pa_store_consumer_get(&consumer, lti->store, key)) != 0) {
		ret = rc == PA_ENOTFOUND
			? refuse(r, key, MHD_HTTP_UNAUTHORIZED, "consumer", "unknown consumer key",
				 "This LMS is not registered with the tool (unknown consumer key). Ask your LMS administrator.")
			: refuse(r, key, MHD_HTTP_SERVICE_UNAVAILABLE, "consumer", pa_error_last(),
				 "The tool could not check the launch just now. Please try again in a moment.");
		goto done;
	}
	if (!(v = pa_form_get(&p, "oauth_timestamp")) || pa_parse_int64(&stamp, v, 1, INT64_MAX / 2) != 0 ||
	    v[0] == '+' || stamp < now - window || stamp > now + window) {
		ret = refuse(r, key, MHD_HTTP_UNAUTHORIZED, "oauth_timestamp", v ? loggable(detail, v) : "missing",
			     "The launch is too old, or the LMS's clock is wrong. Go back to the course and open the "
			     "activity again.");
		goto done;
	}
	if (!(nonce = nonempty(&p, "oauth_nonce")) || strlen(nonce) > 255) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "oauth_nonce", nonce ? "longer than 255 bytes" : "missing",
			     "The launch carries no usable nonce.");
		goto done;
	}
	pa_http_base_url(&url, r);
	pa_buf_puts(&url, LAUNCH_PATH);
	if (pa_buf_error(&url)) {
		ret = pa_lti_page_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", "Out of memory.");
		goto done;
	}
	if ((rc = pa_oauth1_verify("POST", url.ptr, &p, consumer.secret, NULL)) != 0) {
		char u[96];

		pa_buf_printf(&scope, "%s (signed URL taken as %s)", pa_error_last(), loggable(u, url.ptr));
		ret = refuse(r, key, MHD_HTTP_UNAUTHORIZED, "oauth_signature", pa_buf_cstr(&scope),
			     "The launch's signature is not valid. Ask your LMS administrator to check the tool's "
			     "consumer key, shared secret and launch URL.");
		goto done;
	}
	pa_buf_printf(&scope, "oauth1 %s", key);
	/* Remembered while its timestamp could still pass: after that the window refuses it anyway. */
	rc = pa_store_nonce_put(lti->store, pa_buf_cstr(&scope), nonce, NULL,
				((stamp > now ? stamp : now) + window) * 1000 + 1000);
	if (rc) {
		ret = rc == PA_EEXISTS
			? refuse(r, key, MHD_HTTP_UNAUTHORIZED, "oauth_nonce", "replayed",
				 "This launch was already used. Go back to the course and open the activity again.")
			: refuse(r, key, MHD_HTTP_SERVICE_UNAVAILABLE, "oauth_nonce", pa_error_last(),
				 "The tool could not check the launch just now. Please try again in a moment.");
		goto done;
	}
	if (!(link_id = nonempty(&p, "resource_link_id"))) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "resource_link_id", "missing",
			     "The launch does not say which activity it is for (no resource_link_id).");
		goto done;
	}
	if (!(user_id = nonempty(&p, "user_id"))) {
		ret = refuse(r, key, MHD_HTTP_BAD_REQUEST, "user_id", "missing",
			     "The launch does not say who you are (no user_id). Ask your LMS administrator to let the "
			     "tool receive the user's identifier.");
		goto done;
	}
	pa_buf_printf(&subject, "lti11 %s %s", key, user_id);
	put_name(&name, &p);
	if (pa_buf_error(&subject) || pa_buf_error(&name) || pa_buf_error(&scope)) {
		ret = pa_lti_page_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", "Out of memory.");
		goto done;
	}
	outcome_url = nonempty(&p, "lis_outcome_service_url");
	sourcedid = nonempty(&p, "lis_result_sourcedid");
	{
		pa_lti_launch l = {
			.lti_version = 11,
			.owner_id = consumer.id,
			.subject = subject.ptr,
			.name = name.len ? name.ptr : NULL,
			.user_ref = outcome_url ? sourcedid : NULL,
			.instructor = roles_teach(pa_form_get(&p, "roles")),
			.resource_link_id = link_id,
			.context_id = nonempty(&p, "context_id"),
			.context_title = nonempty(&p, "context_title"),
			.link_title = nonempty(&p, "resource_link_title"),
			.package = nonempty(&p, "custom_package"),
			.outcome_url = sourcedid ? outcome_url : NULL,
			.locale = nonempty(&p, "launch_presentation_locale"),
		};
		char a[96], b[96];

		pa_info("lti11: launch by consumer %s, user %s%s", loggable(a, key), loggable(b, user_id),
			l.instructor ? " (teaches)" : "");
		ret = pa_lti_launch_finish(r, lti, &l);
	}
done:
	pa_store_consumer_dispose(&consumer);
	pa_form_dispose(&p);
	pa_form_dispose(&body);
	pa_form_dispose(&query);
	pa_buf_dispose(&url);
	pa_buf_dispose(&scope);
	pa_buf_dispose(&subject);
	pa_buf_dispose(&name);
	return ret;
}
