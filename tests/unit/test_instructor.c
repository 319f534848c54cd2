/* What instructors see of a link's attempts: the report read from the
 * stored engine states (runtime/player.c), and the page and CSV files of
 * lti/instructor.c on a real server. Attempts are played the way the
 * browser plays them: each call run on a local engine, then replayed by
 * the server's. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "common/util.h"
#include "lti/launch.h"
#include "runtime/import.h"
#include "runtime/player.h"
#include "runtime/server.h"
#include "runtime/session.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

static const char manifest12[] =
	"<?xml version=\"1.0\"?>\n"
	"<manifest identifier=\"report12\" version=\"1\" xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\""
	" xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
	"<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
	"<organizations default=\"org\"><organization identifier=\"org\"><title>Twelve</title>\n"
	"<item identifier=\"q1\" identifierref=\"r1\"><title>Quiz</title></item>\n"
	"</organization></organizations>\n"
	"<resources><resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"index.html\">"
	"<file href=\"index.html\"/></resource></resources></manifest>\n";

static const char manifest2004[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<manifest identifier=\"report2004\" version=\"1\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
	"  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\">\n"
	"  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>\n"
	"  <organizations default=\"org\"><organization identifier=\"org\"><title>Migration basics</title>\n"
	"    <item identifier=\"lesson\" identifierref=\"res1\"><title>Lesson</title></item>\n"
	"    <item identifier=\"quiz\" identifierref=\"res1\" parameters=\"?q=1\"><title>Quiz</title></item>\n"
	"    <item identifier=\"unused\" identifierref=\"res1\" parameters=\"?q=2\"><title>Never opened</title></item>\n"
	"  </organization></organizations>\n"
	"  <resources><resource identifier=\"res1\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"index.html\">"
	"<file href=\"index.html\"/></resource></resources></manifest>\n";

typedef struct fixture {
	char *dir;
	pa_buf data;
	pa_config cfg;
	pa_store *store;
	int64_t v12, v2004;          /* version row ids */
	int64_t pkg12, pkg2004;      /* package ids */
	int64_t ada, bob;            /* learners */
	int64_t teacher;             /* the instructor, a learner too */
	int64_t link, other_link;
	pa_server *server;
	unsigned char key[PA_SESSION_KEY_BYTES];
} fixture;

static fixture *F;

static void import(int64_t *version_id, int64_t *package_id, const char *name, const char *manifest)
{
	const char *entries[] = { "imsmanifest.xml", manifest, "index.html", "<!doctype html><title>x</title>", NULL };
	pa_import_options io = { 0 };
	pa_store_version v = { 0 };
	pa_buf zip = PA_BUF_INIT;
	pa_diag diag;

	pa_buf_printf(&zip, "%s/%s", F->dir, name);
	pa_test_write_zip(zip.ptr, entries);
	pa_diag_init(&diag);
	io.config = &F->cfg;
	if (pa_import_path(&v, F->store, F->data.ptr, zip.ptr, &io, &diag) != 0)
		fail_msg("import %s: %s", name, pa_error_last());
	*version_id = v.id;
	*package_id = v.package_id;
	pa_store_version_dispose(&v);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&zip);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	pa_buf schemas = PA_BUF_INIT;

	*state = F = f;
	f->dir = pa_test_tmpdir("instructor");
	pa_buf_init(&f->data, 0);
	pa_buf_printf(&f->data, "%s/data", f->dir);
	pa_buf_printf(&schemas, "%s/schemas", pa_test_shared_dir());
	assert_int_equal(pa_config_init(&f->cfg), 0);
	assert_int_equal(pa_config_set(&f->cfg, "data_dir", f->data.ptr), 0);
	assert_int_equal(pa_config_set(&f->cfg, "schema_dir", schemas.ptr), 0);
	assert_int_equal(pa_config_set(&f->cfg, "listen", "127.0.0.1:0"), 0);
	assert_int_equal(pa_config_set(&f->cfg, "threads", "2"), 0);
	assert_int_equal(pa_store_open(&f->store, f->data.ptr, &f->cfg), 0);
	import(&f->v12, &f->pkg12, "twelve.zip", manifest12);
	import(&f->v2004, &f->pkg2004, "twothousandfour.zip", manifest2004);
	assert_int_equal(pa_store_learner_ensure(&f->ada, f->store, "lti13 https://lms.example 1001", "Lovelace, Ada"), 0);
	assert_int_equal(pa_store_learner_ensure(&f->bob, f->store, "lti13 https://lms.example 1002", "=cmd|' /C calc'!A0"), 0);
	pa_buf_dispose(&schemas);
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

/*
 * One session of a SCO, committed: Initialize, the SetValue pairs of sets
 * (ending in NULL), Terminate; each call run first on a local engine (the
 * browser's) so the commit carries its answers, then replayed and stored.
 */
static void play(int64_t attempt_id, const char *sco, const char *const *sets)
{
	pa_store_attempt a = { 0 };
	pa_store_version v = { 0 };
	pa_player_context ctx = { 0 };
	pa_player_outcome o;
	pa_store_commit c = { 0 };
	pa_scorm *s = NULL;
	json_t *calls = json_array(), *body;
	char *text;

	assert_int_equal(pa_store_attempt_read(&a, F->store, attempt_id, sco), 0);
	assert_int_equal(pa_store_version_by_id(&v, F->store, a.version_id), 0);
	ctx.attempt = &a;
	ctx.tree_json = v.tree_json;
	ctx.scorm_version = v.scorm_version;
	ctx.learner_id = "learner";
	ctx.learner_name = "Learner";
	assert_int_equal(pa_player_fresh_engine(&s, &ctx, sco), 0);
	json_array_append_new(calls, json_pack("{s:s,s:[s],s:s,s:i}", "fn", "Initialize", "args", "",
					       "result", pa_scorm_initialize(s, "") ? "true" : "false",
					       "error", pa_scorm_get_last_error(s)));
	for (size_t i = 0; sets[i]; i += 2) {
		bool ok = pa_scorm_set_value(s, sets[i], sets[i + 1]);

		if (!ok)
			fail_msg("SetValue %s %s: error %d", sets[i], sets[i + 1], pa_scorm_get_last_error(s));
		json_array_append_new(calls, json_pack("{s:s,s:[s,s],s:s,s:i}", "fn", "SetValue", "args", sets[i],
						       sets[i + 1], "result", "true", "error", 0));
	}
	json_array_append_new(calls, json_pack("{s:s,s:[s],s:s,s:i}", "fn", "Terminate", "args", "",
					       "result", pa_scorm_terminate(s, "") ? "true" : "false",
					       "error", pa_scorm_get_last_error(s)));
	body = json_pack("{s:I,s:s,s:o}", "seq", (json_int_t)a.last_seq + 1, "sco", sco, "calls", calls);
	text = json_dumps(body, JSON_COMPACT);
	pa_player_outcome_init(&o);
	if (pa_player_replay(&o, &ctx, text, strlen(text)) != 0)
		fail_msg("replay: %s", pa_error_last());
	c.attempt_id = attempt_id;
	c.seq = o.seq;
	c.calls = "[]";
	c.result = o.result.ptr;
	c.state = o.seq_state.len ? (const unsigned char *)o.seq_state.ptr : NULL;
	c.state_len = o.seq_state.len;
	c.scos = o.scos;
	c.nscos = o.nscos;
	c.completion_status = o.completion_status;
	c.success_status = o.success_status;
	c.score_scaled = o.score_scaled;
	c.has_score = o.has_score;
	c.suspended = o.suspended;
	assert_int_equal(pa_store_commit_append(F->store, &c), 0);
	pa_player_outcome_dispose(&o);
	free(text);
	json_decref(body);
	pa_scorm_free(s);
	pa_store_version_dispose(&v);
	pa_store_attempt_dispose(&a);
}

static void report(pa_player_report *out, int64_t attempt_id)
{
	pa_store_attempt a = { 0 };
	pa_store_version v = { 0 };
	pa_player_context ctx = { 0 };

	assert_int_equal(pa_store_attempt_read(&a, F->store, attempt_id, NULL), 0);
	assert_int_equal(pa_store_version_by_id(&v, F->store, a.version_id), 0);
	ctx.attempt = &a;
	ctx.tree_json = v.tree_json;
	ctx.scorm_version = v.scorm_version;
	if (pa_player_attempt_report(out, &ctx) != 0)
		fail_msg("report: %s", pa_error_last());
	pa_store_version_dispose(&v);
	pa_store_attempt_dispose(&a);
}

static const char *const quiz2004[] = {
	"cmi.interactions.0.id", "q-borders",
	"cmi.interactions.0.type", "choice",
	"cmi.interactions.0.learner_response", "b",
	"cmi.interactions.0.result", "correct",
	"cmi.interactions.0.latency", "PT12.5S",
	"cmi.interactions.0.timestamp", "2026-11-26T10:00:00Z",
	"cmi.interactions.0.description", "{lang=en}Which border?",
	"cmi.interactions.1.id", "q-asylum",
	"cmi.interactions.1.type", "fill-in",
	"cmi.interactions.1.learner_response", "=1+1",
	"cmi.interactions.1.result", "incorrect",
	"cmi.interactions.1.latency", "PT1M",
	"cmi.score.scaled", "0.5",
	"cmi.completion_status", "completed",
	"cmi.session_time", "PT2M30S",
	NULL
};

static void test_instructor__report_reads_each_scos_interactions(void **state)
{
	const char *const lesson[] = { "cmi.completion_status", "completed", "cmi.session_time", "PT1H", NULL };
	pa_player_report r;
	int64_t attempt;

	(void)state;
	assert_int_equal(pa_store_attempt_create(&attempt, F->store, F->v2004, F->ada, false), 0);
	report(&r, attempt);
	assert_int_equal(r.ninteractions, 0);   /* nothing played: nothing recorded, no error */
	assert_int_equal(r.total_time_cs, 0);
	pa_player_report_dispose(&r);

	play(attempt, "quiz", quiz2004);
	play(attempt, "lesson", lesson);
	report(&r, attempt);
	/* Flow order: the lesson has none, the quiz two, in the order recorded. */
	assert_int_equal(r.ninteractions, 2);
	assert_string_equal(r.interactions[0].sco, "quiz");
	assert_string_equal(r.interactions[0].id, "q-borders");
	assert_string_equal(r.interactions[0].type, "choice");
	assert_string_equal(r.interactions[0].learner_response, "b");
	assert_string_equal(r.interactions[0].result, "correct");
	assert_string_equal(r.interactions[0].latency, "PT12.5S");
	assert_int_equal(r.interactions[0].latency_cs, 1250);
	assert_string_equal(r.interactions[0].timestamp, "2026-11-26T10:00:00Z");
	assert_string_equal(r.interactions[0].description, "{lang=en}Which border?");
	assert_string_equal(r.interactions[1].id, "q-asylum");
	assert_string_equal(r.interactions[1].learner_response, "=1+1");
	assert_int_equal(r.interactions[1].latency_cs, 6000);
	assert_string_equal(r.interactions[1].timestamp, "");
	/* Total time: both SCOs' sessions, 1 h + 2 min 30 s. */
	assert_int_equal(r.total_time_cs, (3600 + 150) * 100);
	pa_player_report_dispose(&r);
	pa_player_report_dispose(&r);   /* disposing twice is harmless */
}

static void test_instructor__report_reads_scorm12_names(void **state)
{
	const char *const quiz[] = {
		"cmi.interactions.0.id", "q1",
		"cmi.interactions.0.type", "true-false",
		"cmi.interactions.0.student_response", "t",
		"cmi.interactions.0.result", "wrong",
		"cmi.interactions.0.latency", "0000:00:07.50",
		"cmi.interactions.0.time", "10:15:00",
		"cmi.core.score.raw", "40",
		"cmi.core.session_time", "0000:05:00",
		NULL
	};
	pa_player_report r;
	int64_t attempt;

	(void)state;
	assert_int_equal(pa_store_attempt_create(&attempt, F->store, F->v12, F->bob, false), 0);
	play(attempt, "q1", quiz);
	report(&r, attempt);
	assert_int_equal(r.ninteractions, 1);
	assert_string_equal(r.interactions[0].sco, "q1");
	assert_string_equal(r.interactions[0].type, "true-false");
	assert_string_equal(r.interactions[0].learner_response, "t");
	assert_string_equal(r.interactions[0].result, "wrong");
	assert_int_equal(r.interactions[0].latency_cs, 750);
	assert_string_equal(r.interactions[0].timestamp, "10:15:00");
	assert_string_equal(r.interactions[0].description, "");
	assert_int_equal(r.total_time_cs, 300 * 100);
	pa_player_report_dispose(&r);
}

/* The server, the links and the attempts the page tests read (after the report tests). */
static void serve(void)
{
	const char *const lesson[] = { "cmi.completion_status", "completed", "cmi.session_time", "PT1H", NULL };
	const char *const bob12[] = { "cmi.interactions.0.id", "q1", "cmi.interactions.0.type", "fill-in",
				      "cmi.interactions.0.student_response", "@SUM(A1)", "cmi.core.score.raw", "40", NULL };
	pa_server_options opts = { 0 };
	pa_store_lti_link in = { 0 }, out = { 0 };
	int64_t a1, a2, a3;

	if (F->server)
		return;
	in.lti_version = 13;
	in.owner_id = 1;
	in.resource_link_id = "rl-1";
	in.deployment_id = "d1";
	in.context_id = "c1";
	in.context_title = "Migration & asylum <101>";
	in.title = "Migration basics";
	in.package_id = F->pkg2004;
	assert_int_equal(pa_store_lti_link_upsert(&out, F->store, &in), 0);
	F->link = out.id;
	pa_store_lti_link_dispose(&out);
	in.resource_link_id = "rl-2";
	in.title = "Other";
	assert_int_equal(pa_store_lti_link_upsert(&out, F->store, &in), 0);
	F->other_link = out.id;
	pa_store_lti_link_dispose(&out);
	assert_int_equal(pa_store_learner_ensure(&F->teacher, F->store, "lti13 https://lms.example t-9", "Teacher, Tom"), 0);
	assert_int_equal(pa_store_attempt_create(&a1, F->store, F->v2004, F->ada, false), 0);
	play(a1, "quiz", quiz2004);
	play(a1, "lesson", lesson);
	assert_int_equal(pa_store_attempt_create(&a2, F->store, F->v12, F->bob, false), 0);
	play(a2, "q1", bob12);
	assert_int_equal(pa_store_lti_grade_target_set(F->store, a1, F->link, "1001"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(F->store, a2, F->link, "1002"), 0);
	/* An attempt on another link is not shown. */
	assert_int_equal(pa_store_attempt_create(&a3, F->store, F->v2004, F->bob, false), 0);
	assert_int_equal(pa_store_lti_grade_target_set(F->store, a3, F->other_link, "1002"), 0);
	opts.config = &F->cfg;
	opts.store = F->store;
	if (pa_server_start(&F->server, &opts) != 0)
		fail_msg("server: %s", pa_error_last());
	assert_int_equal(pa_session_key_load(F->key, F->data.ptr), 0);
}

typedef struct reply {
	long status;
	pa_buf body;
	pa_buf headers;
} reply;

static size_t collect(char *data, size_t size, size_t n, void *buf)
{
	pa_buf_put(buf, data, size * n);
	return size * n;
}

static void reply_dispose(reply *r)
{
	pa_buf_dispose(&r->body);
	pa_buf_dispose(&r->headers);
}

/* GET path (or another method), with one extra header line (may be NULL). */
static void http(reply *out, const char *method, const char *path, const char *header)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	pa_buf url = PA_BUF_INIT;

	memset(out, 0, sizeof(*out));
	pa_buf_init(&out->body, 0);
	pa_buf_init(&out->headers, 0);
	pa_buf_printf(&url, "http://127.0.0.1:%u%s", pa_server_port(F->server), path);
	curl_easy_setopt(c, CURLOPT_URL, url.ptr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (header)
		hdrs = curl_slist_append(hdrs, header);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	pa_buf_dispose(&url);
}

/* A link token as the launch makes them; ttl seconds from now (negative: expired). */
static void link_path(pa_buf *out, int64_t link, int64_t learner, int64_t ttl, const char *tail)
{
	pa_buf_printf(out, "/lti/links/%lld%s?token=", (long long)link, tail);
	assert_int_equal(pa_lti_link_token_make(out, F->key, link, learner, (int64_t)time(NULL) + ttl), 0);
}

static void get_link(reply *out, const char *tail, const char *query, const char *header)
{
	pa_buf path = PA_BUF_INIT;

	link_path(&path, F->link, F->teacher, 600, tail);
	if (query)
		pa_buf_puts(&path, query);
	http(out, "GET", path.ptr, header);
	pa_buf_dispose(&path);
}

static void assert_has(const pa_buf *b, const char *what)
{
	if (!strstr(pa_buf_cstr(b), what))
		fail_msg("missing \"%s\" in:\n%s", what, pa_buf_cstr(b));
}

static void test_instructor__page_lists_attempts_and_answers(void **state)
{
	reply r;

	(void)state;
	serve();
	get_link(&r, "", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.headers, "text/html; charset=utf-8");
	assert_has(&r.headers, "Cache-Control: no-store");
	assert_has(&r.headers, "style-src 'sha256-");
	assert_has(&r.headers, "frame-ancestors *");
	assert_has(&r.body, "<html lang=\"en\">");
	assert_has(&r.body, "<h1>Migration basics</h1>");
	assert_has(&r.body, "Migration &amp; asylum &lt;101&gt;");
	assert_has(&r.body, "Attempts (2)");
	/* Ada: two SCOs of three completed, 50%, 1 h 02 min (both sessions), two answers. */
	assert_has(&r.body, "<th scope=\"row\">Lovelace, Ada</th><td>in progress</td><td class=\"num\">50%</td>"
			    "<td class=\"num\">1 h 02 min</td>");
	assert_has(&r.body, "<code>q-borders</code><br>Which border?</th><td>choice</td><td>b</td><td>correct</td>"
			    "<td class=\"num\">12.5 s</td><td>2026-11-26T10:00:00Z</td>");
	assert_has(&r.body, "<td>=1+1</td><td>incorrect</td><td class=\"num\">1 min 00 s</td>");
	/* Bob's name is data, escaped, never markup. */
	assert_has(&r.body, "=cmd|&#39; /C calc&#39;!A0");
	assert_has(&r.body, "@SUM(A1)");
	assert_has(&r.body, ">Play this module</a>");
	assert_has(&r.body, "/attempts.csv?token=");
	assert_has(&r.body, "/interactions.csv?token=");
	reply_dispose(&r);

	/* French: from the launch's locale, or from the browser. */
	get_link(&r, "", "&lang=fr", NULL);
	assert_has(&r.body, "<html lang=\"fr\">");
	assert_has(&r.body, "Tentatives (2)");
	assert_has(&r.body, "<td>en cours</td><td class=\"num\">50\xE2\x80\xAF%</td>");
	assert_has(&r.body, "Lancer ce module");
	reply_dispose(&r);
	get_link(&r, "", NULL, "Accept-Language: fr-CA,fr;q=0.9,en;q=0.5");
	assert_has(&r.body, "<html lang=\"fr\">");
	reply_dispose(&r);
	get_link(&r, "", NULL, "Accept-Language: de-DE, en-GB;q=0.8, fr;q=0.5");
	assert_has(&r.body, "<html lang=\"en\">");
	reply_dispose(&r);
}

static void test_instructor__csv_files(void **state)
{
	reply r;

	(void)state;
	serve();
	get_link(&r, "/attempts.csv", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.headers, "text/csv; charset=utf-8");
	assert_has(&r.headers, "attachment; filename=\"passerelle-link-");
	assert_true(pa_str_startswith(r.body.ptr, "\xEF\xBB\xBF" "attempt_id,learner_name,lms_user_id,completion_status,"
				      "success_status,score_scaled,score_percent,total_time_seconds,started,last_access,"
				      "interactions\r\n"));
	assert_has(&r.body, ",\"Lovelace, Ada\",1001,incomplete,unknown,0.5000,50.0,3750.00,");
	/* A name that a spreadsheet would run is written as text. */
	assert_has(&r.body, ",'=cmd|' /C calc'!A0,1002,completed,unknown,0.4000,40.0,");
	/* Every line ends in CRLF (none of the values has a line break). */
	for (const char *p = r.body.ptr; (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p > r.body.ptr && p[-1] == '\r');
	reply_dispose(&r);

	get_link(&r, "/interactions.csv", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(pa_str_startswith(r.body.ptr, "\xEF\xBB\xBF" "attempt_id,learner_name,lms_user_id,sco,interaction_id,"
				      "type,learner_response,result,latency_seconds,timestamp,description\r\n"));
	assert_has(&r.body, ",\"Lovelace, Ada\",1001,quiz,q-borders,choice,b,correct,12.50,2026-11-26T10:00:00Z,Which border?\r\n");
	assert_has(&r.body, ",quiz,q-asylum,fill-in,'=1+1,incorrect,60.00,,\r\n");
	assert_has(&r.body, ",1002,q1,q1,fill-in,'@SUM(A1),,,,\r\n");
	reply_dispose(&r);
}

/* How many times what occurs in text. */
static size_t occurrences(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static void test_instructor__the_page_a_page_at_a_time(void **state)
{
	reply r;

	(void)state;
	serve();
	/* One learner a page: Bob's attempt was played last, it comes first. */
	get_link(&r, "", "&per_page=1", NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.body, "Attempts (2)");
	assert_has(&r.body, "<nav class=\"pages\" aria-label=\"Pages of attempts\"><p>Attempts 1–1 of 2, page 1 of 2</p>");
	assert_int_equal(occurrences(r.body.ptr, "<th scope=\"row\">"), 1 + 1);   /* Bob, and his answer */
	assert_has(&r.body, "=cmd|&#39; /C calc&#39;!A0");
	assert_has(&r.body, "@SUM(A1)");
	assert_has(&r.body, "&amp;page=2&amp;per_page=1#attempts\">Next page →</a>");
	assert_null(strstr(r.body.ptr, "rel=\"prev\""));
	assert_null(strstr(r.body.ptr, "Lovelace, Ada"));   /* on her own page */
	reply_dispose(&r);
	get_link(&r, "", "&per_page=1&page=2&lang=fr", NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.body, "<p>Tentatives 2–2 sur 2, page 2 sur 2</p>");
	assert_has(&r.body, "&amp;lang=fr&amp;page=1&amp;per_page=1#attempts\">← Page précédente</a>");
	assert_null(strstr(r.body.ptr, "rel=\"next\""));
	assert_int_equal(occurrences(r.body.ptr, "<th scope=\"row\">"), 1 + 2);   /* Ada, and her two answers */
	assert_has(&r.body, "<th scope=\"row\">Lovelace, Ada</th>");
	assert_null(strstr(r.body.ptr, "@SUM(A1)"));
	reply_dispose(&r);
	/* Past the last page (learners left since the link was made): the last one. */
	get_link(&r, "", "&per_page=1&page=9", NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.body, "Attempts 2–2 of 2, page 2 of 2");
	reply_dispose(&r);
	/* All on one page: no page links. */
	get_link(&r, "", "&page=1", NULL);
	assert_null(strstr(r.body.ptr, "<nav"));
	reply_dispose(&r);
	/* Not a page. */
	get_link(&r, "", "&page=0", NULL);
	assert_int_equal(r.status, 400);
	reply_dispose(&r);
	get_link(&r, "", "&page=2x", NULL);
	assert_int_equal(r.status, 400);
	reply_dispose(&r);
	get_link(&r, "", "&per_page=501", NULL);
	assert_int_equal(r.status, 400);
	assert_has(&r.body, "No such page.");
	reply_dispose(&r);
}

/* A link with n learners' attempts (not played), written behind the store's back in one go. */
static int64_t crowded_link(const char *rlid, int n)
{
	pa_store_lti_link in = { 0 }, out = { 0 };
	pa_buf path = PA_BUF_INIT, q = PA_BUF_INIT;
	sqlite3 *db = NULL;
	char *err = NULL;
	int64_t id;

	in.lti_version = 13;
	in.owner_id = 1;
	in.resource_link_id = (char *)rlid;
	in.title = "Crowded";
	in.package_id = F->pkg2004;
	assert_int_equal(pa_store_lti_link_upsert(&out, F->store, &in), 0);
	id = out.id;
	pa_store_lti_link_dispose(&out);
	/* Last access: the later, the higher the learner's number (the page's order). */
	pa_buf_printf(&q, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		      "INSERT INTO learners (subject, name, created) SELECT '%s ' || i, 'Learner ' || i, 0 FROM n;"
		      "INSERT INTO attempts (version_id, learner_id, created, updated) SELECT %lld, id, 1000, "
		      "  1000000 + CAST(substr(subject, %zu) AS INTEGER) FROM learners WHERE subject LIKE '%s %%';"
		      "INSERT INTO lti_grade_targets (attempt_id, link_id, user_ref, created) SELECT a.id, %lld, "
		      "  'u' || a.id, 0 FROM attempts a JOIN learners l ON l.id = a.learner_id WHERE l.subject LIKE '%s %%';",
		      n, rlid, (long long)F->v2004, strlen(rlid) + 2, rlid, (long long)id, rlid);
	pa_buf_printf(&path, "%s/%s", F->data.ptr, PA_STORE_SQLITE_FILE);
	assert_int_equal(sqlite3_open_v2(path.ptr, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, q.ptr, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q.ptr, err);
	sqlite3_close(db);
	pa_buf_dispose(&path);
	pa_buf_dispose(&q);
	return id;
}

static void get_crowded(reply *out, int64_t link, const char *tail, const char *query)
{
	pa_buf path = PA_BUF_INIT;

	link_path(&path, link, F->teacher, 600, tail);
	if (query)
		pa_buf_puts(&path, query);
	http(out, "GET", path.ptr, NULL);
	pa_buf_dispose(&path);
}

static void test_instructor__many_learners(void **state)
{
	enum { N = 1234 };   /* more than six batches of the export, thirteen pages */
	static bool seen[N + 1];
	int64_t link, last_id = 0;
	size_t lines = 0;
	pa_buf q = PA_BUF_INIT;
	reply r;

	(void)state;
	serve();
	link = crowded_link("crowd", N);
	/* Every page: 100 learners, the latest first, each once. */
	for (int page = 1; page <= 13; page++) {
		char query[32];
		int on_page = page < 13 ? 100 : N - 1200;

		snprintf(query, sizeof(query), "&page=%d", page);
		get_crowded(&r, link, "", query);
		assert_int_equal(r.status, 200);
		assert_has(&r.body, "Attempts (1234)");
		assert_int_equal(occurrences(r.body.ptr, "<th scope=\"row\">Learner "), on_page);
		for (int k = 0; k < on_page; k++) {
			int learner = N - ((page - 1) * 100 + k);

			pa_buf_clear(&q);
			pa_buf_printf(&q, "<th scope=\"row\">Learner %d</th>", learner);
			assert_has(&r.body, q.ptr);
			assert_false(seen[learner]);
			seen[learner] = true;
		}
		reply_dispose(&r);
	}
	/* The attempts file: every attempt, once, in attempt order, through the stream. */
	get_crowded(&r, link, "/attempts.csv", NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.headers, "Transfer-Encoding: chunked");
	assert_has(&r.headers, "attachment; filename=\"passerelle-link-");
	assert_true(pa_str_startswith(r.body.ptr, "\xEF\xBB\xBF" "attempt_id,learner_name,"));
	for (const char *p = strstr(r.body.ptr, "\r\n") + 2; *p; p = strstr(p, "\r\n") + 2) {
		int64_t id = strtoll(p, NULL, 10);

		assert_true(id > last_id);
		last_id = id;
		assert_true(strstr(p, ",Learner ") != NULL);
		assert_non_null(strstr(p, ",unknown,unknown,,,0.00,1970-01-01T00:00:01Z,1970-01-01T00:"));
		lines++;
	}
	assert_int_equal(lines, N);
	assert_int_equal(occurrences(r.body.ptr, "\r\n"), N + 1);
	reply_dispose(&r);
	/* No answers: the header alone, still streamed. */
	get_crowded(&r, link, "/interactions.csv", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.ptr, "\xEF\xBB\xBF" "attempt_id,learner_name,lms_user_id,sco,interaction_id,type,"
			    "learner_response,result,latency_seconds,timestamp,description\r\n");
	reply_dispose(&r);
	pa_buf_dispose(&q);
}

static void test_instructor__link_tokens_are_checked(void **state)
{
	pa_buf path = PA_BUF_INIT;
	reply r;

	(void)state;
	serve();
	http(&r, "GET", "/lti/links/1", NULL);
	assert_int_equal(r.status, 403);
	assert_has(&r.body, "open");
	reply_dispose(&r);
	http(&r, "GET", "/lti/links/1/attempts.csv?token=1.2.3.abcd", NULL);
	assert_int_equal(r.status, 403);
	reply_dispose(&r);
	/* A session token (another label) does not open a link. */
	{
		pa_session_claims c = { F->link, F->teacher, (int64_t)time(NULL) + 600 };

		pa_buf_printf(&path, "/lti/links/%lld?token=", (long long)F->link);
		assert_int_equal(pa_session_token_make(&path, F->key, &c), 0);
		http(&r, "GET", path.ptr, NULL);
		assert_int_equal(r.status, 403);
		reply_dispose(&r);
	}
	/* The token of another link. */
	pa_buf_clear(&path);
	link_path(&path, F->other_link, F->teacher, 600, "");
	{
		pa_buf swapped = PA_BUF_INIT;
		const char *q = strchr(path.ptr, '?');

		pa_buf_printf(&swapped, "/lti/links/%lld/interactions.csv%s", (long long)F->link, q);
		http(&r, "GET", swapped.ptr, NULL);
		assert_int_equal(r.status, 403);
		assert_has(&r.body, "another activity");
		reply_dispose(&r);
		pa_buf_dispose(&swapped);
	}
	/* Expired. */
	pa_buf_clear(&path);
	link_path(&path, F->link, F->teacher, -5, "");
	http(&r, "GET", path.ptr, "Accept-Language: fr");
	assert_int_equal(r.status, 403);
	assert_has(&r.body, "expiré");
	assert_has(&r.body, "<html lang=\"fr\">");   /* the page in the language it is written in */
	reply_dispose(&r);
	/* No such route; no other method. */
	pa_buf_clear(&path);
	link_path(&path, F->link, F->teacher, 600, "/secrets");
	http(&r, "GET", path.ptr, NULL);
	assert_int_equal(r.status, 404);
	reply_dispose(&r);
	pa_buf_clear(&path);
	link_path(&path, F->link, F->teacher, 600, "");
	http(&r, "POST", path.ptr, NULL);
	assert_int_equal(r.status, 405);
	reply_dispose(&r);
	pa_buf_dispose(&path);
}

/* "/play/<attempt>?token=<token>" of a Location header, copied to path. */
static int64_t play_location(const reply *r, pa_buf *path)
{
	const char *loc = strstr(pa_buf_cstr(&r->headers), "Location: "), *p, *end;
	int64_t attempt;

	assert_non_null(loc);
	assert_non_null(p = strstr(loc, "/play/"));
	end = p + strcspn(p, "\r\n");
	pa_buf_put(path, p, (size_t)(end - p));
	assert_int_equal(sscanf(p, "/play/%" SCNd64, &attempt), 1);
	return attempt;
}

static void test_instructor__play_opens_the_instructors_own_attempt(void **state)
{
	pa_buf first = PA_BUF_INIT, again = PA_BUF_INIT, api = PA_BUF_INIT;
	pa_store_attempt a = { 0 };
	int64_t attempt, attempt2;
	reply r;

	(void)state;
	serve();
	get_link(&r, "/play", NULL, NULL);
	assert_int_equal(r.status, 303);
	attempt = play_location(&r, &first);
	assert_true(pa_str_startswith(strchr(first.ptr, '?'), "?lang=en&token="));
	reply_dispose(&r);
	assert_int_equal(pa_store_attempt_get(&a, F->store, attempt), 0);
	assert_int_equal(a.learner_id, F->teacher);
	assert_false(a.preview);
	pa_store_attempt_dispose(&a);
	/* Again: the same attempt. */
	get_link(&r, "/play", NULL, NULL);
	assert_int_equal(r.status, 303);
	attempt2 = play_location(&r, &again);
	assert_int_equal(attempt2, attempt);
	reply_dispose(&r);
	/* The session token opens the attempt in the player's API. */
	pa_buf_printf(&api, "/api/attempts/%lld%s", (long long)attempt, strchr(first.ptr, '?'));
	http(&r, "GET", api.ptr, NULL);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
	/* The instructor's attempt is not among the learners'. */
	get_link(&r, "", NULL, NULL);
	assert_has(&r.body, "Attempts (2)");
	reply_dispose(&r);
	pa_buf_dispose(&first);
	pa_buf_dispose(&again);
	pa_buf_dispose(&api);
}

static void test_instructor__a_link_without_a_module(void **state)
{
	pa_store_lti_link in = { 0 }, out = { 0 };
	pa_buf path = PA_BUF_INIT;
	reply r;

	(void)state;
	serve();
	in.lti_version = 11;
	in.owner_id = 3;
	in.resource_link_id = "rl-empty";
	assert_int_equal(pa_store_lti_link_upsert(&out, F->store, &in), 0);
	link_path(&path, out.id, F->teacher, 600, "");
	http(&r, "GET", path.ptr, NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.body, "<h1>Module</h1>");
	assert_has(&r.body, "No module is chosen for this link yet.");
	assert_has(&r.body, "Attempts (0)");
	assert_null(strstr(r.body.ptr, "Play this module"));
	reply_dispose(&r);
	pa_buf_clear(&path);
	link_path(&path, out.id, F->teacher, 600, "/play");
	http(&r, "GET", path.ptr, NULL);
	assert_int_equal(r.status, 409);
	reply_dispose(&r);
	pa_buf_clear(&path);
	link_path(&path, out.id, F->teacher, 600, "/attempts.csv");
	http(&r, "GET", path.ptr, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.ptr, "\xEF\xBB\xBF" "attempt_id,learner_name,lms_user_id,completion_status,success_status,"
			    "score_scaled,score_percent,total_time_seconds,started,last_access,interactions\r\n");
	reply_dispose(&r);
	pa_buf_dispose(&path);
	pa_store_lti_link_dispose(&out);
}

static void test_instructor__config_route(void **state)
{
	pa_buf expect = PA_BUF_INIT;
	reply r;
	json_t *j;

	(void)state;
	serve();
	http(&r, "GET", "/lti/config", NULL);
	assert_int_equal(r.status, 200);
	assert_has(&r.headers, "application/json");
	assert_non_null(j = json_loads(r.body.ptr, 0, NULL));
	pa_buf_printf(&expect, "http://127.0.0.1:%u/lti/jwks", pa_server_port(F->server));
	assert_string_equal(json_string_value(json_object_get(j, "jwks")), expect.ptr);
	json_decref(j);
	reply_dispose(&r);
	http(&r, "GET", "/lti/config", "Accept: text/html,application/xhtml+xml");
	assert_int_equal(r.status, 200);
	assert_has(&r.headers, "text/html");
	assert_has(&r.body, "Initiate login URL");
	reply_dispose(&r);
	pa_buf_dispose(&expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instructor__report_reads_each_scos_interactions),
		cmocka_unit_test(test_instructor__report_reads_scorm12_names),
		cmocka_unit_test(test_instructor__page_lists_attempts_and_answers),
		cmocka_unit_test(test_instructor__csv_files),
		cmocka_unit_test(test_instructor__the_page_a_page_at_a_time),
		cmocka_unit_test(test_instructor__many_learners),
		cmocka_unit_test(test_instructor__link_tokens_are_checked),
		cmocka_unit_test(test_instructor__play_opens_the_instructors_own_attempt),
		cmocka_unit_test(test_instructor__a_link_without_a_module),
		cmocka_unit_test(test_instructor__config_route),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
