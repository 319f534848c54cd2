/* lti/ags: the scores URL, the payload's mapping from SCORM, and the
 * delivery (token, cache, 401, retryable and final answers) against a
 * loopback platform. */
#include "loopback.h"

#include <jansson.h>
#include <pthread.h>

#include "common/form.h"
#include "lti/ags.h"

static void check_url(const char *lineitem, const char *want)
{
	pa_buf out = PA_BUF_INIT;

	assert_int_equal(pa_ags_scores_url(&out, lineitem), 0);
	assert_string_equal(pa_buf_cstr(&out), want);
	pa_buf_dispose(&out);
}

static void test_ags__scores_url_keeps_the_query_string(void **state)
{
	pa_buf out = PA_BUF_INIT;

	(void)state;
	check_url("https://lms.example/api/lineitems/7", "https://lms.example/api/lineitems/7/scores");
	check_url("https://lms.example/api/lineitems/7/", "https://lms.example/api/lineitems/7/scores");
	/* Moodle's line items carry their type in the query string. */
	check_url("https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1",
		  "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1");
	check_url("https://lms.example/li/7?a=1&b=%2F#frag", "https://lms.example/li/7/scores?a=1&b=%2F");
	check_url("https://lms.example/li/7#frag", "https://lms.example/li/7/scores");
	assert_int_equal(pa_ags_scores_url(&out, ""), PA_EINVALID);
	assert_int_equal(pa_ags_scores_url(&out, NULL), PA_EINVALID);
	pa_buf_dispose(&out);
}

static void test_ags__progress_mapping(void **state)
{
	static const struct {
		const char *completion, *success;
		bool has_score;
		const char *activity, *grading;
	} cases[] = {
		{ "unknown", "unknown", false, "Initialized", "Pending" },
		{ "not attempted", "unknown", false, "Initialized", "Pending" },
		{ "browsed", "unknown", false, "Started", "Pending" },
		{ "incomplete", "unknown", true, "InProgress", "Pending" },
		{ "incomplete", "failed", true, "Submitted", "FullyGraded" },
		{ "unknown", "passed", false, "Submitted", "FullyGraded" },
		{ "completed", "unknown", false, "Completed", "Pending" },
		{ "completed", "unknown", true, "Completed", "FullyGraded" },
		{ "completed", "passed", true, "Completed", "FullyGraded" },
		{ "completed", "failed", false, "Completed", "FullyGraded" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(pa_ags_activity_progress(cases[i].completion, cases[i].success),
				    cases[i].activity);
		assert_string_equal(pa_ags_grading_progress(cases[i].completion, cases[i].success, cases[i].has_score),
				    cases[i].grading);
	}
}

static json_t *score_json(const pa_ags_score *s)
{
	pa_buf out = PA_BUF_INIT;
	json_t *doc;

	assert_int_equal(pa_ags_score_json(&out, s), 0);
	doc = json_loads(pa_buf_cstr(&out), JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(doc);
	pa_buf_dispose(&out);
	return doc;
}

static void test_ags__payload(void **state)
{
	/* 2026-11-26T19:10:00.123Z */
	pa_ags_score s = { "user \"7\"", "completed", "passed", true, 0.85, 1795720200123LL };
	json_t *doc;

	(void)state;
	doc = score_json(&s);
	assert_string_equal(json_string_value(json_object_get(doc, "userId")), "user \"7\"");
	assert_true(json_real_value(json_object_get(doc, "scoreGiven")) == 85.0 ||
		    json_integer_value(json_object_get(doc, "scoreGiven")) == 85);
	assert_int_equal(json_integer_value(json_object_get(doc, "scoreMaximum")), 100);
	assert_string_equal(json_string_value(json_object_get(doc, "activityProgress")), "Completed");
	assert_string_equal(json_string_value(json_object_get(doc, "gradingProgress")), "FullyGraded");
	assert_string_equal(json_string_value(json_object_get(doc, "timestamp")), "2026-11-26T19:10:00.123Z");
	json_decref(doc);

	/* No score: no scoreGiven, no scoreMaximum. */
	s.has_score = false;
	s.completion = "incomplete";
	s.success = "unknown";
	s.timestamp_ms = 1795720200007LL;
	doc = score_json(&s);
	assert_null(json_object_get(doc, "scoreGiven"));
	assert_null(json_object_get(doc, "scoreMaximum"));
	assert_string_equal(json_string_value(json_object_get(doc, "activityProgress")), "InProgress");
	assert_string_equal(json_string_value(json_object_get(doc, "gradingProgress")), "Pending");
	assert_string_equal(json_string_value(json_object_get(doc, "timestamp")), "2026-11-26T19:10:00.007Z");
	json_decref(doc);

	/* Clamped to 0..100: 2004 allows scaled scores down to -1. */
	s.has_score = true;
	s.scaled = -0.5;
	doc = score_json(&s);
	assert_true(json_number_value(json_object_get(doc, "scoreGiven")) == 0.0);
	json_decref(doc);
	s.scaled = 1.0;
	doc = score_json(&s);
	assert_true(json_number_value(json_object_get(doc, "scoreGiven")) == 100.0);
	json_decref(doc);

	s.user_id = "";
	{
		pa_buf out = PA_BUF_INIT;

		assert_int_equal(pa_ags_score_json(&out, &s), PA_EINVALID);
		pa_buf_dispose(&out);
	}
}

/* --- a platform on loopback --- */

typedef struct platform {
	pthread_mutex_t lock;
	int token_hits, score_hits;
	unsigned score_status;       /* what the scores endpoint answers next (then 200) */
	int score_status_times;
	unsigned token_status;
	const char *retry_after;
	char token_body[4096];
	char score_auth[256];
	char score_type[128];
	char score_path[256];
	char score_body[1024];
	int issued;                  /* tokens issued: "tok1", "tok2"... */
	int revoke_before;           /* tokens numbered below this are refused with 401 */
} platform;

static void on_request(lb_answer *a, const lb_request *r, void *ctx)
{
	platform *p = ctx;

	pthread_mutex_lock(&p->lock);
	if (!strcmp(r->path, "/token")) {
		p->token_hits++;
		snprintf(p->token_body, sizeof(p->token_body), "%.*s", (int)r->body_len, r->body);
		if (p->token_status) {
			a->status = p->token_status;
			a->content_type = "application/json";
			pa_buf_puts(&a->body, "{\"error\":\"invalid_client\"}");
		} else {
			a->content_type = "application/json";
			pa_buf_printf(&a->body, "{\"access_token\":\"tok%d\",\"token_type\":\"Bearer\",\"expires_in\":3600}",
				      ++p->issued);
		}
	} else if (!strcmp(r->path, "/li/7/scores")) {
		int n = 0;

		p->score_hits++;
		snprintf(p->score_auth, sizeof(p->score_auth), "%s", r->authorization ? r->authorization : "");
		snprintf(p->score_type, sizeof(p->score_type), "%s", r->content_type ? r->content_type : "");
		snprintf(p->score_path, sizeof(p->score_path), "%s", r->path);
		snprintf(p->score_body, sizeof(p->score_body), "%.*s", (int)r->body_len, r->body);
		if (r->authorization && sscanf(r->authorization, "Bearer tok%d", &n) == 1 && n < p->revoke_before) {
			a->status = 401;
		} else if (p->score_status_times > 0) {
			p->score_status_times--;
			a->status = p->score_status;
			a->content_type = "application/json";
			pa_buf_puts(&a->body, "{\"error\":\"nope\",\n\"detail\":\"line item closed\"}");
			if (p->retry_after) {
				a->header_name = "Retry-After";
				a->header_value = p->retry_after;
			}
		} else {
			a->status = 204;
		}
	} else {
		a->status = 404;
	}
	pthread_mutex_unlock(&p->lock);
}

typedef struct signer {
	json_t *claims;   /* the last ones */
	int calls;
} signer;

/* Not RS256: the loopback platform does not check it (tests/lms does, with jose). */
static int fake_sign(pa_buf *out, void *ctx, const json_t *claims)
{
	signer *s = ctx;

	s->calls++;
	json_decref(s->claims);
	s->claims = json_deep_copy(claims);
	return pa_buf_puts(out, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
}

static void test_ags__delivery_token_cache_and_answers(void **state)
{
	platform p;
	signer sg = { NULL, 0 };
	lb_server srv;
	pa_ags_client *c;
	pa_ags_outcome o;
	pa_buf token_url = PA_BUF_INIT, lineitem = PA_BUF_INIT;
	pa_ags_score score = { "u-1", "completed", "passed", true, 0.5, 1795720200123LL };
	pa_ags_platform pl = { 1, "client-9", NULL, NULL };
	pa_form form = PA_FORM_INIT;

	(void)state;
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	lb_start(&srv, on_request, &p);
	pa_buf_printf(&token_url, "%s/token", srv.base);
	pa_buf_printf(&lineitem, "%s/li/7?type=1", srv.base);
	pl.token_url = token_url.ptr;
	assert_int_equal(pa_ags_client_new(&c, fake_sign, &sg, 5, true), 0);

	/* Delivered: a token first, then the score with it. */
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), 0);
	assert_int_equal(o.status, 204);
	assert_int_equal(p.token_hits, 1);
	assert_int_equal(p.score_hits, 1);
	assert_string_equal(p.score_auth, "Bearer tok1");
	assert_string_equal(p.score_type, "application/vnd.ims.lis.v1.score+json");
	assert_non_null(strstr(p.score_body, "\"userId\":\"u-1\""));
	assert_int_equal(pa_form_parse(&form, p.token_body, strlen(p.token_body)), 0);
	assert_string_equal(pa_form_get(&form, "grant_type"), "client_credentials");
	assert_string_equal(pa_form_get(&form, "client_assertion_type"),
			    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
	assert_string_equal(pa_form_get(&form, "scope"), "https://purl.imsglobal.org/spec/lti-ags/scope/score");
	assert_string_equal(pa_form_get(&form, "client_assertion"), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
	pa_form_dispose(&form);
	/* The assertion: iss = sub = client_id, aud the token URL, 5 minutes, a random jti. */
	assert_string_equal(json_string_value(json_object_get(sg.claims, "iss")), "client-9");
	assert_string_equal(json_string_value(json_object_get(sg.claims, "sub")), "client-9");
	assert_string_equal(json_string_value(json_object_get(sg.claims, "aud")), token_url.ptr);
	assert_int_equal(json_integer_value(json_object_get(sg.claims, "exp")) -
			 json_integer_value(json_object_get(sg.claims, "iat")), 300);
	assert_int_equal(strlen(json_string_value(json_object_get(sg.claims, "jti"))), 32);
	pa_ags_outcome_dispose(&o);

	/* The token is reused. */
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), 0);
	assert_int_equal(p.token_hits, 1);
	assert_int_equal(p.score_hits, 2);
	pa_ags_outcome_dispose(&o);

	/* 401: the cached token is dropped, a new one got, the score sent again once. */
	p.revoke_before = 2;
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), 0);
	assert_int_equal(p.token_hits, 2);
	assert_int_equal(p.score_hits, 4);
	assert_string_equal(p.score_auth, "Bearer tok2");
	pa_ags_outcome_dispose(&o);

	/* 500 and 429 (with Retry-After): try again later. */
	p.score_status = 500;
	p.score_status_times = 1;
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), PA_EIO);
	assert_int_equal(o.status, 500);
	pa_ags_outcome_dispose(&o);
	p.score_status = 429;
	p.score_status_times = 1;
	p.retry_after = "7";
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), PA_EIO);
	assert_int_equal(o.status, 429);
	assert_int_equal(o.retry_after_s, 7);
	pa_ags_outcome_dispose(&o);
	p.retry_after = NULL;

	/* Another 4xx: refused, with what the platform said, on one line. */
	p.score_status = 400;
	p.score_status_times = 1;
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), PA_EINVALID);
	assert_int_equal(o.status, 400);
	assert_non_null(strstr(pa_buf_cstr(&o.answer), "line item closed"));
	assert_null(strchr(pa_buf_cstr(&o.answer), '\n'));
	pa_ags_outcome_dispose(&o);

	/* The token endpoint refuses us (a new platform id: nothing cached). */
	pl.id = 2;
	pl.token_audience = "https://lms.example/aud";
	p.token_status = 401;
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), PA_EINVALID);
	assert_int_equal(o.status, 401);
	assert_non_null(strstr(pa_buf_cstr(&o.answer), "invalid_client"));
	assert_string_equal(json_string_value(json_object_get(sg.claims, "aud")), "https://lms.example/aud");
	pa_ags_outcome_dispose(&o);
	p.token_status = 503;
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), PA_EIO);
	pa_ags_outcome_dispose(&o);

	/* Nobody there: try again later. */
	lb_stop(&srv);
	pl.id = 3;
	pa_ags_outcome_init(&o);
	assert_int_equal(pa_ags_send_score(&o, c, &pl, lineitem.ptr, &score), PA_EIO);
	assert_int_equal(o.status, 0);
	assert_true(o.answer.len > 0);
	pa_ags_outcome_dispose(&o);

	pa_ags_client_free(c);
	json_decref(sg.claims);
	pa_buf_dispose(&token_url);
	pa_buf_dispose(&lineitem);
	pthread_mutex_destroy(&p.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ags__scores_url_keeps_the_query_string),
		cmocka_unit_test(test_ags__progress_mapping),
		cmocka_unit_test(test_ags__payload),
		cmocka_unit_test(test_ags__delivery_token_cache_and_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
