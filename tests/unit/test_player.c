/* runtime/player and its routes: a real server on 127.0.0.1, commits built
 * the way the browser builds them (each call run on a local copy of the
 * engine, its answer recorded), then replayed and judged by the server. */
#include "support.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "common/fs.h"
#include "common/util.h"
#include "runtime/auth.h"
#include "runtime/import.h"
#include "runtime/player.h"
#include "runtime/engines.h"
#include "runtime/server.h"
#include "runtime/session.h"
#include "runtime/store.h"

static const char manifest12[] =
	"<?xml version=\"1.0\"?>\n"
	"<manifest identifier=\"player12\" version=\"1\" xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\""
	" xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
	"<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
	"<organizations default=\"org\"><organization identifier=\"org\"><title>Twelve</title>\n"
	"<item identifier=\"i1\" identifierref=\"r1\"><title>One</title><adlcp:masteryscore>80</adlcp:masteryscore></item>\n"
	"<item identifier=\"i2\" identifierref=\"r1\" parameters=\"?page=2\"><title>Two</title></item>\n"
	"</organization></organizations>\n"
	"<resources><resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"index.html\">"
	"<file href=\"index.html\"/></resource></resources></manifest>\n";

typedef struct fixture {
	char *dir;
	pa_buf data;
	pa_config cfg;
	pa_store *store;
	pa_server *server;
	unsigned char key[PA_SESSION_KEY_BYTES];
	int64_t learner, other_learner;
	int64_t att12, att2004, att_other;   /* attempts: 1.2 and 2004 of learner, 2004 of other_learner */
	int64_t att_seq;                     /* of learner on SequencingSimpleRemediation */
	char admin[64];
} fixture;

static fixture *F;

static int64_t import(fixture *f, const char *path)
{
	pa_import_options io = { 0 };
	pa_store_version v = { 0 };
	pa_diag diag;
	int64_t id;

	pa_diag_init(&diag);
	io.config = &f->cfg;
	if (pa_import_path(&v, f->store, f->data.ptr, path, &io, &diag) != 0)
		fail_msg("import %s: %s", path, pa_error_last());
	id = v.id;
	pa_store_version_dispose(&v);
	pa_diag_dispose(&diag);
	return id;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	pa_server_options opts = { 0 };
	pa_buf zip = PA_BUF_INIT, golf = PA_BUF_INIT, schemas = PA_BUF_INIT, t = PA_BUF_INIT;
	unsigned char hash[PA_STORE_TOKEN_HASH_BYTES];
	const char *entries[] = { "imsmanifest.xml", manifest12, "index.html", "<!doctype html><title>x</title>", NULL };
	int64_t v12, v2004, vseq;

	f->dir = pa_test_tmpdir("player");
	pa_buf_init(&f->data, 0);
	pa_buf_printf(&f->data, "%s/data", f->dir);
	pa_buf_printf(&schemas, "%s/schemas", pa_test_shared_dir());
	assert_int_equal(pa_config_init(&f->cfg), 0);
	assert_int_equal(pa_config_set(&f->cfg, "data_dir", f->data.ptr), 0);
	assert_int_equal(pa_config_set(&f->cfg, "schema_dir", schemas.ptr), 0);
	assert_int_equal(pa_config_set(&f->cfg, "listen", "127.0.0.1:0"), 0);
	assert_int_equal(pa_config_set(&f->cfg, "threads", "2"), 0);
	assert_int_equal(pa_config_set(&f->cfg, "max_commit_bytes", "200K"), 0);
	assert_int_equal(pa_store_open(&f->store, f->data.ptr, &f->cfg), 0);
	pa_buf_printf(&zip, "%s/twelve.zip", f->dir);
	pa_test_write_zip(zip.ptr, entries);
	v12 = import(f, zip.ptr);
	pa_buf_printf(&golf, "%s/content/golf/RuntimeBasicCalls_SCORM20043rdEdition", pa_test_shared_dir());
	v2004 = import(f, golf.ptr);
	pa_buf_clear(&golf);
	pa_buf_printf(&golf, "%s/content/golf/SequencingSimpleRemediation_SCORM20043rdEdition", pa_test_shared_dir());
	vseq = import(f, golf.ptr);
	assert_int_equal(pa_store_learner_ensure(&f->learner, f->store, "test:ada", "Lovelace, Ada"), 0);
	assert_int_equal(pa_store_learner_ensure(&f->other_learner, f->store, "test:bob", "Bob"), 0);
	assert_int_equal(pa_store_attempt_create(&f->att12, f->store, v12, f->learner, false), 0);
	assert_int_equal(pa_store_attempt_create(&f->att2004, f->store, v2004, f->learner, false), 0);
	assert_int_equal(pa_store_attempt_create(&f->att_other, f->store, v2004, f->other_learner, false), 0);
	assert_int_equal(pa_store_attempt_create(&f->att_seq, f->store, vseq, f->learner, false), 0);
	assert_int_equal(pa_auth_token_new(&t, hash), 0);
	assert_int_equal(pa_store_token_add(NULL, f->store, "ops", hash), 0);
	memcpy(f->admin, t.ptr, t.len + 1);
	opts.config = &f->cfg;
	opts.store = f->store;
	if (pa_server_start(&f->server, &opts) != 0)
		fail_msg("server: %s", pa_error_last());
	assert_int_equal(pa_session_key_load(f->key, f->data.ptr), 0);
	pa_buf_dispose(&zip);
	pa_buf_dispose(&golf);
	pa_buf_dispose(&schemas);
	pa_buf_dispose(&t);
	*state = F = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	pa_server_stop(f->server);
	pa_store_close(f->store);
	pa_config_dispose(&f->cfg);
	pa_buf_dispose(&f->data);
	free(f->dir);
	free(f);
	return 0;
}

/* The session token of an attempt, as the server would issue it. */
static void token(char *out, size_t size, int64_t attempt, int64_t learner, int64_t ttl)
{
	pa_session_claims c = { attempt, learner, (int64_t)time(NULL) + ttl };
	pa_buf t = PA_BUF_INIT;

	assert_int_equal(pa_session_token_make(&t, F->key, &c), 0);
	assert_true(t.len < size);
	memcpy(out, t.ptr, t.len + 1);
	pa_buf_dispose(&t);
}

typedef struct reply {
	long status;
	pa_buf body;
} reply;

static size_t collect(char *data, size_t size, size_t n, void *buf)
{
	pa_buf_put(buf, data, size * n);
	return size * n;
}

/* One request; body (may be NULL) POSTed as JSON; bearer (may be NULL) as Authorization. */
static void http(reply *out, const char *method, const char *path, const char *bearer, const char *body)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	pa_buf url = PA_BUF_INIT, auth = PA_BUF_INIT;

	memset(out, 0, sizeof(*out));
	pa_buf_init(&out->body, 0);
	pa_buf_printf(&url, "http://127.0.0.1:%u%s", pa_server_port(F->server), path);
	curl_easy_setopt(c, CURLOPT_URL, url.ptr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (bearer) {
		pa_buf_printf(&auth, "Authorization: Bearer %s", bearer);
		hdrs = curl_slist_append(hdrs, auth.ptr);
	}
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		/* A body the server may refuse by its length alone: let it say so
		 * before the body goes, else the refusal can race the upload and
		 * curl reports a send error instead of the 413. */
		if (strlen(body) > 64 * 1024)
			hdrs = curl_slist_append(hdrs, "Expect: 100-continue");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	pa_buf_dispose(&url);
	pa_buf_dispose(&auth);
}

/* --- a browser, in C: the engine of one SCO and the calls it made --- */

typedef struct browser {
	int64_t attempt;
	char token[160];
	char sco[64];
	pa_scorm *engine;
	json_t *calls;
	int64_t seq;
} browser;

/* Open an attempt as the player page does: GET its state, import the SCO's engine. */
static void open_sco(browser *b, int64_t attempt, int64_t learner, const char *sco)
{
	pa_buf path = PA_BUF_INIT;
	json_t *doc, *scos, *s;
	char why[256];
	size_t i;
	reply r;

	memset(b, 0, sizeof(*b));
	b->attempt = attempt;
	token(b->token, sizeof(b->token), attempt, learner, 3600);
	snprintf(b->sco, sizeof(b->sco), "%s", sco);
	pa_buf_printf(&path, "/api/attempts/%lld", (long long)attempt);
	http(&r, "GET", path.ptr, b->token, NULL);
	assert_int_equal(r.status, 200);
	doc = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(doc);
	b->seq = json_integer_value(json_object_get(json_object_get(doc, "session"), "last_seq"));
	scos = json_object_get(json_object_get(doc, "session"), "scos");
	json_array_foreach(scos, i, s) {
		if (!strcmp(json_string_value(json_object_get(s, "id")), sco)) {
			const char *text = json_string_value(json_object_get(s, "state"));

			if (pa_scorm_import(&b->engine, text, strlen(text), NULL, why, sizeof(why)) != 0)
				fail_msg("import: %s", why);
		}
	}
	assert_non_null(b->engine);
	b->calls = json_array();
	json_decref(doc);
	pa_buf_dispose(&r.body);
	pa_buf_dispose(&path);
}

static void browser_close(browser *b)
{
	pa_scorm_free(b->engine);
	json_decref(b->calls);
}

/* Run one call on the local engine and record it with its answer. */
static const char *call(browser *b, const char *fn, const char *a0, const char *a1)
{
	const char *res;
	json_t *args = json_array();

	if (!strcmp(fn, "Initialize")) res = pa_scorm_initialize(b->engine, a0) ? "true" : "false";
	else if (!strcmp(fn, "Terminate")) res = pa_scorm_terminate(b->engine, a0) ? "true" : "false";
	else if (!strcmp(fn, "Commit")) res = pa_scorm_commit(b->engine, a0) ? "true" : "false";
	else if (!strcmp(fn, "GetValue")) res = pa_scorm_get_value(b->engine, a0);
	else if (!strcmp(fn, "SetValue")) res = pa_scorm_set_value(b->engine, a0, a1) ? "true" : "false";
	else if (!strcmp(fn, "NextSession")) { assert_int_equal(pa_scorm_next_session(b->engine), 0); res = ""; }
	else fail_msg("no such call %s", fn);
	if (a0)
		json_array_append_new(args, json_string(a0));
	if (a1)
		json_array_append_new(args, json_string(a1));
	json_array_append_new(b->calls, json_pack("{s:s,s:o,s:s,s:i}", "fn", fn, "args", args, "result", res ? res : "",
						  "error", strcmp(fn, "NextSession") ? pa_scorm_get_last_error(b->engine) : 0));
	return res;
}

static char *commit_body(browser *b, int64_t seq)
{
	json_t *o = json_pack("{s:I,s:s,s:O}", "seq", (json_int_t)seq, "sco", b->sco, "calls", b->calls);
	char *text = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return text;
}

/* POST the calls since the last commit as commit seq; returns the status. */
static long send_commit(browser *b, int64_t seq, pa_buf *answer)
{
	pa_buf path = PA_BUF_INIT;
	char *body = commit_body(b, seq);
	reply r;

	pa_buf_printf(&path, "/api/attempts/%lld/commits", (long long)b->attempt);
	http(&r, "POST", path.ptr, b->token, body);
	if (answer)
		pa_buf_puts(answer, pa_buf_cstr(&r.body));
	if (r.status == 200) {
		json_array_clear(b->calls);
		b->seq = seq;
	}
	free(body);
	pa_buf_dispose(&path);
	pa_buf_dispose(&r.body);
	return r.status;
}

/* The server's engine of a SCO, from the stored state. */
static pa_scorm *stored_engine(int64_t attempt, const char *sco)
{
	pa_store_attempt a;
	const pa_store_sco *row = NULL;
	pa_scorm *s = NULL;
	char why[256];

	assert_int_equal(pa_store_attempt_read(&a, F->store, attempt, sco), 0);
	for (size_t i = 0; i < a.nscos; i++)
		if (!strcmp(a.scos[i].id, sco))
			row = &a.scos[i];
	assert_non_null(row);
	assert_non_null(row->state);
	assert_true(row->summarized);
	if (pa_scorm_import(&s, (const char *)row->state, row->state_len, NULL, why, sizeof(why)) != 0)
		fail_msg("stored state: %s", why);
	pa_store_attempt_dispose(&a);
	return s;
}

/* Every SCO row of a and b the same: states and summaries. */
static void assert_same_scos(const pa_store_attempt *a, const pa_store_attempt *b)
{
	assert_int_equal(a->nscos, b->nscos);
	for (size_t i = 0; i < a->nscos; i++) {
		const pa_store_sco *x = &a->scos[i], *y = NULL;

		for (size_t j = 0; j < b->nscos; j++)
			if (!strcmp(b->scos[j].id, x->id))
				y = &b->scos[j];
		assert_non_null(y);
		assert_int_equal(x->state_len, y->state_len);
		assert_memory_equal(x->state, y->state, x->state_len);
		assert_int_equal(x->summarized, y->summarized);
		assert_string_equal(x->completion_status, y->completion_status);
		assert_string_equal(x->success_status, y->success_status);
		assert_int_equal(x->has_score, y->has_score);
		assert_true(x->score_scaled == y->score_scaled);
	}
}

static int64_t last_seq(int64_t attempt)
{
	pa_store_attempt a;
	int64_t n;

	assert_int_equal(pa_store_attempt_get(&a, F->store, attempt), 0);
	n = a.last_seq;
	pa_store_attempt_dispose(&a);
	return n;
}

/* --- tests --- */

static void test_player__suspend_and_resume(void **state)
{
	browser b;
	pa_scorm *s;
	pa_store_attempt a;
	char *big = malloc(20001);

	(void)state;
	memset(big, 'x', 20000);
	big[20000] = '\0';
	open_sco(&b, F->att2004, F->learner, "item_1");
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "GetValue", "cmi.entry", NULL), "ab-initio");
	assert_string_equal(call(&b, "SetValue", "cmi.location", "page-3"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.suspend_data", big), "true");  /* past 1.2's 4,096 */
	assert_string_equal(call(&b, "SetValue", "cmi.session_time", "PT1M30S"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.exit", "suspend"), "true");
	assert_string_equal(call(&b, "Commit", "", NULL), "true");
	assert_int_equal(send_commit(&b, b.seq + 1, NULL), 200);
	assert_string_equal(call(&b, "Terminate", "", NULL), "true");
	assert_int_equal(send_commit(&b, b.seq + 1, NULL), 200);
	browser_close(&b);
	assert_int_equal(pa_store_attempt_get(&a, F->store, F->att2004), 0);
	assert_int_equal(a.last_seq, 2);
	assert_true(a.suspended);
	assert_string_equal(a.completion_status, "incomplete");
	pa_store_attempt_dispose(&a);

	/* the window reopens: the new session resumes where the last stopped */
	open_sco(&b, F->att2004, F->learner, "item_1");
	assert_int_equal(b.seq, 2);
	assert_int_equal(pa_scorm_get_phase(b.engine), PA_SCORM_TERMINATED);
	call(&b, "NextSession", NULL, NULL);
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "GetValue", "cmi.entry", NULL), "resume");
	assert_string_equal(call(&b, "GetValue", "cmi.location", NULL), "page-3");
	assert_int_equal(strlen(call(&b, "GetValue", "cmi.suspend_data", NULL)), 20000);
	assert_string_equal(call(&b, "GetValue", "cmi.total_time", NULL), "PT0H1M30S");
	assert_string_equal(call(&b, "SetValue", "cmi.completion_status", "completed"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.success_status", "passed"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.score.scaled", "0.75"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.session_time", "PT30S"), "true");
	assert_string_equal(call(&b, "Terminate", "", NULL), "true");
	assert_int_equal(send_commit(&b, b.seq + 1, NULL), 200);
	browser_close(&b);

	s = stored_engine(F->att2004, "item_1");
	assert_string_equal(pa_scorm_lms_get(s, "cmi.total_time"), "PT0H2M0S");
	assert_string_equal(pa_scorm_lms_get(s, "cmi.location"), "page-3");
	pa_scorm_free(s);
	assert_int_equal(pa_store_attempt_get(&a, F->store, F->att2004), 0);
	assert_string_equal(a.completion_status, "completed");
	assert_string_equal(a.success_status, "passed");
	assert_true(a.has_score);
	assert_true(a.score_scaled > 0.749 && a.score_scaled < 0.751);
	assert_false(a.suspended);
	pa_store_attempt_dispose(&a);
	free(big);
}

static void test_player__invalid_values_get_the_standards_error(void **state)
{
	browser b;
	pa_buf answer = PA_BUF_INIT;
	pa_scorm *s;

	(void)state;
	open_sco(&b, F->att12, F->learner, "i1");
	/* out of order: before LMSInitialize */
	assert_string_equal(call(&b, "SetValue", "cmi.core.lesson_location", "p1"), "false");
	assert_int_equal(pa_scorm_get_last_error(b.engine), 301);
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.core.lesson_status", "bogus"), "false");
	assert_int_equal(pa_scorm_get_last_error(b.engine), 405);
	assert_string_equal(call(&b, "SetValue", "cmi.core.student_id", "me"), "false");  /* read-only */
	assert_int_equal(pa_scorm_get_last_error(b.engine), 403);
	/* The learner's own id, as their LMS knows them. */
	assert_string_equal(call(&b, "GetValue", "cmi.core.student_id", NULL), "test:ada");
	assert_string_equal(call(&b, "SetValue", "cmi.core.score.raw", "90"), "true");
	assert_string_equal(call(&b, "Terminate", "", NULL), "true");
	assert_int_equal(send_commit(&b, b.seq + 1, &answer), 200);
	assert_non_null(strstr(answer.ptr, "\"ok\":true"));
	browser_close(&b);
	s = stored_engine(F->att12, "i1");
	/* mastery score 80 from the manifest, raw 90: passed */
	assert_string_equal(pa_scorm_lms_get(s, "cmi.core.lesson_status"), "passed");
	assert_string_equal(pa_scorm_lms_get(s, "cmi.student_data.mastery_score"), "80");
	pa_scorm_free(s);
	pa_buf_dispose(&answer);
}

static void test_player__a_lying_commit_is_refused_and_nothing_lost(void **state)
{
	browser b;
	pa_buf answer = PA_BUF_INIT;
	int64_t before;
	pa_store_attempt a1, a2;

	(void)state;
	open_sco(&b, F->att12, F->learner, "i2");
	before = last_seq(F->att12);
	assert_int_equal(pa_store_attempt_read(&a1, F->store, F->att12, NULL), 0);
	call(&b, "Initialize", "", NULL);
	call(&b, "SetValue", "cmi.core.lesson_status", "bogus");
	/* the browser claims the value was taken */
	json_object_set_new(json_array_get(b.calls, 1), "result", json_string("true"));
	json_object_set_new(json_array_get(b.calls, 1), "error", json_integer(0));
	assert_int_equal(send_commit(&b, before + 1, &answer), 422);
	assert_non_null(strstr(answer.ptr, "\"code\":101"));
	assert_non_null(strstr(answer.ptr, "cmi.core.lesson_status"));
	assert_int_equal(last_seq(F->att12), before);
	assert_int_equal(pa_store_attempt_read(&a2, F->store, F->att12, NULL), 0);
	assert_same_scos(&a1, &a2);
	pa_store_attempt_dispose(&a1);
	pa_store_attempt_dispose(&a2);
	/* an unknown SCO, unknown calls, malformed JSON */
	pa_buf_clear(&answer);
	snprintf(b.sco, sizeof(b.sco), "nope");
	json_array_clear(b.calls);
	assert_int_equal(send_commit(&b, before + 1, &answer), 422);
	snprintf(b.sco, sizeof(b.sco), "i2");
	json_array_append_new(b.calls, json_pack("{s:s,s:[],s:s,s:i}", "fn", "Explode", "args", "result", "", "error", 0));
	assert_int_equal(send_commit(&b, before + 1, NULL), 400);
	assert_int_equal(last_seq(F->att12), before);
	browser_close(&b);
	pa_buf_dispose(&answer);
}

static void test_player__replays_and_gaps(void **state)
{
	browser b;
	pa_buf first = PA_BUF_INIT, again = PA_BUF_INIT, gap = PA_BUF_INIT;
	int64_t n;

	(void)state;
	open_sco(&b, F->att_other, F->other_learner, "item_1");
	n = b.seq;
	call(&b, "Initialize", "", NULL);
	call(&b, "SetValue", "cmi.location", "a");
	assert_int_equal(send_commit(&b, n + 1, &first), 200);
	/* the same seq again, with other calls: the stored answer, nothing changed */
	call(&b, "SetValue", "cmi.location", "b");
	assert_int_equal(send_commit(&b, n + 1, &again), 200);
	assert_string_equal(first.ptr, again.ptr);
	assert_int_equal(last_seq(F->att_other), n + 1);
	/* a gap */
	json_array_clear(b.calls);
	call(&b, "SetValue", "cmi.location", "c");
	assert_int_equal(send_commit(&b, n + 3, &gap), 409);
	assert_non_null(strstr(gap.ptr, "does not follow"));
	assert_int_equal(last_seq(F->att_other), n + 1);
	browser_close(&b);
	{
		pa_scorm *s = stored_engine(F->att_other, "item_1");

		assert_string_equal(pa_scorm_lms_get(s, "cmi.location"), "a");
		pa_scorm_free(s);
	}
	pa_buf_dispose(&first);
	pa_buf_dispose(&again);
	pa_buf_dispose(&gap);
}

static void test_player__only_the_attempts_token_opens_it(void **state)
{
	char mine[160], other[160], expired[160], forged[160];
	pa_buf path = PA_BUF_INIT, play = PA_BUF_INIT, commits = PA_BUF_INIT;
	reply r;

	(void)state;
	token(mine, sizeof(mine), F->att2004, F->learner, 3600);
	token(other, sizeof(other), F->att_other, F->other_learner, 3600);
	token(expired, sizeof(expired), F->att2004, F->learner, -10);
	token(forged, sizeof(forged), F->att2004, F->other_learner, 3600);  /* right key, wrong learner */
	pa_buf_printf(&path, "/api/attempts/%lld", (long long)F->att2004);
	pa_buf_printf(&commits, "/api/attempts/%lld/commits", (long long)F->att2004);
	http(&r, "GET", path.ptr, mine, NULL);
	assert_int_equal(r.status, 200);
	pa_buf_dispose(&r.body);
	http(&r, "GET", path.ptr, NULL, NULL);
	assert_int_equal(r.status, 401);
	pa_buf_dispose(&r.body);
	http(&r, "GET", path.ptr, "1.1.1.nonsense", NULL);
	assert_int_equal(r.status, 401);
	pa_buf_dispose(&r.body);
	http(&r, "GET", path.ptr, expired, NULL);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body.ptr, "expired"));
	pa_buf_dispose(&r.body);
	http(&r, "GET", path.ptr, other, NULL);   /* another learner's attempt token */
	assert_int_equal(r.status, 403);
	pa_buf_dispose(&r.body);
	http(&r, "GET", path.ptr, forged, NULL);
	assert_int_equal(r.status, 403);
	pa_buf_dispose(&r.body);
	http(&r, "POST", commits.ptr, other, "{\"seq\":99,\"sco\":\"item_1\",\"calls\":[]}");
	assert_int_equal(r.status, 403);
	pa_buf_dispose(&r.body);
	/* the page, with the token in the query */
	pa_buf_printf(&play, "/play/%lld?token=%s", (long long)F->att2004, mine);
	http(&r, "GET", play.ptr, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "player.js"));
	pa_buf_dispose(&r.body);
	pa_buf_clear(&play);
	pa_buf_printf(&play, "/play/%lld?token=%s", (long long)F->att_other, mine);
	http(&r, "GET", play.ptr, NULL, NULL);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body.ptr, "<p lang=\"fr\">"));   /* a page a learner can read */
	pa_buf_dispose(&r.body);
	pa_buf_clear(&play);
	pa_buf_printf(&play, "/play/%lld", (long long)F->att2004);
	http(&r, "GET", play.ptr, NULL, NULL);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body.ptr, "open the course from its link"));
	pa_buf_dispose(&r.body);
	http(&r, "GET", "/player/scorm.wasm", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.ptr, "\0asm", 4);
	pa_buf_dispose(&r.body);
	pa_buf_dispose(&path);
	pa_buf_dispose(&play);
	pa_buf_dispose(&commits);
}

static void test_player__oversized(void **state)
{
	browser b;
	pa_buf body = PA_BUF_INIT, path = PA_BUF_INIT;
	char *huge;
	int64_t n;
	reply r;

	(void)state;
	open_sco(&b, F->att_other, F->other_learner, "item_1");
	n = b.seq;
	/* a value past the engine's limit: the standard's error (2004: 351... as the engine says) */
	huge = malloc(70001);
	memset(huge, 'y', 70000);
	huge[70000] = '\0';
	call(&b, "Initialize", "", NULL);
	assert_string_equal(call(&b, "SetValue", "cmi.suspend_data", huge), "false");
	assert_int_not_equal(pa_scorm_get_last_error(b.engine), 0);
	assert_int_equal(send_commit(&b, n + 1, NULL), 200);
	/* a body past max_commit_bytes (200K): 413, nothing stored */
	pa_buf_printf(&body, "{\"seq\":%lld,\"sco\":\"item_1\",\"calls\":[", (long long)n + 2);
	for (int i = 0; i < 3; i++)
		pa_buf_printf(&body, "%s{\"fn\":\"SetValue\",\"args\":[\"cmi.suspend_data\",\"%s\"],\"result\":\"false\",\"error\":351}",
			      i ? "," : "", huge);
	pa_buf_puts(&body, "]}");
	pa_buf_printf(&path, "/api/attempts/%lld/commits", (long long)F->att_other);
	http(&r, "POST", path.ptr, b.token, body.ptr);
	assert_int_equal(r.status, 413);
	pa_buf_dispose(&r.body);
	assert_int_equal(last_seq(F->att_other), n + 1);
	browser_close(&b);
	free(huge);
	pa_buf_dispose(&body);
	pa_buf_dispose(&path);
}

static void test_player__preview_links(void **state)
{
	pa_buf path = PA_BUF_INIT, again = PA_BUF_INIT;
	pa_store_attempt a;
	pa_session_claims c;
	reply r;

	(void)state;
	/* the same open preview attempt each time */
	assert_int_equal(pa_player_preview_path(&path, F->store, F->key, 1, 600, true), 0);
	assert_int_equal(pa_player_preview_path(&again, F->store, F->key, 1, 600, true), 0);
	assert_true(pa_str_startswith(path.ptr, "/play/"));
	assert_int_equal(pa_session_token_check(&c, F->key, strstr(path.ptr, "token=") + 6, (int64_t)time(NULL)), 0);
	assert_int_equal(pa_store_attempt_get(&a, F->store, c.attempt_id), 0);
	assert_true(a.preview);
	pa_store_attempt_dispose(&a);
	assert_int_equal(strncmp(path.ptr, again.ptr, (size_t)(strchr(path.ptr, '?') - path.ptr)), 0);
	assert_int_equal(pa_player_preview_path(&path, F->store, F->key, 999, 600, true), PA_ENOTFOUND);
	/* the admin API */
	http(&r, "POST", "/admin/packages/1/preview", F->admin, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "/play/"));
	pa_buf_dispose(&r.body);
	http(&r, "POST", "/admin/packages/1/preview", NULL, NULL);
	assert_int_equal(r.status, 401);
	pa_buf_dispose(&r.body);
	http(&r, "POST", "/admin/packages/999/preview", F->admin, NULL);
	assert_int_equal(r.status, 404);
	pa_buf_dispose(&r.body);
	pa_buf_dispose(&path);
	pa_buf_dispose(&again);
}

/* Replay every stored commit of stored_a from nothing, as serve does: with
 * engines, each commit's engine handed to the next (runtime/engines.h). */
static void rebuild(const pa_store_attempt *stored_a, pa_engines *engines)
{
	pa_store_attempt a;
	pa_store_version v = { 0 };
	pa_player_context ctx;
	pa_store_learner learner;
	int handed = 0;

	assert_int_equal(pa_store_version_by_id(&v, F->store, stored_a->version_id), 0);
	memset(&a, 0, sizeof(a));
	a.id = stored_a->id;
	a.version_id = stored_a->version_id;
	a.learner_id = stored_a->learner_id;
	memset(&ctx, 0, sizeof(ctx));
	ctx.attempt = &a;
	ctx.tree_json = v.tree_json;
	ctx.scorm_version = v.scorm_version;
	ctx.engines = engines;
	assert_int_equal(pa_store_learner_get(&learner, F->store, a.learner_id), 0);
	ctx.learner_id = pa_store_learner_lms_id(learner.subject);
	ctx.learner_name = learner.name;
	for (int64_t seq = 1; seq <= stored_a->last_seq; seq++) {
		pa_buf calls = PA_BUF_INIT;
		pa_player_outcome o;

		assert_int_equal(pa_store_commit_calls(&calls, F->store, a.id, seq), 0);
		pa_player_outcome_init(&o);
		a.last_seq = seq - 1;
		if (pa_player_replay(&o, &ctx, calls.ptr, calls.len) != 0)
			fail_msg("commit %lld: %s", (long long)seq, pa_error_last());
		/* what the store does with the outcome: each row written replaces its SCO's */
		for (size_t i = 0; i < o.nscos; i++) {
			size_t j = 0;

			while (j < a.nscos && strcmp(a.scos[j].id, o.scos[i].id) != 0)
				j++;
			if (j == a.nscos) {
				assert_non_null(pa_array_push(&a.scos, &a.nscos, sizeof(*a.scos)));
			} else {
				pa_store_sco_dispose(&a.scos[j]);
			}
			a.scos[j] = o.scos[i];
		}
		o.nscos = 0;
		/* and what serve does once it is stored */
		if (o.engine) {
			pa_engines_give(engines, a.id, o.engine_sco, seq, o.engine, o.engine_bytes);
			o.engine = NULL;
			handed++;
		}
		pa_player_outcome_dispose(&o);
		pa_buf_dispose(&calls);
	}
	assert_same_scos(&a, stored_a);
	if (engines)
		assert_true(handed >= 2);
	for (size_t i = 0; i < a.nscos; i++)
		pa_store_sco_dispose(&a.scos[i]);
	free(a.scos);
	pa_store_learner_dispose(&learner);
	pa_store_version_dispose(&v);
}

/* The audit trail: replaying every stored commit of an attempt from
 * nothing gives back exactly the stored state, whether each commit
 * imports the state the last one left or takes over its engine. */
static void test_player__the_calls_rebuild_the_state(void **state)
{
	pa_store_attempt stored_a;
	pa_engines *engines;

	(void)state;
	assert_int_equal(pa_store_attempt_read(&stored_a, F->store, F->att2004, NULL), 0);
	assert_true(stored_a.last_seq >= 3);
	rebuild(&stored_a, NULL);
	assert_int_equal(pa_engines_new(&engines, 1 << 20), 0);
	rebuild(&stored_a, engines);
	pa_engines_free(engines);
	pa_store_attempt_dispose(&stored_a);
}

static void test_player__a_new_attempt_after_completion_by_policy(void **state)
{
	int64_t first, again, kept, fresh, learner;
	pa_store_commit c;

	(void)state;
	assert_int_equal(pa_store_learner_ensure(&learner, F->store, "test:cy", "Cy"), 0);
	assert_int_equal(pa_player_attempt_for(&first, F->store, learner, 1, false, true), 0);
	assert_int_equal(pa_player_attempt_for(&again, F->store, learner, 1, false, true), 0);
	assert_int_equal(first, again);
	memset(&c, 0, sizeof(c));
	c.attempt_id = first;
	c.seq = 1;
	c.calls = "{}";
	c.result = "{}";
	c.completion_status = "completed";
	c.success_status = "passed";
	assert_int_equal(pa_store_commit_append(F->store, &c), 0);
	assert_int_equal(pa_player_attempt_for(&kept, F->store, learner, 1, false, false), 0);
	assert_int_equal(kept, first);   /* review the completed one */
	assert_int_equal(pa_player_attempt_for(&fresh, F->store, learner, 1, false, true), 0);
	assert_int_not_equal(fresh, first);
}


/* --- sequencing (SCORM 2004 packages with several SCOs) --- */

/* POST a commit of b's calls with a navigation request; the answer's nav in *nav (owned). */
static long nav_commit(browser *b, const char *request, json_t **nav)
{
	json_t *o = json_pack("{s:I,s:s,s:O,s:s}", "seq", (json_int_t)(b->seq + 1), "sco", b->sco, "calls", b->calls,
			      "nav", request);
	char *body = json_dumps(o, JSON_COMPACT);
	pa_buf path = PA_BUF_INIT;
	json_t *answer;
	reply r;

	pa_buf_printf(&path, "/api/attempts/%lld/commits", (long long)b->attempt);
	http(&r, "POST", path.ptr, b->token, body);
	*nav = NULL;
	if (r.status == 200) {
		answer = json_loads(r.body.ptr, 0, NULL);
		assert_non_null(answer);
		*nav = json_incref(json_object_get(answer, "nav"));
		assert_non_null(*nav);
		json_decref(answer);
		json_array_clear(b->calls);
		b->seq++;
	}
	json_decref(o);
	free(body);
	pa_buf_dispose(&path);
	pa_buf_dispose(&r.body);
	return r.status;
}

/* The SCO sequencing delivered: b now runs its engine, as the page would. */
static void deliver(browser *b, const json_t *nav, const char *expect)
{
	const char *text = json_string_value(json_object_get(nav, "state"));
	char why[256];

	assert_string_equal(json_string_value(json_object_get(nav, "delivered")), expect);
	assert_non_null(json_string_value(json_object_get(nav, "launch")));
	assert_non_null(text);
	pa_scorm_free(b->engine);
	b->engine = NULL;
	if (pa_scorm_import(&b->engine, text, strlen(text), NULL, why, sizeof(why)) != 0)
		fail_msg("delivered state: %s", why);
	snprintf(b->sco, sizeof(b->sco), "%s", expect);
}

static const json_t *toc_of(const json_t *nav, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(nav, "toc"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), id))
			return e;
	fail_msg("%s not in the table of contents", id);
	return NULL;
}

/* The attempt's sequencing as GET /api/attempts/ID shows it. */
static json_t *session_sequencing(browser *b)
{
	pa_buf path = PA_BUF_INIT;
	json_t *doc, *seq;
	reply r;

	pa_buf_printf(&path, "/api/attempts/%lld", (long long)b->attempt);
	http(&r, "GET", path.ptr, b->token, NULL);
	assert_int_equal(r.status, 200);
	doc = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(doc);
	seq = json_incref(json_object_get(json_object_get(doc, "session"), "sequencing"));
	json_decref(doc);
	pa_buf_dispose(&r.body);
	pa_buf_dispose(&path);
	return seq;
}

static void restart_server(void)
{
	pa_server_options opts = { 0 };

	pa_server_stop(F->server);
	pa_store_close(F->store);
	assert_int_equal(pa_store_open(&F->store, F->data.ptr, &F->cfg), 0);
	opts.config = &F->cfg;
	opts.store = F->store;
	if (pa_server_start(&F->server, &opts) != 0)
		fail_msg("server: %s", pa_error_last());
}

/* Start, play the first lesson, suspend all in the second; the server
 * restarts; resume all gives back the second lesson, resumed, and the
 * same tree. */
static void test_player__sequencing_suspend_all_survives_a_restart(void **state)
{
	browser b;
	json_t *nav, *before, *after;
	pa_store_attempt a;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.attempt = F->att_seq;
	token(b.token, sizeof(b.token), F->att_seq, F->learner, 3600);
	b.calls = json_array();
	before = session_sequencing(&b);
	assert_non_null(before);
	assert_true(json_is_null(json_object_get(before, "current")));
	json_decref(before);

	assert_int_equal(nav_commit(&b, "start", &nav), 200);
	deliver(&b, nav, "playing_item");
	assert_true(json_is_false(json_object_get(json_object_get(nav, "valid"), "previous")));
	assert_true(json_is_true(json_object_get(json_object_get(nav, "valid"), "continue")));
	assert_true(json_is_false(json_object_get(toc_of(nav, "content_wrapper"), "visible")));
	/* Flow only: no activity may be chosen. */
	assert_true(json_is_false(json_object_get(toc_of(nav, "test_1"), "choice")));
	json_decref(nav);
	/* The SCO hears what sequencing says of its requests. */
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "GetValue", "adl.nav.request_valid.previous", NULL), "false");
	assert_string_equal(call(&b, "GetValue", "adl.nav.request_valid.continue", NULL), "true");
	assert_string_equal(call(&b, "GetValue", "cmi.objectives.0.id", NULL), "learning_objective_satisfied");
	assert_string_equal(call(&b, "SetValue", "cmi.completion_status", "completed"), "true");
	assert_string_equal(call(&b, "SetValue", "adl.nav.request", "continue"), "true");
	assert_string_equal(call(&b, "Terminate", "", NULL), "true");
	/* The page follows the SCO's request: with the calls, in one commit. */
	assert_int_equal(nav_commit(&b, "continue", &nav), 200);
	deliver(&b, nav, "etuqiette_item");
	assert_string_equal(json_string_value(json_object_get(toc_of(nav, "playing_item"), "completion")), "completed");
	assert_true(json_is_true(json_object_get(json_object_get(nav, "valid"), "previous")));
	json_decref(nav);
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.location", "page 3"), "true");
	assert_int_equal(nav_commit(&b, "suspendAll", &nav), 200);
	assert_true(json_is_true(json_object_get(nav, "ended")));
	json_decref(nav);
	assert_int_equal(pa_store_attempt_get(&a, F->store, F->att_seq), 0);
	assert_true(a.suspended);
	pa_store_attempt_dispose(&a);
	before = session_sequencing(&b);

	restart_server();
	after = session_sequencing(&b);
	assert_true(json_equal(before, after));
	json_decref(before);
	json_decref(after);
	pa_scorm_free(b.engine);
	b.engine = NULL;
	b.sco[0] = '\0';
	assert_int_equal(nav_commit(&b, "resumeAll", &nav), 200);
	deliver(&b, nav, "etuqiette_item");
	assert_true(json_is_true(json_object_get(nav, "resumed")));
	json_decref(nav);
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "GetValue", "cmi.entry", NULL), "resume");
	assert_string_equal(call(&b, "GetValue", "cmi.location", NULL), "page 3");
	assert_int_equal(send_commit(&b, b.seq + 1, NULL), 200);
	browser_close(&b);
}

static void test_player__sequencing_refusals(void **state)
{
	browser b;
	json_t *nav;
	pa_buf answer = PA_BUF_INIT;
	int64_t before;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.attempt = F->att_seq;
	token(b.token, sizeof(b.token), F->att_seq, F->learner, 3600);
	b.calls = json_array();
	b.seq = last_seq(F->att_seq);
	before = b.seq;
	assert_int_equal(nav_commit(&b, "fly", &nav), 400);
	snprintf(b.sco, sizeof(b.sco), "etuqiette_item");
	/* A choice the rules refuse is an answer (the book's exception), stored. */
	assert_int_equal(nav_commit(&b, "{target=test_3}choice", &nav), 200);
	assert_non_null(json_string_value(json_object_get(nav, "exception")));
	assert_true(json_is_null(json_object_get(nav, "delivered")));
	assert_string_equal(json_string_value(json_object_get(nav, "current")), "etuqiette_item");
	json_decref(nav);
	assert_int_equal(last_seq(F->att_seq), before + 1);
	/* A retried navigation is answered as it was, and runs once. */
	b.seq--;
	assert_int_equal(nav_commit(&b, "{target=test_3}choice", &nav), 200);
	json_decref(nav);
	assert_int_equal(last_seq(F->att_seq), before + 1);
	json_decref(b.calls);

	/* No navigation in a package without sequencing (1.2). */
	open_sco(&b, F->att12, F->learner, "i1");
	assert_int_equal(nav_commit(&b, "continue", &nav), 400);
	browser_close(&b);
	pa_buf_dispose(&answer);
}

/* The session of an attempt as GET /api/attempts/ID gives it (owned). */
static json_t *session_of(int64_t attempt)
{
	pa_buf path = PA_BUF_INIT;
	char tok[160];
	json_t *doc, *session;
	reply r;

	token(tok, sizeof(tok), attempt, F->learner, 3600);
	pa_buf_printf(&path, "/api/attempts/%lld", (long long)attempt);
	http(&r, "GET", path.ptr, tok, NULL);
	assert_int_equal(r.status, 200);
	doc = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(doc);
	session = json_incref(json_object_get(doc, "session"));
	json_decref(doc);
	pa_buf_dispose(&r.body);
	pa_buf_dispose(&path);
	return session;
}

/* An attempt played before migration 3 (its SCOs in one JSON document, as
 * schema 2 kept them) reads the same after it, and plays on. */
static void test_player__an_attempt_of_schema_2_migrates_and_plays_on(void **state)
{
	pa_server_options opts = { 0 };
	pa_buf db = PA_BUF_INIT;
	json_t *before2004, *beforeseq, *after;
	pa_store_attempt a;
	sqlite3 *h = NULL;
	char *err = NULL;
	browser b;

	(void)state;
	before2004 = session_of(F->att2004);
	beforeseq = session_of(F->att_seq);
	assert_true(json_array_size(json_object_get(before2004, "scos")) > 0);
	pa_server_stop(F->server);
	pa_store_close(F->store);
	pa_buf_printf(&db, "%s/" PA_STORE_SQLITE_FILE, F->data.ptr);
	assert_int_equal(sqlite3_open(db.ptr, &h), SQLITE_OK);
	if (sqlite3_exec(h,
			 "UPDATE attempts SET state = CAST(json_object('v', 1, 'scos', json((SELECT "
			 "json_group_object(sco, CAST(s.state AS TEXT)) FROM attempt_scos s WHERE s.attempt_id = attempts.id)), "
			 "'seq', CAST(state AS TEXT)) AS BLOB) WHERE id IN (SELECT attempt_id FROM attempt_scos);"
			 "DROP TABLE learner_objectives; DROP TABLE attempt_scos; DELETE FROM schema_version WHERE version >= 3;",
			 NULL, NULL, &err) != SQLITE_OK)
		fail_msg("back to schema 2: %s", err);
	sqlite3_close(h);
	assert_int_equal(pa_store_open(&F->store, F->data.ptr, &F->cfg), 0);
	opts.config = &F->cfg;
	opts.store = F->store;
	if (pa_server_start(&F->server, &opts) != 0)
		fail_msg("server: %s", pa_error_last());

	/* the browser sees what it saw */
	after = session_of(F->att2004);
	assert_true(json_equal(json_object_get(before2004, "scos"), json_object_get(after, "scos")));
	json_decref(after);
	after = session_of(F->att_seq);
	assert_true(json_equal(json_object_get(beforeseq, "scos"), json_object_get(after, "scos")));
	assert_true(json_equal(json_object_get(beforeseq, "sequencing"), json_object_get(after, "sequencing")));
	json_decref(after);

	/* and plays on: a new session of the SCO, its total time carried over */
	open_sco(&b, F->att2004, F->learner, "item_1");
	call(&b, "NextSession", NULL, NULL);
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.completion_status", "completed"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.success_status", "passed"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.score.scaled", "0.5"), "true");
	assert_string_equal(call(&b, "Terminate", "", NULL), "true");
	assert_int_equal(send_commit(&b, b.seq + 1, NULL), 200);
	browser_close(&b);
	assert_int_equal(pa_store_attempt_read(&a, F->store, F->att2004, NULL), 0);
	assert_string_equal(a.completion_status, "completed");
	assert_string_equal(a.success_status, "passed");
	assert_true(a.has_score && a.score_scaled > 0.499 && a.score_scaled < 0.501);
	/* every SCO summed up once, at that commit */
	for (size_t i = 0; i < a.nscos; i++)
		assert_true(a.scos[i].summarized);
	pa_store_attempt_dispose(&a);
	json_decref(before2004);
	json_decref(beforeseq);
	pa_buf_dispose(&db);
}

typedef struct committer {
	int64_t attempt;
	char token[160];
	unsigned port;
	int64_t acked;          /* the last seq answered 200 */
	atomic_bool *go;
} committer;

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* Commits with no call, one after the other, until the server stops answering. */
static void *commit_loop(void *arg)
{
	committer *c = arg;
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char url[128], auth[200], body[96];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/attempts/%lld/commits", c->port, (long long)c->attempt);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
	hdrs = curl_slist_append(hdrs, auth);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	while (atomic_load(c->go)) {
		long status = 0;

		snprintf(body, sizeof(body), "{\"seq\":%lld,\"sco\":\"item_1\",\"calls\":[]}", (long long)c->acked + 1);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		if (curl_easy_perform(h) != CURLE_OK)
			break;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status != 200)
			break;
		c->acked++;
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

/* Stopping the server while commits wait for the disk (suspended): it
 * returns, and every commit it answered is stored. */
static void test_player__stop_with_commits_in_flight(void **state)
{
	enum { N = 8 };
	committer c[N];
	pthread_t t[N];
	pa_store_attempt a;
	pa_server_options opts = { 0 };
	atomic_bool go = true;
	struct timespec pause = { 0, 300 * 1000 * 1000 };
	int64_t learner;

	(void)state;
	assert_int_equal(pa_store_attempt_get(&a, F->store, F->att2004), 0);
	assert_int_equal(pa_store_learner_ensure(&learner, F->store, "test:stopper", "Stopper"), 0);
	for (int i = 0; i < N; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		assert_int_equal(pa_store_attempt_create(&c[i].attempt, F->store, a.version_id, learner, false), 0);
		token(c[i].token, sizeof(c[i].token), c[i].attempt, learner, 3600);
		c[i].port = pa_server_port(F->server);
		c[i].go = &go;
		assert_int_equal(pthread_create(&t[i], NULL, commit_loop, &c[i]), 0);
	}
	pa_store_attempt_dispose(&a);
	nanosleep(&pause, NULL);
	pa_server_stop(F->server);
	F->server = NULL;
	atomic_store(&go, false);
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(pa_store_attempt_get(&a, F->store, c[i].attempt), 0);
		assert_true(a.last_seq >= c[i].acked);
		pa_store_attempt_dispose(&a);
	}
	assert_true(c[0].acked > 0);
	opts.config = &F->cfg;
	opts.store = F->store;
	if (pa_server_start(&F->server, &opts) != 0)
		fail_msg("server: %s", pa_error_last());
}

/* A copy of tests/sequencing/packages/globals under its own identifier, imported: its version id. */
static int64_t import_globals_package(const char *name)
{
	char *dir = pa_test_tmpdir(name);
	int64_t v;

	assert_int_equal(pa_test_run(NULL, "cp %s/tests/sequencing/packages/globals/imsmanifest.xml %s/ && "
				     "sed -i 's/identifier=\"test.globals\"/identifier=\"test.globals.%s\"/' %s/imsmanifest.xml",
				     pa_test_source_dir(), dir, name, dir), 0);
	pa_test_write(dir, "sco.html", "<!doctype html><title>SCO</title>");
	v = import(F, dir);
	free(dir);
	return v;
}

/* Start, sco1 completed without a success status of its own, continue: what flow delivers. */
static void sco1_then_continue(browser *b, const char *expect)
{
	json_t *nav;

	assert_int_equal(nav_commit(b, "start", &nav), 200);
	deliver(b, nav, "sco1");
	json_decref(nav);
	assert_string_equal(call(b, "Initialize", "", NULL), "true");
	assert_string_equal(call(b, "SetValue", "cmi.completion_status", "completed"), "true");
	assert_string_equal(call(b, "Terminate", "", NULL), "true");
	assert_int_equal(nav_commit(b, "continue", &nav), 200);
	deliver(b, nav, expect);
	json_decref(nav);
}

/* Objectives global to the system follow the learner from one package to
 * another: mastered in the first, the second skips what needs it. */
static void test_player__global_objectives_across_packages(void **state)
{
	int64_t va = import_globals_package("globals-a"), vb = import_globals_package("globals-b");
	int64_t att_a, att_b, other, att_c;
	pa_buf globals = PA_BUF_INIT;
	browser b;
	json_t *nav;

	(void)state;
	assert_int_equal(pa_store_attempt_create(&att_a, F->store, va, F->learner, false), 0);
	assert_int_equal(pa_store_attempt_create(&att_b, F->store, vb, F->learner, false), 0);
	assert_int_equal(pa_store_learner_ensure(&other, F->store, "test:grace", "Hopper, Grace"), 0);
	assert_int_equal(pa_store_attempt_create(&att_c, F->store, vb, other, false), 0);

	/* Package A: sco1 passed writes shared.mastery. */
	memset(&b, 0, sizeof(b));
	b.attempt = att_a;
	token(b.token, sizeof(b.token), att_a, F->learner, 3600);
	b.calls = json_array();
	assert_int_equal(nav_commit(&b, "start", &nav), 200);
	deliver(&b, nav, "sco1");
	json_decref(nav);
	assert_string_equal(call(&b, "Initialize", "", NULL), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.completion_status", "completed"), "true");
	assert_string_equal(call(&b, "SetValue", "cmi.success_status", "passed"), "true");
	assert_string_equal(call(&b, "Terminate", "", NULL), "true");
	assert_int_equal(nav_commit(&b, "exitAll", &nav), 200);
	json_decref(nav);
	pa_scorm_free(b.engine);
	json_decref(b.calls);
	assert_int_equal(pa_store_learner_globals(&globals, F->store, F->learner), 0);
	assert_true(pa_str_startswith(globals.ptr, "pa-seqglobals 1\n"));
	assert_non_null(strstr(globals.ptr, "global shared.mastery "));
	pa_buf_dispose(&globals);

	/* Package B, same learner: flow skips sco2 (satisfied through shared.mastery). */
	memset(&b, 0, sizeof(b));
	b.attempt = att_b;
	token(b.token, sizeof(b.token), att_b, F->learner, 3600);
	b.calls = json_array();
	sco1_then_continue(&b, "sco3");
	pa_scorm_free(b.engine);
	json_decref(b.calls);

	/* Another learner on package B: nothing mastered, sco2 is delivered. */
	memset(&b, 0, sizeof(b));
	b.attempt = att_c;
	token(b.token, sizeof(b.token), att_c, other, 3600);
	b.calls = json_array();
	sco1_then_continue(&b, "sco2");
	pa_scorm_free(b.engine);
	json_decref(b.calls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_player__suspend_and_resume),
		cmocka_unit_test(test_player__invalid_values_get_the_standards_error),
		cmocka_unit_test(test_player__a_lying_commit_is_refused_and_nothing_lost),
		cmocka_unit_test(test_player__replays_and_gaps),
		cmocka_unit_test(test_player__only_the_attempts_token_opens_it),
		cmocka_unit_test(test_player__oversized),
		cmocka_unit_test(test_player__preview_links),
		cmocka_unit_test(test_player__the_calls_rebuild_the_state),
		cmocka_unit_test(test_player__a_new_attempt_after_completion_by_policy),
		cmocka_unit_test(test_player__sequencing_suspend_all_survives_a_restart),
		cmocka_unit_test(test_player__sequencing_refusals),
		cmocka_unit_test(test_player__global_objectives_across_packages),
		cmocka_unit_test(test_player__an_attempt_of_schema_2_migrates_and_plays_on),
		cmocka_unit_test(test_player__stop_with_commits_in_flight),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
