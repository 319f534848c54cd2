/* What instructors see of a link's attempts: the report read from the
 * stored engine states (runtime/player.c), and the page and CSV files of
 * lti/instructor.c on a real server. Attempts are played the way the
 * browser plays them: each call run on a local engine, then replayed by
 * the server's. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "common/util.h"
#include "runtime/import.h"
#include "runtime/player.h"
#include "runtime/store.h"

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

	assert_int_equal(pa_store_attempt_get(&a, F->store, attempt_id), 0);
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
	c.state = (const unsigned char *)o.state.ptr;
	c.state_len = o.state.len;
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

	assert_int_equal(pa_store_attempt_get(&a, F->store, attempt_id), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instructor__report_reads_each_scos_interactions),
		cmocka_unit_test(test_instructor__report_reads_scorm12_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
