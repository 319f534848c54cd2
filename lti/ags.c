/*
 * LTI 1.3 AGS scores: the payload, the URL, the OAuth 2 token (RFC 6749
 * client_credentials with an RFC 7523 client assertion, as the 1EdTech
 * Security Framework asks) and the POST, with the token cached per
 * platform.
 */
#include "lti/ags.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/error.h"
#include "common/form.h"
#include "common/util.h"
#include "lti/httpc.h"
#include "runtime/store.h"

/* What we keep of a platform's answer. */
#define ANSWER_MAX 1000
/* Client assertions live this long (seconds). */
#define ASSERTION_TTL 300

/* --- the payload --- */

int pa_ags_scores_url(pa_buf *out, const char *lineitem)
{
	size_t path_end, len;

	if (!lineitem || !*lineitem)
		return pa_error_set(PA_EINVALID, "ags: the link has no line item");
	len = strlen(lineitem);
	path_end = strcspn(lineitem, "?#");
	/* A fragment is never sent; "…/lineitem/7/" must not become "…/7//scores". */
	len = path_end + strcspn(lineitem + path_end, "#");
	pa_buf_put(out, lineitem, path_end > 0 && lineitem[path_end - 1] == '/' ? path_end - 1 : path_end);
	pa_buf_puts(out, "/scores");
	pa_buf_put(out, lineitem + path_end, len - path_end);
	return pa_buf_error(out);
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

const char *pa_ags_activity_progress(const char *completion, const char *success)
{
	if (is(completion, "completed"))
		return "Completed";
	/* Judged (SCORM 1.2 "passed"/"failed", 2004 success) but not completed: handed in. */
	if (is(success, "passed") || is(success, "failed"))
		return "Submitted";
	if (is(completion, "incomplete"))
		return "InProgress";
	if (is(completion, "browsed"))
		return "Started";
	return "Initialized";   /* unknown, not attempted */
}

const char *pa_ags_grading_progress(const char *completion, const char *success, bool has_score)
{
	if (is(success, "passed") || is(success, "failed") || (is(completion, "completed") && has_score))
		return "FullyGraded";
	return "Pending";
}

static void put_iso8601(pa_buf *out, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	pa_buf_printf(out, "%s.%03dZ", stamp, (int)(ms % 1000));
}

int pa_ags_score_json(pa_buf *out, const pa_ags_score *s)
{
	if (!s->user_id || !*s->user_id)
		return pa_error_set(PA_EINVALID, "ags: no userId for the score");
	if (s->timestamp_ms < 0)
		return pa_error_set(PA_EINVALID, "ags: a negative timestamp");
	pa_buf_puts(out, "{\"userId\":");
	pa_buf_put_json(out, s->user_id);
	if (s->has_score && isfinite(s->scaled)) {
		/* A negative scaled score (2004 allows down to -1) is no grade below zero. */
		double given = s->scaled * 100.0;

		given = given < 0 ? 0 : given > 100 ? 100 : given;
		pa_buf_printf(out, ",\"scoreGiven\":%.10g,\"scoreMaximum\":100", given);
	}
	pa_buf_printf(out, ",\"activityProgress\":\"%s\",\"gradingProgress\":\"%s\",\"timestamp\":\"",
		      pa_ags_activity_progress(s->completion, s->success),
		      pa_ags_grading_progress(s->completion, s->success, s->has_score));
	put_iso8601(out, s->timestamp_ms);
	pa_buf_puts(out, "\"}");
	return pa_buf_error(out);
}

/* --- the client and its tokens --- */

typedef struct token {
	int64_t platform_id;
	char *value;
	int64_t until;   /* ms: used before this */
} token;

struct pa_ags_client {
	pa_ags_signer sign;
	void *sign_ctx;
	long timeout_s;
	bool allow_http;
	pthread_mutex_t lock;
	token *tokens;
	size_t ntokens;
};

int pa_ags_client_new(pa_ags_client **out, pa_ags_signer sign, void *sign_ctx, long timeout_s, bool allow_http)
{
	pa_ags_client *c;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return pa_error_set(PA_ENOMEM, "ags: out of memory");
	c->sign = sign;
	c->sign_ctx = sign_ctx;
	c->timeout_s = timeout_s;
	c->allow_http = allow_http;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

static void token_clear(token *t)
{
	if (t->value) {
		OPENSSL_cleanse(t->value, strlen(t->value));
		free(t->value);
	}
	t->value = NULL;
	t->until = 0;
}

void pa_ags_client_free(pa_ags_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->ntokens; i++)
		token_clear(&c->tokens[i]);
	free(c->tokens);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void pa_ags_outcome_init(pa_ags_outcome *o)
{
	o->status = 0;
	o->retry_after_s = -1;
	pa_buf_init(&o->answer, ANSWER_MAX + 64);
}

void pa_ags_outcome_dispose(pa_ags_outcome *o)
{
	if (o)
		pa_buf_dispose(&o->answer);
}

/* Keep what the platform said (capped, one line) as the outcome's answer. */
static void keep_answer(pa_ags_outcome *o, const char *what, const pa_httpc_response *r)
{
	size_t n = r->body.len < ANSWER_MAX ? r->body.len : ANSWER_MAX;

	pa_buf_clear(&o->answer);
	pa_buf_printf(&o->answer, "%s: HTTP %ld", what, r->status);
	if (n) {
		pa_buf_puts(&o->answer, ": ");
		for (size_t i = 0; i < n; i++) {
			char ch = r->body.ptr[i];

			pa_buf_putc(&o->answer, ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch);
		}
	}
	o->status = r->status;
	o->retry_after_s = r->retry_after_s;
}

static void keep_error(pa_ags_outcome *o, const char *what)
{
	pa_buf_clear(&o->answer);
	pa_buf_printf(&o->answer, "%s: %s", what, pa_error_last());
	o->status = 0;
	o->retry_after_s = -1;
}

/* Retry later (5xx, 429, no answer) or give up (another 4xx)? */
static int classify(long status)
{
	if (status >= 200 && status < 300)
		return 0;
	if (status >= 500 || status == 429 || status == 408)
		return PA_EIO;
	return PA_EINVALID;
}

static int64_t now_ms(void)
{
	return pa_store_now_ms();
}

/* A cached token of platform still good at now: a copy in *out. */
static int cached_token(char **out, pa_ags_client *c, int64_t platform_id, int64_t now)
{
	int rc = PA_ENOTFOUND;

	*out = NULL;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->ntokens; i++)
		if (c->tokens[i].platform_id == platform_id && c->tokens[i].value && c->tokens[i].until > now) {
			rc = (*out = pa_strdup(c->tokens[i].value)) ? 0 : PA_ENOMEM;
			break;
		}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static void drop_token(pa_ags_client *c, int64_t platform_id)
{
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->ntokens; i++)
		if (c->tokens[i].platform_id == platform_id)
			token_clear(&c->tokens[i]);
	pthread_mutex_unlock(&c->lock);
}

static int keep_token(pa_ags_client *c, int64_t platform_id, const char *value, int64_t until)
{
	token *t = NULL;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->ntokens && !t; i++)
		if (c->tokens[i].platform_id == platform_id)
			t = &c->tokens[i];
	if (!t && (t = pa_array_push(&c->tokens, &c->ntokens, sizeof(*c->tokens))) == NULL)
		rc = PA_ENOMEM;
	if (t) {
		token_clear(t);
		t->platform_id = platform_id;
		if (!(t->value = pa_strdup(value)))
			rc = PA_ENOMEM;
		t->until = until;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* The signed client assertion for platform appended to out. */
static int client_assertion(pa_buf *out, pa_ags_client *c, const pa_ags_platform *p, int64_t now)
{
	unsigned char raw[16];
	char jti[33];
	json_t *claims = NULL;
	int rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return pa_error_set(PA_EIO, "ags: no random bytes for a jti");
	for (size_t i = 0; i < sizeof(raw); i++) {
		jti[2 * i] = "0123456789abcdef"[raw[i] >> 4];
		jti[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
	}
	jti[32] = '\0';
	claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "iss", p->client_id, "sub", p->client_id, "aud",
			   p->token_audience && *p->token_audience ? p->token_audience : p->token_url, "iat",
			   (json_int_t)(now / 1000), "exp", (json_int_t)(now / 1000 + ASSERTION_TTL), "jti", jti);
	if (!claims)
		return pa_error_set(PA_ENOMEM, "ags: out of memory");
	rc = c->sign(out, c->sign_ctx, claims);
	json_decref(claims);
	return rc;
}

/* A new token from the platform: 0 and *out, or PA_EIO / PA_EINVALID with the outcome filled. */
static int fetch_token(char **out, pa_ags_outcome *o, pa_ags_client *c, const pa_ags_platform *p)
{
	pa_buf assertion = PA_BUF_INIT, body = PA_BUF_INIT;
	pa_httpc_response resp;
	pa_httpc_request req;
	json_t *doc = NULL, *tok, *exp;
	json_error_t jerr;
	int64_t now = now_ms(), life;
	int rc;

	*out = NULL;
	pa_httpc_response_init(&resp);
	if (!p->client_id || !p->token_url) {
		rc = pa_error_set(PA_EINVALID, "the platform was removed, or has no token URL");
		keep_error(o, "token");
		goto done;
	}
	if ((rc = client_assertion(&assertion, c, p, now)) != 0) {
		keep_error(o, "client assertion");
		goto done;
	}
	pa_buf_puts(&body, "grant_type=client_credentials&client_assertion_type=");
	pa_form_encode(&body, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
	pa_buf_puts(&body, "&client_assertion=");
	pa_form_encode(&body, assertion.ptr);
	pa_buf_puts(&body, "&scope=");
	pa_form_encode(&body, PA_AGS_SCOPE_SCORE);
	if ((rc = pa_buf_error(&body)) != 0) {
		keep_error(o, "token");
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = p->token_url;
	req.content_type = "application/x-www-form-urlencoded";
	req.accept = "application/json";
	req.body = body.ptr;
	req.body_len = body.len;
	req.timeout_s = c->timeout_s;
	req.max_response = 64 * 1024;
	req.allow_http = c->allow_http;
	if ((rc = pa_httpc_perform(&resp, &req)) != 0) {
		keep_error(o, "token");
		rc = rc == PA_EIO ? PA_EIO : PA_EINVALID;
		goto done;
	}
	if ((rc = classify(resp.status)) != 0) {
		keep_answer(o, "token", &resp);
		goto done;
	}
	doc = json_loadb(pa_buf_cstr(&resp.body), resp.body.len, JSON_REJECT_DUPLICATES, &jerr);
	tok = doc ? json_object_get(doc, "access_token") : NULL;
	if (!json_is_string(tok) || !json_string_length(tok) || strpbrk(json_string_value(tok), "\r\n")) {
		keep_answer(o, "token: no access_token in the answer", &resp);
		rc = PA_EINVALID;
		goto done;
	}
	/* Used until a little before it expires, so that it does not expire on the way. */
	exp = json_object_get(doc, "expires_in");
	life = json_is_integer(exp) && json_integer_value(exp) > 0 ? (int64_t)json_integer_value(exp) : 3600;
	if (life > 86400)
		life = 86400;
	life -= life / 2 < 60 ? life / 2 : 60;
	if (!(*out = pa_strdup(json_string_value(tok)))) {
		rc = PA_ENOMEM;
		keep_error(o, "token");
		goto done;
	}
	keep_token(c, p->id, *out, now + life * 1000);
done:
	json_decref(doc);
	pa_httpc_response_dispose(&resp);
	if (assertion.ptr)
		OPENSSL_cleanse(assertion.ptr, assertion.len);
	pa_buf_dispose(&assertion);
	pa_buf_dispose(&body);
	return rc;
}

int pa_ags_send_score(pa_ags_outcome *out, pa_ags_client *c, const pa_ags_platform *platform,
		      const char *lineitem, const pa_ags_score *score)
{
	pa_buf url = PA_BUF_INIT, body = PA_BUF_INIT, auth = PA_BUF_INIT;
	pa_httpc_response resp;
	pa_httpc_request req;
	char *tok = NULL;
	int rc;

	pa_httpc_response_init(&resp);
	if ((rc = pa_ags_scores_url(&url, lineitem)) != 0 || (rc = pa_ags_score_json(&body, score)) != 0) {
		keep_error(out, "score");
		rc = PA_EINVALID;
		goto done;
	}
	for (int round = 0; round < 2; round++) {
		bool fresh = false;

		free(tok);
		tok = NULL;
		if (cached_token(&tok, c, platform->id, now_ms()) != 0) {
			if ((rc = fetch_token(&tok, out, c, platform)) != 0)
				goto done;
			fresh = true;
		}
		pa_buf_clear(&auth);
		pa_buf_printf(&auth, "Bearer %s", tok);
		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.url = url.ptr;
		req.content_type = PA_AGS_SCORE_TYPE;
		req.authorization = auth.ptr;
		req.body = body.ptr;
		req.body_len = body.len;
		req.timeout_s = c->timeout_s;
		req.max_response = 64 * 1024;
		req.allow_http = c->allow_http;
		pa_httpc_response_dispose(&resp);
		pa_httpc_response_init(&resp);
		if ((rc = pa_httpc_perform(&resp, &req)) != 0) {
			keep_error(out, "scores");
			rc = rc == PA_EIO ? PA_EIO : PA_EINVALID;
			goto done;
		}
		keep_answer(out, "scores", &resp);
		if (resp.status == 401) {
			/* Revoked or expired early: a new token, once. A fresh one refused is a refusal. */
			drop_token(c, platform->id);
			if (!fresh)
				continue;
		}
		rc = classify(resp.status);
		goto done;
	}
	rc = classify(resp.status);   /* a second 401 */
done:
	if (tok) {
		OPENSSL_cleanse(tok, strlen(tok));
		free(tok);
	}
	if (auth.ptr)
		OPENSSL_cleanse(auth.ptr, auth.len);
	pa_buf_dispose(&auth);
	pa_buf_dispose(&url);
	pa_buf_dispose(&body);
	pa_httpc_response_dispose(&resp);
	return rc;
}
